"""Hostile input benchmark: what one hostile page or claim costs, in time and memory, for a tree of the code.

    python -m bench.hostile.run                       # this checkout
    python -m bench.hostile.run --tree /path/to/old   # another revision's checkout, for the "before" column
    python -m bench.hostile.run --status-db ARCHIVE   # also time the status query on an archive

Each measure runs in a child interpreter that imports the code of ``--tree``, under a 2 GiB
address-space limit and a time limit (a measure past either is reported as such, not waited for):
the CPU seconds of the one operation (CPU, not wall time: the numbers hold on a busy machine), and
the child's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from bench.common import ROOT

LIMIT_SECONDS = 120
MEMORY_BYTES = 2 << 30

ANCHORS = """
from spiders.listing import attachment_links
from nianbao.pages import attachment_ext
body = b"<html><body>" + b"".join(b'<a href="/f/%d.pdf">x' % n for n in range({n})) + b"</body></html>"
start = time.process_time(); links = attachment_links("http://h/a.html", body, attachment_ext)
seconds = time.process_time() - start; answer = f"{{len(list(links))}} links"
"""
TABLE = """
import json
from extract import extract_document
page = ("<html><body><div id='zoom'><p>正文</p><table>" + {rows} + "</table></div></body></html>").encode()
start = time.process_time(); result = extract_document(page, "http://h/a.html"); seconds = time.process_time() - start
cells = sum(len(t["grid"]) * len(t["grid"][0]) for t in result["tables"] if t["grid"])
kept = len(json.dumps(result["tables"])) >> 10
answer = f"{{len(page) // 1024}} KiB page: {{cells:,}} grid cells kept, {{kept:,}} KiB of tables"
"""
# rowspans that grow row by row: every row carries the cells of the rows above it
GROWING_SPANS = ("\"\".join('<tr>' + ''.join(f'<td colspan={50 + j} rowspan={20 + i}>{i}.{j}</td>' "
                 "for j in range(5)) + '</tr>' for i in range(40))")
WIDE_ROW = "'<tr><td colspan=1000>合计</td></tr>' + '<tr><td>1</td><td>2</td></tr>' * 3000"
DOCX = """
import copy, io
import docx
from extract.office import read_docx
document = docx.Document()
table = document.add_table(rows=1, cols=2)
table.rows[0].cells[0].text, table.rows[0].cells[1].text = "1", "统计"
row = table.rows[0]._tr
for _ in range(40_000):
    row.addnext(copy.deepcopy(row))
out = io.BytesIO()
document.save(out)
start = time.process_time(); answer = read_docx(out.getvalue())["flags"]; seconds = time.process_time() - start
"""
# Each measure: Python run in the child; it sets ``seconds`` (the operation's own CPU time) and may set ``answer``.
PRELUDE = "import time\n"
MEASURES: dict[str, str] = {
    "unclosed anchors, 1,000": ANCHORS.format(n=1000),
    "unclosed anchors, 4,000": ANCHORS.format(n=4000),
    "var countPage = 100000000": """
from spiders.pagination import next_list_pages
start = time.process_time(); pages = next_list_pages("http://h/nb/index.html", "var countPage = 100000000", None)
seconds = time.process_time() - start; answer = f"{len(pages)} list requests"
""",
    "growing rowspans, 8 KB page": TABLE.format(rows=GROWING_SPANS),
    "a colspan=1000 row over 3,000 rows": TABLE.format(rows=WIDE_ROW),
    "Word table of 40,000 rows": DOCX,
    "10,000 × 50 table, 5 MiB page": """
from extract import extract_document
row = "<tr>" + "".join(f"<td>{c}</td>" for c in range(50)) + "</tr>"
page = "<html><body><div id='zoom'><p>正文</p><table>" + row * 10000 + "</table></div></body></html>"
start = time.process_time(); result = extract_document(page.encode(), "http://h/a.html"); seconds = time.process_time() - start
answer = f"{len(page.encode()) >> 20} MiB page, flags {result['flags']}"
""",
    "UTF-8 page, ten cut characters": """
from nianbao.pages import decode_html
raw = ("青岚市本报告由人民政府办公室根据条例编制全年主动公开政府信息收到申请均依法答复"
       "所列数据的统计期限自一月一日起至十二月三十一日止" * 5).encode()
out, pos = bytearray(), 0
for n in range(10):
    out += raw[pos:n * 87 + 1]; pos = n * 87 + 3
head = "<html><head><title>青岚市2023年政府信息公开工作年度报告</title></head><body><p>".encode()
body = head + bytes(out) + raw[pos:] + b"</p></body></html>"
start = time.process_time(); text, encoding, rule = decode_html(body, {"Content-Type": "text/html; charset=utf-8"})
seconds = time.process_time() - start; answer = f"{encoding}: {text[text.index('<title>') + 7:][:10]}"
""",
    "16 MiB of random bytes, decoded": """
import os
from nianbao.pages import decode_html
body = os.urandom(16 << 20)
start = time.process_time(); text, encoding, rule = decode_html(body, None); seconds = time.process_time() - start
answer = rule
""",
}
STATUS = """
import sqlite3
from archive.status import _LATEST_SQL
conn = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
start = time.process_time(); rows = conn.execute(_LATEST_SQL).fetchall(); seconds = time.process_time() - start
answer = f"{len(rows)} sites"
"""


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))


def measure(tree: Path, code: str) -> dict[str, object]:
    """Run one measure's code in a child importing ``tree``; its seconds, answer and peak RSS."""
    script = PRELUDE + code + ("\nimport json, resource\nprint(json.dumps({'seconds': round(seconds, 3), "
                               "'answer': globals().get('answer'), "
                               "'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))")
    env = {**os.environ, "PYTHONPATH": str(tree)}
    try:
        done = subprocess.run([sys.executable, "-c", script], cwd=tree, env=env, capture_output=True, text=True,
                              timeout=LIMIT_SECONDS, preexec_fn=_limits, check=False)
    except subprocess.TimeoutExpired:
        return {"seconds": f"> {LIMIT_SECONDS}", "answer": "stopped at the time limit", "peak_mb": None}
    if done.returncode != 0:
        return {"seconds": None, "answer": "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1][:120],
                "peak_mb": None}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, default=ROOT, help="checkout whose code is measured")
    parser.add_argument("--status-db", type=Path, help="an archive to time the status query on")
    args = parser.parse_args()
    measures = dict(MEASURES)
    if args.status_db:
        measures["status query"] = f"DB = {str(args.status_db.resolve())!r}\n" + STATUS
    results = {name: measure(args.tree.resolve(), code) for name, code in measures.items()}
    print(json.dumps(results, ensure_ascii=False, indent=1))
    print("\n| measure | seconds | peak RSS (MB) | answer |\n|---|---:|---:|---|")
    for name, result in results.items():
        print(f"| {name} | {result['seconds']} | {result['peak_mb']} | {result['answer']} |")


if __name__ == "__main__":
    main()
