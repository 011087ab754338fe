"""A district site (Beijing-district style) that publishes most 年报 only as attachments.

The detail page is a TRS page whose body is one sentence; the report itself is in files beside
it (``./P0YYYYMMDD<id>.pdf``): a PDF with the text plus an XLSX with the tables, a DOCX with both,
or a PDF alone. One report is a scanned, image-only PDF (``needs_ocr`` in the truth) and one is a
truncated PDF (``expected_errors()`` kind ``"bad_attachment"``). Some downloads carry
``Content-Disposition: attachment; filename*=UTF-8''…`` with the Chinese file name.
"""

from __future__ import annotations

from .trs_variants import TrsVariantFamily, Variant

FAMILY = TrsVariantFamily(
    Variant(
        name="attachments",
        ext="html",
        hub="/zwgk/zfxxgk/",
        column="/zwgk/zfxxgk/zfxxgknb/",
        column_name="政府信息公开年报",
        menu=(
            ("zfxxgkzn", "政府信息公开指南"),
            ("zfxxgkzd", "政府信息公开制度"),
            ("zfxxgknb", "政府信息公开年报"),
            ("ysqgk", "依申请公开"),
        ),
        per_page=10,
        one_based=False,
        pager="classic",
        body_open='<div class="article_con" id="zoom">',
        body_close="</div>",
    )
)
