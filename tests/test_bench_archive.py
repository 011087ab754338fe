"""The archive benchmark scripts run end to end on a tiny synthetic archive (sizes and counts, no timings)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import archive
from bench.archive import generate, run

ROOT = Path(__file__).resolve().parent.parent


def run_module(module: str, *args: object) -> subprocess.CompletedProcess[str]:
    """Run a bench script as the README says, from the repository root."""
    result = subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_generate_then_run(tmp_path: Path) -> None:
    db = tmp_path / "bench.db"
    run_module("bench.archive.generate", "--db", db, "--versions", 120, "--sites", 3, "--seed", 5)
    built = json.loads((tmp_path / "generate.json").read_text())
    with archive.open_archive(db, readonly=True) as opened:
        stats = opened.stats()
        assert opened.check() == []
        kinds = {row[0] for row in opened.db.execute("SELECT kind FROM dictionaries")}
    assert stats["versions"] == built["versions"] == 120
    assert stats["runs"] == {"ok": generate.ROUNDS}
    assert {"new", "changed", "unchanged", "not_modified"} <= set(stats["captures"])
    assert stats["captured_bytes"] > stats["raw_bytes"] > stats["stored_bytes"]
    assert kinds == {"trained"}  # 3 sites with 40 versions each reach their dictionary

    out = tmp_path / "archive.json"
    table = run_module("bench.archive.run", "--db", db, "--out", out).stdout
    result = json.loads(out.read_text())
    assert result["size"]["raw_bytes"] == stats["raw_bytes"]
    assert sum(result["size"]["by_table"].values()) <= result["size"]["file_bytes"]
    assert result["insert"]["captures"] == min(run.INSERTS, built["documents"])
    assert set(result["latency"]) == {"search_4char", "search_short", "history", "get_version_as_of"}
    assert "| file size / raw bytes (target ≤ 25%) |" in table
    assert not list(tmp_path.glob(".*insert-test*"))  # the copy used for the insert rate is gone


def test_batched_build_gives_identical_rows(tmp_path: Path) -> None:
    """--batch only changes how many captures share a transaction, never what is stored."""
    for batch in (1, 7):
        run_module("bench.archive.generate", "--db", tmp_path / f"b{batch}.db", "--versions", 60,
                   "--sites", 2, "--batch", batch)
    queries = ("SELECT * FROM versions ORDER BY id",
               "SELECT sha256, size, data, dict_id FROM blobs ORDER BY sha256",
               "SELECT id, url, fetched_at, status, sha256, outcome, version_id, error_class FROM captures",
               "SELECT site, kind, samples, sha256 FROM dictionaries")
    dumps = []
    for batch in (1, 7):
        with archive.open_archive(tmp_path / f"b{batch}.db", readonly=True) as opened:
            dumps.append([opened.db.execute(sql).fetchall() for sql in queries])
    assert dumps[0] == dumps[1]
    assert dumps[0][0] and dumps[0][3]  # versions, and a dictionary per site

