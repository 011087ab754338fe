"""What every ``nianbao`` command shares: one-line errors, the ``--db`` and ``--json`` options, opening the archive.

Every error a command meets becomes one line on stderr (``Error: …``) and an exit code from
``crawler.exit_codes``; a traceback only with the global ``--debug``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

import archive
from archive.lock import ArchiveBusyError
from crawler import exit_codes
from crawler.stopping import Stopped
from nianbao.errors import NianbaoError

F = TypeVar("F", bound=Callable[..., Any])



def db_option(default: str | None = "nianbao.db", help: str = "The archive file (SQLite).") -> Callable[[F], F]:
    """The ``--db PATH`` option, defined once for every command."""
    return click.option("--db", "db_path", default=default, show_default=default is not None, metavar="PATH",
                        type=click.Path(dir_okay=False), help=help)


DB_OPTION = db_option()
JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Machine output: JSON (one object per line).")


class CommandFailed(click.ClickException):
    """A one-line error (exit code 1)."""


class OneLineErrors(click.Command):
    """Every error of the command becomes one line on stderr and an exit code; a traceback only under ``--debug``."""

    debug = False  # set by the group's --debug option

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        OneLineErrors.debug = False
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except SystemExit:
            raise
        except BaseException as exc:  # every error leaves as one line and an exit code
            if OneLineErrors.debug and not isinstance(exc, click.ClickException | click.Abort):
                raise
            sys.exit(_report(exc))
        sys.exit(result if isinstance(result, int) else exit_codes.OK)


class NianbaoGroup(OneLineErrors, click.Group):
    """The ``nianbao`` group: one-line errors for every subcommand."""


def _report(exc: BaseException) -> int:
    """Print ``exc`` as one line on stderr; its exit code."""
    message, code = _message(exc)
    click.echo(message, err=True)
    return code


def _message(exc: BaseException) -> tuple[str, int]:
    """The one line and exit code for an error."""
    if isinstance(exc, click.UsageError):
        where = exc.ctx.command_path if exc.ctx else "nianbao"
        return f"Error: {exc.format_message()} (see `{where} --help`)", exit_codes.USAGE
    if isinstance(exc, click.ClickException):
        return f"Error: {exc.format_message()}", exc.exit_code
    if isinstance(exc, Stopped):
        return str(exc), exit_codes.stopped_by(exc.signum)
    if isinstance(exc, KeyboardInterrupt | click.Abort):
        return "stopped by SIGINT", exit_codes.stopped_by(2)
    if isinstance(exc, ArchiveBusyError):
        return f"Error: {exc}", exit_codes.BUSY
    if isinstance(exc, NianbaoError):
        return f"Error: {exc}", exit_codes.FAILED
    if isinstance(exc, OSError):
        return f"Error: {exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""), exit_codes.FAILED
    return (f"Error: unexpected {type(exc).__name__}: {exc} (run with `nianbao --debug …` for the traceback)",
            exit_codes.FAILED)


@contextmanager
def opened(db_path: str, *, readonly: bool = True, writer: bool = False) -> Iterator[archive.Archive]:
    """The archive at ``db_path``: read-only by default; ``writer`` holds the writer lock (and migrates)."""
    if not Path(db_path).exists():
        raise CommandFailed(f"no archive at {db_path}; run `nianbao crawl` or `nianbao demo` first")
    if Path(db_path).is_dir():
        raise CommandFailed(f"{db_path} is a directory, not an archive file")
    with archive.open_archive(db_path, readonly=readonly and not writer, writer=writer) as db:
        yield db


def document_ref(value: str) -> str | int:
    """A document id (all digits) or a URL."""
    return int(value) if value.isdigit() else value


def echo_json(value: Any) -> None:
    """One JSON value on one line, CJK kept readable."""
    click.echo(json.dumps(value, ensure_ascii=False))


def echo_lines(lines: Sequence[str]) -> None:
    """Print lines."""
    for line in lines:
        click.echo(line)
