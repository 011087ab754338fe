"""Nightly refresh: run each site group's crawl on its cron schedule, one subprocess per crawl.

    nianbao schedule --once              # run every group now, then exit (scheduler.py --once alike)
    nianbao schedule                     # serve forever (APScheduler 3.x BlockingScheduler)
    nianbao schedule --config nianbao.toml

Groups come from the ``[scheduler]`` table of a config file (``--config``, else ``./nianbao.toml``);
there is no default list of sites, so a missing file is an error, not a crawl of the whole registry.
Twisted's reactor cannot restart inside one process, so each crawl is a fresh ``nianbao crawl``
subprocess with a wall-clock limit. Jobs run with ``max_instances=1`` and ``coalesce=True``: an
overlapping trigger is skipped, a backlog of missed runs becomes one run. SIGTERM/SIGINT stop the
running crawl gracefully (it records an interrupted run); serving then exits 0, ``--once`` exits
128 + the signal. ``--once`` otherwise exits with the first non-zero crawl exit code. Logs are JSON
lines on stdout; a crawl that exits non-zero is logged at level error.
"""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers import SchedulerNotRunningError
from apscheduler.schedulers.blocking import BlockingScheduler

from crawler import exit_codes
from crawler.distributed.processes import ProcessGroup, start_distributed
from crawler.schedule_config import DEFAULT_TIMEZONE, Config, Group, find_config, load_config, make_trigger

STOP_GRACE_SECONDS = 60

log = logging.getLogger("nianbao.scheduler")


def crawl_command(group: Group, db: str) -> list[str]:
    """The ``nianbao crawl`` command line for one group."""
    cmd = [sys.executable, "-m", "crawler.cli", "crawl", "--db", db, "--label", group.label, *group.crawl_args]
    cmd += ["--ocr"] if group.ocr else []
    if group.start_urls:
        return [*cmd, *group.start_urls]
    if "*" in group.sites:
        return [*cmd, "--all"]
    return [*cmd, *[arg for site in group.sites for arg in ("--site", site)]]


def start_crawl(group: Group, db: str) -> subprocess.Popen[str] | ProcessGroup:
    """The group's crawl: one process, or a distributed crawl's writer and workers (docs/distributed.md)."""
    if group.redis:
        return start_distributed(crawl_command(group, db), redis_url=group.redis, workers=group.redis_workers,
                                 db=db, label=group.label)
    return subprocess.Popen(crawl_command(group, db), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            errors="backslashreplace")


class Runner:
    """Runs crawls as subprocesses, one at a time, and stops them gracefully on request."""

    def __init__(self, db: str):
        self.db = db
        self.stopping = threading.Event()
        self.idle = threading.Event()
        self.idle.set()
        self._child: subprocess.Popen[str] | ProcessGroup | None = None
        self._lock = threading.RLock()  # re-entrant: a signal handler on the running thread stops the crawl

    def run_group(self, group: Group) -> int | None:
        """One crawl of ``group``; returns its exit code (None when the scheduler is stopping)."""
        if self.stopping.is_set():
            return None
        started = datetime.now().astimezone()
        emit("crawl_start", group=group.name)
        self.idle.clear()
        with self._lock:
            self._child = start_crawl(group, self.db)
        forwarder = threading.Thread(target=_forward_output, args=(self._child, group.name), daemon=True)
        forwarder.start()
        try:
            code = self._child.wait(timeout=group.time_limit_seconds)
        except subprocess.TimeoutExpired:
            emit("crawl_time_limit", group=group.name, seconds=group.time_limit_seconds, level="warning")
            code = self._stop_child()
        finally:
            forwarder.join(timeout=10)
            with self._lock:
                self._child = None
            self.idle.set()
        seconds = round((datetime.now().astimezone() - started).total_seconds(), 1)
        emit("crawl_end", group=group.name, exit_code=code, seconds=seconds,
             level="info" if code == 0 else "error")
        return code

    def _stop_child(self) -> int:
        """SIGTERM (Scrapy closes the spider and records an interrupted run), then SIGKILL."""
        child = self._child
        if child is None:
            return 0
        child.send_signal(signal.SIGTERM)
        try:
            return child.wait(timeout=STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            return child.wait()

    def stop(self) -> None:
        self.stopping.set()
        with self._lock:
            child = self._child
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)


def _forward_output(child: subprocess.Popen[str] | ProcessGroup, group: str) -> None:
    """The crawl's own output, one structured line per line, so stdout stays JSON lines."""
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip():
            emit("crawl_output", group=group, line=line.rstrip("\n"))


def last_success(db: str, label: str) -> datetime | None:
    """When the last successful run of ``label`` finished, from the archive."""
    if not Path(db).exists():
        return None
    import archive
    from nianbao.errors import ArchiveError

    try:
        with archive.open_archive(db, readonly=True) as store:
            finished = store.last_successful_run(label)
    except ArchiveError as exc:  # e.g. an archive of an older schema, migrated by the next crawl
        emit("last_run_unknown", db=db, reason=str(exc), level="warning")
        return None
    return datetime.fromisoformat(finished.replace("Z", "+00:00")) if finished else None


def needs_catch_up(group: Group, db: str, now: datetime) -> bool:
    """True when the last successful run is older than one interval of the group's schedule."""
    trigger = make_trigger(group)
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + timedelta(microseconds=1)) if first else None
    if first is None or second is None:
        return False
    last = last_success(db, group.label)
    return last is None or now - last > second - first


def build_scheduler(config: Config, runner: Runner) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=ZoneInfo(DEFAULT_TIMEZONE))
    now = datetime.now(ZoneInfo(DEFAULT_TIMEZONE))
    for group in config.groups:
        catch_up = needs_catch_up(group, config.db, now)
        scheduler.add_job(runner.run_group, make_trigger(group), args=[group], id=group.name, name=group.label,
                          max_instances=1, coalesce=True, misfire_grace_time=group.misfire_grace_seconds,
                          replace_existing=True, **({"next_run_time": now} if catch_up else {}))
        emit("scheduled", group=group.name, cron=group.cron, timezone=group.timezone, catch_up=catch_up)
    scheduler.add_listener(_on_skip, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    return scheduler


def _on_skip(event: JobExecutionEvent) -> None:
    reason = "missed" if event.code == EVENT_JOB_MISSED else "still running"
    emit("trigger_skipped", group=event.job_id, reason=reason, level="warning")


_EMIT_LOCK = threading.RLock()  # re-entrant: a signal handler may emit on the thread already emitting


def emit(event: str, *, level: str = "info", **fields: Any) -> None:
    """One structured log line, written whole (several threads log: scheduler, job, crawl output)."""
    record = {"ts": datetime.now().astimezone().isoformat(timespec="seconds"), "level": level, "event": event, **fields}
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _EMIT_LOCK:
        sys.stdout.write(line)
        sys.stdout.flush()


def shut_down(scheduler: BlockingScheduler) -> None:
    """Stop the scheduler; a second signal finds it stopped already."""
    with contextlib.suppress(SchedulerNotRunningError):
        scheduler.shutdown(wait=False)


def run(config_path: Path | None = None, *, db: str | None = None, once: bool = False) -> int:
    """Run the groups of the config file (``--config``, else ./nianbao.toml): all now (``once``), or on schedule.

    Returns the exit code: with ``once``, the first non-zero crawl exit code (0 when every crawl
    succeeded), or 128 + the signal that stopped it; serving, 0 once a signal has stopped it.
    """
    config = load_config(find_config(config_path))
    runner = Runner(db or config.db)
    if once:
        return _run_once(runner, config.groups)
    return _serve(Config(db=db or config.db, groups=config.groups), runner)


def _run_once(runner: Runner, groups: tuple[Group, ...]) -> int:
    """Every group now, one after another; a signal stops the running crawl and the rest."""
    received: list[int] = []

    def stop(signum: int, _frame: Any) -> None:
        emit("stopping", signal=signal.Signals(signum).name)
        received.append(signum)
        runner.stop()

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        codes = [runner.run_group(group) for group in groups]
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received:
        return exit_codes.stopped_by(received[0])
    return next((code for code in codes if code), exit_codes.OK)


def _serve(config: Config, runner: Runner) -> int:
    """Run the groups on their schedules until SIGTERM or SIGINT."""
    scheduler = build_scheduler(config, runner)
    stopping = threading.Event()

    def stop(signum: int, _frame: Any) -> None:
        emit("stopping", signal=signal.Signals(signum).name)
        stopping.set()
        runner.stop()
        # Not on this thread: the handler interrupts the scheduler's own loop, which may be halfway
        # through its job store; APScheduler's lock is re-entrant, so a shutdown here would empty the
        # store under it (JobLookupError). Another thread waits for the loop to let go.
        threading.Thread(target=shut_down, args=(scheduler,), name="scheduler-stop").start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not stopping.is_set():  # a signal before the start finds no scheduler to shut down
        scheduler.start()
    runner.idle.wait()  # the stopped crawl records its interrupted run before we exit
    emit("stopped")
    return exit_codes.OK
