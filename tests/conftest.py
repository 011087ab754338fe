"""Shared fixtures: the fixture portal on loopback, and crawls run as real subprocesses."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import archive

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "requires_program(name): needs a program from scripts/system-packages.txt")
    config.addinivalue_line("markers", "requires_ocr: needs the ocr extra and the CJK fonts that render test scans")
    config.addinivalue_line("markers", "soak: the soak test (the whole portals, readers, kills); run by the normal command")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """A test whose program is missing skips on a developer's machine and fails under CI (NIANBAO_CI=1)."""
    for mark in item.iter_markers("requires_program"):
        name = mark.args[0]
        if shutil.which(name) is None:
            message = f"{name} is not installed (a Debian package listed in scripts/system-packages.txt)"
            _missing(message)
    if any(item.iter_markers("requires_ocr")):
        from bench.ocr.scans import missing_fonts
        from extract.scanned import ocr_available

        if not ocr_available():
            _missing("the ocr extra is not installed (pip install -e '.[ocr]')")
        if missing_fonts():
            _missing(f"CJK fonts are not installed: {missing_fonts()} (scripts/system-packages.txt)")


def _missing(message: str) -> None:
    """Skip on a developer's machine; fail under CI, where everything must be installed."""
    if os.environ.get("NIANBAO_CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def portal() -> Iterator[object]:
    """The offline fixture portal (every family), served on free ports of 127.0.0.1."""
    from fixture_portal import FixturePortal

    with FixturePortal(seed=7) as served:
        yield served


def run_nianbao(*args: str, timeout: float = 240, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``nianbao`` CLI in a fresh interpreter (Twisted's reactor cannot restart in-process);
    ``env`` adds environment variables (``NIANBAO_CLOCK``)."""
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, check=False, env={**os.environ, **(env or {})})


def crawl(db: Path, *urls: str, extra: tuple[str, ...] = (), revisit: str = "all", expect: int = 0,
          env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Crawl homepages into ``db`` with politeness off (loopback); assert the exit code (0: the run is ok).

    ``expect`` 3 for a partial run (some sites failed), 1 for a failed one (crawler.exit_codes).
    Every known document is revalidated (``--revisit all``), as a night under the revisit policy
    would within its ceiling; ``revisit="due"`` crawls under the policy itself (archive/revisit.py).
    """
    result = run_nianbao("crawl", *urls, "--db", str(db), "--delay", "0", "--concurrency", "8",
                         "--revisit", revisit, *extra, env=env)
    assert result.returncode == expect, result.stderr[-4000:]
    return result


def closed_port_url() -> str:
    """A loopback URL nothing listens on (the port was free a moment ago and is not reused by us)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[archive.Archive]:
    """A fresh archive file; after the test it must pass every check."""
    opened = archive.open_archive(tmp_path / "archive.db")
    try:
        yield opened
        assert opened.check() == []
    finally:
        opened.close()
