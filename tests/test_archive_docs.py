"""docs/archive.md documents every table, column, view and public method of the archive."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import archive

DOC = (Path(__file__).resolve().parent.parent / "docs" / "archive.md").read_text(encoding="utf-8")
FTS_SHADOW = re.compile(r"^search_fts_(data|idx|docsize|config|content)$")


def section(name: str) -> str:
    """The text under the heading ### `name`, up to the next heading."""
    match = re.search(rf"^### `{re.escape(name)}`\n(.*?)(?=^#)", DOC + "\n#", re.S | re.M)
    assert match, f"docs/archive.md has no section for {name}"
    return match.group(1)


def schema_objects(db: archive.Archive) -> list[tuple[str, list[str]]]:
    names = db.db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') "
                          "AND name NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    return [(name, [c[1] for c in db.db.execute(f'PRAGMA table_info("{name}")')]) for (name,) in names]


def test_every_table_view_and_column_is_documented(db: archive.Archive) -> None:
    objects = schema_objects(db)
    assert len(objects) > 10
    for name, columns in objects:
        if FTS_SHADOW.match(name):
            assert f"`{name}`" in DOC
            continue
        text = section(name)
        missing = [column for column in columns if f"`{column}`" not in text]
        assert not missing, f"{name}: undocumented columns {missing}"


@pytest.mark.parametrize("method", [m for m in dir(archive.Archive) if not m.startswith("_")])
def test_every_public_method_is_documented(method: str) -> None:
    assert f"db.{method}(" in DOC


def test_public_names_are_exported() -> None:
    assert set(archive.__all__) == {"SCHEMA_VERSION", "Archive", "QueryError", "Recorded", "open_archive"}
    for name in archive.__all__:
        assert getattr(archive, name) is not None
