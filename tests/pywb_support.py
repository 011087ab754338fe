"""A real pywb for the replay tests: its own cached environment, ``wb-manager`` and ``wayback`` as subprocesses.

pywb never goes into the project's environment: its dependency brotlipy installs a ``brotli``
package that shadows the Brotli module Scrapy decodes ``br`` responses with. Nor is it imported
here: its command line monkey-patches the interpreter with gevent on import. It gets a virtual
environment of its own under ``.cache/pywb/`` at the repository root (git-ignored), installed from
the package index by the first run and reused by every later one.
"""

from __future__ import annotations

import fcntl
import json
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
PYWB_SPEC = "pywb==2.10.0"
CACHE = ROOT / ".cache" / "pywb"
INSTALL_TIMEOUT = 600  # seconds; a cold install took about 20 s
# With --debug, pywb logs the port each of its servers bound (the replay server and an internal
# index server), so both can be asked for port 0 and no other process can take the port meanwhile.
_BOUND = re.compile(r"starting server on (\d+)")


class PywbUnavailable(Exception):
    """pywb could not be installed (no network, no package index)."""


def pywb_bin(cache: Path = CACHE, spec: str = PYWB_SPEC) -> Path:
    """The bin/ directory of a virtual environment holding ``spec``, built once and then reused."""
    venv = cache / spec.replace("==", "-")
    marker, stamp = venv / "installed", _stamp(venv, spec)
    if not _installed(marker, stamp):
        cache.mkdir(parents=True, exist_ok=True)
        with open(cache / "lock", "w") as lock:  # concurrent test runs build it once
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not _installed(marker, stamp):
                _build(venv, spec)
                marker.write_text(stamp)
    return venv / "bin"


def _stamp(venv: Path, spec: str) -> str:
    """What the environment was built for: a new Python or a moved checkout (scripts carry absolute
    paths) needs a new one."""
    return f"{spec}\n{sys.version}\n{venv}\n"


def _installed(marker: Path, stamp: str) -> bool:
    return marker.is_file() and marker.read_text() == stamp and (marker.parent / "bin" / "python").exists()


def _build(venv: Path, spec: str) -> None:
    """A fresh virtual environment with ``spec`` installed into it, or PywbUnavailable saying why not."""
    shutil.rmtree(venv, ignore_errors=True)
    python = venv / "bin" / "python"
    for argv in ([sys.executable, "-m", "venv", str(venv)],
                 [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", spec]):
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=INSTALL_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise PywbUnavailable(f"{' '.join(argv)} took over {INSTALL_TIMEOUT} s") from exc
        if done.returncode != 0:
            shutil.rmtree(venv, ignore_errors=True)
            raise PywbUnavailable(f"{' '.join(argv)} failed: {(done.stdout + done.stderr)[-1500:]}")


def wb_manager(bin_dir: Path, root: Path, *args: str) -> str:
    """Run ``wb-manager`` in ``root`` (collections live in root/collections); return its output.

    It exits 0 even when indexing a file fails (it logs an error and goes on), so callers check the
    index through the cdx API rather than trust the exit status.
    """
    done = subprocess.run([str(bin_dir / "wb-manager"), *args], cwd=root, capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout + done.stderr


@dataclass
class Reply:
    """One HTTP answer from pywb."""

    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        """The media type alone, without parameters."""
        return self.headers.get_content_type() if self.headers.get("Content-Type") else ""


class Wayback:
    """``wayback`` serving the collections under ``root`` on 127.0.0.1, on a port it picks itself."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.log_path = root / "wayback.log"
        with open(self.log_path, "wb") as log:  # the server writes to its own copy of the descriptor
            self.process = subprocess.Popen([str(bin_dir / "wayback"), "--debug", "-b", "127.0.0.1", "-p", "0"],
                                            cwd=root, stdout=log, stderr=subprocess.STDOUT)
        # no proxy from the environment may stand between the tests and loopback
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)
        try:
            self.base = self._wait_for_replay_server()
        except BaseException:
            self.stop()
            raise

    def _wait_for_replay_server(self, timeout: float = 60) -> str:
        """The base URL of the replay server: of the bound ports, the one answering with its HTML home page."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"wayback exited with {self.process.returncode}: {self.log()}")
            for port in _BOUND.findall(self.log()):
                base = f"http://127.0.0.1:{port}"
                reply = self._get(base + "/")
                if reply is not None and reply.status == 200 and reply.content_type == "text/html":
                    return base
            time.sleep(0.1)
        raise RuntimeError(f"wayback did not start within {timeout} s: {self.log()}")

    def log(self) -> str:
        """The server's log so far (the end of it)."""
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def __enter__(self) -> Wayback:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def _get(self, url: str) -> Reply | None:
        try:
            with self._opener.open(url, timeout=30) as answer:
                return Reply(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as answer:
            return Reply(answer.code, answer.headers, answer.read())
        except (urllib.error.URLError, OSError):
            return None

    def get(self, path: str) -> Reply:
        """GET ``path`` from the replay server, redirects not followed."""
        reply = self._get(self.base + path)
        if reply is None:
            raise RuntimeError(f"no answer for {path}: {self.log()}")
        return reply

    def replay(self, coll: str, timestamp: str, url: str, mode: str) -> Reply:
        """``url`` as archived closest to ``timestamp`` (14 digits), in a replay mode such as ``id_`` or ``mp_``."""
        return self.get(f"/{coll}/{timestamp}{mode}/{url}")

    def cdx(self, coll: str, url: str, **params: str) -> list[dict[str, str]]:
        """The index lines of ``url`` in ``coll`` (pywb's cdx API, one JSON object per line)."""
        query = urllib.parse.urlencode({"url": url, "output": "json", **params})
        reply = self.get(f"/{coll}/cdx?{query}")
        return [json.loads(line) for line in reply.body.decode().splitlines() if line.strip()]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """See pywb's redirects (to the exact capture time) as they are sent."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None
