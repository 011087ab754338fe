"""The HTTP layer: one ThreadingHTTPServer per site on 127.0.0.1, port chosen by the OS."""

from __future__ import annotations

import logging
import socket
import ssl
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

log = logging.getLogger(__name__)

MAX_REQUEST_BODY = 1024 * 1024
IDLE_TIMEOUT = 30.0  # seconds a kept-alive connection may sit idle before its thread ends
POLL_INTERVAL = 0.05  # how soon serve_forever notices a shutdown request


@dataclass
class Request:
    """One parsed request; ``target`` is the raw path with its query string."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))

    def header(self, name: str) -> str | None:
        """A request header, case-insensitively."""
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)


@dataclass
class Response:
    """What to send back; a streamed ``body`` without ``length`` goes out chunked (no Content-Length)."""

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    length: int | None = None

    def content_length(self) -> int | None:
        """The length to announce; None for a streamed body sent chunked."""
        return len(self.body) if isinstance(self.body, bytes) else self.length


App = Callable[[Request], Response]


class Handler(BaseHTTPRequestHandler):
    """Turns HTTP/1.1 requests into :class:`Request` objects for the site's app."""

    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = IDLE_TIMEOUT
    # Headers and body go out in separate writes; with Nagle on, delayed ACKs add ~40 ms each.
    disable_nagle_algorithm = True
    server: PortalHTTPServer

    def do_GET(self) -> None:
        self.dispatch(b"")

    def do_HEAD(self) -> None:
        self.dispatch(b"")

    def do_POST(self) -> None:
        size = int(self.headers.get("Content-Length") or 0)
        if size > MAX_REQUEST_BODY:
            self.send_error(413, "request body too large")
            return
        self.dispatch(self.rfile.read(size))

    def dispatch(self, body: bytes) -> None:
        """Ask the app for a response and write it."""
        request = Request(self.command, self.path, dict(self.headers.items()), body)
        try:
            response = self.server.app(request)
        except Exception:
            # A fixture bug must show up as a 500 and a traceback, not as a dropped connection.
            log.exception("fixture portal failed on %s %s", self.command, self.path)
            response = Response(500, b"internal error", {"Content-Type": "text/plain; charset=utf-8"})
        self.write(response)

    def write(self, response: Response) -> None:
        """Send status, headers and (unless HEAD or bodiless) the body."""
        self.send_response(response.status)
        bodiless = response.status in (204, 304) or response.status < 200
        for name, value in response.headers.items():
            self.send_header(name, value)
        length = response.content_length()
        if not bodiless:
            self.send_header(*(("Content-Length", str(length)) if length is not None else ("Transfer-Encoding", "chunked")))
        self.end_headers()
        if self.command == "HEAD" or bodiless:
            return
        chunks = [response.body] if isinstance(response.body, bytes) else response.body
        try:
            for chunk in chunks:
                self.wfile.write(chunk if length is not None else b"%x\r\n%s\r\n" % (len(chunk), chunk))
            if length is None:
                self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError) as exc:
            # The client hung up mid-body (e.g. a size cap on /huge): expected, but say so.
            log.info("client closed %s %s mid-body: %s", self.command, self.path, exc)
            self.close_connection = True

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No access log on stderr: the portal keeps its own request log."""

    def log_error(self, format: str, *args: object) -> None:
        """Errors go to stderr, except a kept-alive connection left idle past ``IDLE_TIMEOUT``:
        closing those is routine (nginx does it silently) and flooded the log after every crawl."""
        if not format.startswith("Request timed out"):
            super().log_error(format, *args)


class PortalHTTPServer(ThreadingHTTPServer):
    """A threading server that can cut its open keep-alive connections when stopped; https with ``tls``."""

    daemon_threads = True

    def __init__(self, app: App, tls: ssl.SSLContext | None = None) -> None:
        self.app = app
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), Handler)
        if tls is not None:  # the handshake happens in the connection's own thread (finish_request)
            self.socket = tls.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    def finish_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        if isinstance(request, ssl.SSLSocket):
            try:
                request.do_handshake()
            except (ssl.SSLError, OSError) as exc:  # a client that gave up or does not speak TLS
                log.info("TLS handshake with %s failed: %s", client_address, exc)
                return
        super().finish_request(request, client_address)

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (a crawler stopping a body at its size cap) is routine; anything else is not."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            log.info("client %s closed the connection", client_address)
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]

    def close_connections(self) -> None:
        """Shut down every open connection so no handler keeps serving after a stop."""
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError as exc:  # already closed by the peer
                log.debug("connection already closed: %s", exc)


class RunningServer:
    """A started server and its thread, on 127.0.0.1, named ``host`` in its URLs (``localhost`` is a host of its own)."""

    def __init__(self, app: App, *, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> None:
        self.httpd = PortalHTTPServer(app, tls)
        port = self.httpd.server_address[1]
        self.base_url = f"{'https' if tls else 'http'}://{host}:{port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": POLL_INTERVAL},
                                       name=f"fixture {self.base_url}", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        """Stop accepting, close the listening socket and cut open connections."""
        self.httpd.shutdown()
        self.httpd.server_close()
        self.httpd.close_connections()
        self.thread.join()
