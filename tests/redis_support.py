"""A real redis-server and real worker and writer processes for the distributed-crawl tests.

redis-server cannot pick its own port (``port 0`` turns TCP off), so a free loopback port is chosen
and the start tried again on another one if some other process took it in between. The server keeps
an append-only file in the test's directory (``appendfsync everysec``, as docs/distributed.md
recommends), so it can be killed and started again from its data.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import redis

from tests.conftest import ROOT

START_ATTEMPTS = 5
READY_SECONDS = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One redis-server on 127.0.0.1 with its data in ``workdir``."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=10)

    def start(self) -> RedisServer:
        """Start (or start again, on the same port, from the append-only file)."""
        for _ in range(START_ATTEMPTS if not self.port else 1):
            self.port = self.port or free_port()
            if self._try_start():
                return self
            self.port = 0
        raise RuntimeError(f"redis-server did not start; see {self.workdir / 'redis.log'}")

    def _try_start(self) -> bool:
        self.workdir.mkdir(parents=True, exist_ok=True)
        conf = self.workdir / "redis.conf"
        conf.write_text("\n".join([
            "bind 127.0.0.1", f"port {self.port}", "protected-mode yes", "daemonize no", f"dir {self.workdir}",
            "appendonly yes", "appendfsync everysec", "aof-use-rdb-preamble yes", "aof-load-truncated yes",
            'save ""', "maxmemory-policy noeviction", f"logfile {self.workdir / 'redis.log'}", ""]))
        self.process = subprocess.Popen(["redis-server", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if self.client().ping() and not self.client().info("persistence").get("loading"):
                    return True
            except (redis.ConnectionError, redis.BusyLoadingError):
                time.sleep(0.05)
        self.stop(signal.SIGKILL)
        return False

    def stop(self, how: signal.Signals = signal.SIGTERM) -> None:
        """SIGTERM: a clean shutdown (the AOF is flushed). SIGKILL: a crash (up to a second of writes lost)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(how)
            self.process.wait(timeout=30)
        self.process = None


def nianbao_process(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    """A ``nianbao`` command in its own interpreter, output to ``log``."""
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT)


def writer_args(server: RedisServer, db: Path, *extra: str) -> list[str]:
    return ["write", "--redis", server.url, "--db", str(db), "--wait", "60", *extra]


def worker_args(server: RedisServer, urls: list[str], *extra: str) -> list[str]:
    return ["crawl", *urls, "--redis", server.url, "--log-level", "INFO", "-s", "NIANBAO_PROGRESS=off", *extra]
