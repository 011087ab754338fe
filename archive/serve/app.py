"""Datasette 0.65 built on the archive, with nianbao's metadata, templates and plugin, and served by uvicorn.

Datasette is built here rather than through ``datasette serve`` so that the archive is always served
under one name (``archive``, whatever the file is called: metadata and links depend on it), the
plugin is registered only in this process, and the archive's schema is checked first. The file is
opened mutable (``mode=ro`` connections that see a running crawl's commits through WAL), never
immutable: immutable=1 lets SQLite skip locking and read torn pages while a crawl writes.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn
from datasette.app import Database, Datasette
from datasette.plugins import pm
from datasette.utils import parse_metadata

import archive
from archive.serve import plugin

HERE = Path(__file__).parent
METADATA = HERE / "metadata.yaml"
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
STATIC_MOUNT = "nianbao-static"  # metadata.yaml links /nianbao-static/nianbao.css
ARCHIVE_NAME = "archive"
# Datasette's defaults suit small tables; confirming a search on every text of a large archive, or a
# facet over it, takes longer than 1 s / 200 ms the first time (the match cache answers after that).
SETTINGS = {
    "sql_time_limit_ms": 5000,
    "facet_time_limit_ms": 1000,
    "default_page_size": 50,
    "num_sql_threads": 3,
    "suggest_facets": False,  # probing 27 columns for suggestions made every reports page take ~1.5 s
}


def register_plugin() -> None:
    """Register the plugin with Datasette's plugin manager, once per process."""
    if pm.get_plugin(plugin.PLUGIN) is None:
        pm.register(plugin, name=plugin.PLUGIN)


def make_datasette(db_path: str | Path, *, settings: dict[str, Any] | None = None) -> Datasette:
    """Datasette serving the archive at ``db_path`` as ``archive``; ArchiveError for a missing or older file.

    A read-only server must not migrate (that takes the writer's lock), so an archive of another
    schema version is refused; any crawl or a writable open migrates it.
    """
    archive.open_archive(db_path, readonly=True).close()
    register_plugin()
    metadata = parse_metadata(METADATA.read_text(encoding="utf-8"))
    ds = Datasette(metadata=metadata, template_dir=str(TEMPLATES), static_mounts=[(STATIC_MOUNT, str(STATIC))],
                   settings={**SETTINGS, **(settings or {})})
    ds.add_database(Database(ds, path=str(Path(db_path).resolve()), is_mutable=True), name=ARCHIVE_NAME)
    ds.remove_database("_memory")  # added by Datasette when it is given no files
    return ds


def serve(db_path: str | Path, *, host: str = "127.0.0.1", port: int = 8001,
          announce: Callable[[str], object] | None = None) -> None:
    """Serve until interrupted (uvicorn, one worker, as ``datasette serve`` does); port 0 picks a free port.

    The socket is bound here, so the URL given to ``announce`` is the one listening, a picked port included.
    """
    ds = make_datasette(db_path)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family)
    if announce is not None:
        announce(f"Serving {listening_url(sock)} (Ctrl-C stops)")
    config = uvicorn.Config(ds.app(), log_level="warning", lifespan="on", workers=1)
    uvicorn.Server(config).run(sockets=[sock])


def listening_url(sock: socket.socket) -> str:
    """The http:// URL of a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"
