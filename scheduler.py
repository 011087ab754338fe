"""The nightly refresh, as ``python scheduler.py [--once] [--config FILE] [--db PATH]``.

The same command as ``nianbao schedule``; its logic lives in ``crawler.schedule``.
"""

from crawler.cli import schedule

if __name__ == "__main__":
    schedule.main(prog_name="scheduler.py")
