"""Chinese and numeric dates → ISO; index numbers and serials are not dates."""

from __future__ import annotations

import pytest

from extract.dates import parse_date


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2024年01月05日", "2024-01-05"),
        ("2024年1月5日", "2024-01-05"),
        ("2024-1-5", "2024-01-05"),
        ("2024/01/05", "2024-01-05"),
        ("2024.01.05", "2024-01-05"),
        ("2024-01-05 09:06:51", "2024-01-05"),
        ("发布日期：2018-01-08 09:06:51", "2018-01-08"),
        ("2024 年 3 月 28 日", "2024-03-28"),
        ("二〇一八年三月二十日", "2018-03-20"),
        ("二〇二三年十二月三十一日", "2023-12-31"),
        ("2024-02-30 then 2024-02-29", "2024-02-29"),
    ],
)
def test_dates(value, iso):
    assert parse_date(value) == iso


@pytest.mark.parametrize(
    "value",
    [
        "000014349/2024-00012",  # 索引号
        "11341702486344515H/202110-00013",
        "K28044908/2026-04277",
        "2026-02-00018",  # serial
        "2024-13-01",
        "2024年",
        "",
        None,
        "〔〕号",
    ],
)
def test_not_dates(value):
    assert parse_date(value) is None
