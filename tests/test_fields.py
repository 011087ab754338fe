"""The one table of extraction fields, and migrations that never read it."""

from __future__ import annotations

import ast
import inspect
import typing

import archive
from archive import schema
from nianbao import fields


def test_the_result_type_lists_every_field_in_order():
    assert tuple(typing.get_type_hints(fields.ExtractionResult)) == fields.KEYS


def test_every_stored_field_is_a_column_of_versions(tmp_path):
    with archive.open_archive(tmp_path / "a.db") as store:
        columns = [row[1] for row in store.db.execute("PRAGMA table_info(version_rows)")]
        view = [row[1] for row in store.db.execute("PRAGMA table_info(versions)")]
    assert set(fields.STORED) <= set(columns)
    assert set(fields.STORED) <= set(view)


def _frozen_constants() -> set[str]:
    """Module-level names of schema.py bound to a literal string or a tuple of literal strings."""
    frozen = set()
    for node in ast.parse(inspect.getsource(schema)).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            literal = isinstance(value, ast.Constant) and isinstance(value.value, str)
            if isinstance(value, ast.BinOp):  # _FROZEN + "…"
                literal = all(isinstance(side, ast.Constant) or (isinstance(side, ast.Name) and side.id in frozen)
                              for side in (value.left, value.right))
            if isinstance(value, ast.Tuple):
                literal = all(isinstance(item, ast.Constant) for item in value.elts)
            if literal:
                frozen.add(node.targets[0].id)
    return frozen


def test_migrations_read_only_frozen_sql():
    """A migration's SQL never changes after it shipped: it may read literal constants of schema.py only."""
    frozen = _frozen_constants()
    allowed = frozen | {"db", "_statements", "text_deltas", "view", "statement", "document_id", "documents"}
    tree = ast.parse(inspect.getsource(schema))
    migrations = [node for node in tree.body if isinstance(node, ast.FunctionDef)
                  and any("MIGRATIONS" in ast.unparse(d) for d in node.decorator_list)]
    assert len(migrations) == schema.SCHEMA_VERSION
    for function in migrations:
        body = ast.Module(body=function.body, type_ignores=[])
        names = {n.id for n in ast.walk(body) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        assert names <= allowed, (function.name, names - allowed)
