"""Exit codes of every nianbao command and of scheduler.py (README, "Exit codes")."""

from __future__ import annotations

OK = 0  # success; a crawl's run ended "ok"
FAILED = 1  # an error (one line on stderr); a crawl's run "failed"; check or status found a problem
USAGE = 2  # an unknown option, a missing argument (click's own code for usage errors)
PARTIAL = 3  # a crawl's run ended "partial": some sites failed, or something was lost or cut short
BUSY = 4  # another process holds the archive's writer lock; try again later

_RUN_STATUS = {"ok": OK, "partial": PARTIAL, "failed": FAILED}


def stopped_by(signum: int) -> int:
    """128 + the signal number, as shells report a command a signal ended: 143 for SIGTERM, 130 for SIGINT."""
    return 128 + signum


def for_run(status: str, *, signum: int | None = None) -> int:
    """The exit code of a crawl whose run ended with ``status`` (``signum``: the signal that stopped it)."""
    if status == "interrupted":
        return stopped_by(signum) if signum else FAILED
    return _RUN_STATUS.get(status, FAILED)
