"""Numerals and the quantity scanner: properties (hypothesis) and a table of forms."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from gazette_cli import load_units, parse_number, quantities_text
from gazette_cli.quantities import scanner_for

DIGITS = "零一二三四五六七八九"


def to_chinese(n: int) -> str:
    """An integer written in Chinese numerals, the way officials write it (no abbreviation)."""
    if n == 0:
        return "零"

    def below_10000(x: int, leading: bool) -> str:
        out, zero = "", False
        for value, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d, x = divmod(x, value)
            if d:
                if zero or (not leading and not out and value < 1000):
                    out += "零"
                out += DIGITS[d] + name
                zero = False
            elif out or not leading:
                zero = True if out else zero
        return out

    parts, big = [], ["", "万", "亿", "万亿"]
    groups = []
    while n:
        n, g = divmod(n, 10000)
        groups.append(g)
    text, started, pending_zero = "", False, False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            pending_zero = started
            continue
        chunk = below_10000(g, not started)
        if started and (pending_zero or g < 1000) and not chunk.startswith("零"):
            chunk = "零" + chunk
        text += chunk + big[i]
        started, pending_zero = True, False
    if text.startswith("一十"):
        text = text[1:]
    return text


@pytest.mark.parametrize("n,text", [(0, "零"), (10, "十"), (15, "十五"), (101, "一百零一"), (1001, "一千零一"),
                                    (10012, "一万零一十二"), (100000000, "一亿"), (120003, "十二万零三"),
                                    (1000100000000, "一万亿零一亿")])
def test_writer(n, text):
    assert to_chinese(n) == text


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_every_integer_in_chinese_reads_back(n):
    assert parse_number(to_chinese(n)) == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=10**12, max_value=10**16 - 1))
def test_integers_in_wan_yi_read_back(n):  # 一万亿零一亿 = 1000100000000
    assert parse_number(to_chinese(n)) == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.text(alphabet="0123456789", min_size=1, max_size=4))
def test_every_decimal_in_chinese_reads_back(whole, frac):
    text = to_chinese(whole) + "点" + "".join(DIGITS[int(c)] for c in frac)
    assert parse_number(text) == Decimal(f"{whole}.{frac}")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_with_thousands_commas_reads_back(n):
    assert parse_number(f"{n:,}") == n


ALPHABET = ("0123456789.,-/%~ 一二三四五六七八九十百千万亿零两点负分之又余多几第年月日元万亿个百分点"
            "亩公顷米吨人次以上以下约超最高至到和与间￥$半成折千瓦字节兆\n，。")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=40) | st.text(max_size=40))
def test_no_string_makes_the_scanner_raise_and_spans_stay_inside(text):
    scanner = scanner_for(load_units())
    for loose in (False, True):
        for q in scanner.scan(text, all_numbers=loose):
            assert 0 <= q.text_start <= q.start < q.end <= len(text)


# input → (value, unit, qualifier, min, max) of the one quantity found (strict scan unless *)
FORMS = [
    ("壹仟贰佰叁拾肆元", (1234, "元", None, None, None)),
    ("拾萬零五十六元", (100056, "元", None, None, None)),
    ("两千四百五十亩", (2450, "亩", None, None, None)),
    ("一万三千株", (13000, "株", None, None, None)),
    ("二〇二五个", (2025, "个", None, None, None)),
    ("负三十二吨", (-32, "吨", None, None, None)),
    ("十五点七公里", (15.7, "公里", None, None, None)),
    ("两千万点五五元", (20000000.55, "元", None, None, None)),
    ("三分之一", None),
    ("百分之八十五", (85, "%", None, None, None)),
    ("百分之百", (100, "%", None, None, None)),
    ("千分之五", (0.5, "%", None, None, None)),
    ("九成", (90, "%", None, None, None)),
    ("八折", (80, "%", None, None, None)),
    ("七五折", (75, "%", None, None, None)),
    ("提高2.5个百分点", (2.5, "个百分点", None, None, None)),
    ("1.5e3吨", (1500, "吨", None, None, None)),
    ("5万余亩", (50000, "亩", "over", 50000, None)),
    ("两万多人", (20000, "人", "over", 20000, None)),
    ("帮扶百余家企业", (100, "家", "over", 100, None)),
    ("培训千余人", (1000, "人", "over", 1000, None)),
    ("新增万余人", (10000, "人", "over", 10000, None)),
    ("千多万元", (10000000, "元", "over", 10000000, None)),
    ("十几万人", (100000, "人", "over", 100000, None)),
    ("3至5万亩", (None, "亩", None, 30000, 50000)),
    ("3-5万元", (None, "元", None, 30000, 50000)),
    ("20%~30%", (None, "%", None, 20, 30)),
    ("在20和30万元之间", (None, "元", None, 200000, 300000)),
    ("大于100吨并且小于300吨", (None, "吨", None, 100, 300)),
    ("超1000万亩", (10000000, "亩", "over", 10000000, None)),
    ("最高1000万元", (10000000, "元", "max", None, 10000000)),
    ("约500万元", (5000000, "元", "approx", None, None)),
    ("不低于60%", (60, "%", "min", 60, None)),
    ("每亩200元/亩", (200, "元/亩", None, None, None)),
    ("补贴3万元/人", (30000, "元/人", None, None, None)),
    ("5.2万公顷", (52000, "公顷", None, None, None)),
    ("五元三角", (5.3, "元", None, None, None)),
    ("人民币50元", (50, "元", None, None, None)),
    ("￥300", (300, "元", None, None, None)),
    ("一吨半", (1.5, "吨", None, None, None)),
    ("二两", (2, "两", None, None, None)),
    ("五十兆字节", (50, "兆字节", None, None, None)),
    ("3千米", (3, "公里", None, None, None)),
    ("60岁及以上", (60, "岁", "min", 60, None)),
    # not quantities
    ("2025年3月1日", None),
    ("第五届", None),
    ("一个二维码", None),
    ("两两结对", None),
    ("一两个月", None),
    ("“六个工程”", None),
    ("四川", None),
    ("统一部署", None),
    ("G20峰会", None),
    ("1994/1995年", None),
    ("http://x.cn/a?id=30%25", None),
]


def _tuple(r):
    return (r.value, r.unit, r.qualifier, r.min, r.max)


@pytest.mark.parametrize("text,want", FORMS)
def test_forms(text, want):
    got = [_tuple(r) for r in quantities_text(text, reflow=False)]
    if want is None:
        assert got == []
    else:
        assert got == [want]


# --all-numbers: bare numbers too, and the forms only the conformance suite needs
ALL_FORMS = [
    ("三分之一", [(Decimal(1) / 3, None, None, None, None)]),
    ("一又二分之一", [(1.5, None, None, None, None)]),
    ("3/4", [(0.75, None, None, None, None)]),
    ("三千 九百 六十五", [(3965, None, None, None, None)]),
    ("大于或者等于三千九百六十五", [(3965, None, "min", 3965, None)]),
    ("最多100最少20个", [(None, "个", None, 20, 100)]),
    ("一千到一千五百", [(None, None, None, 1000, 1500)]),
    ("等于1535", [(1535, None, None, 1535, 1535)]),
    ("2^5", [(32, None, None, None, None)]),
    ("40k", [(40000, None, None, None, None)]),
    ("一切", []),
    ("这是我的队伍", []),
    ("半百", [(50, None, None, None, None)]),
]


@pytest.mark.parametrize("text,want", ALL_FORMS)
def test_all_numbers_forms(text, want):
    got = [_tuple(r) for r in quantities_text(text, reflow=False, all_numbers=True)]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g[1:] == w[1:]
        assert (g[0] is None and w[0] is None) or abs(float(g[0]) - float(w[0])) < 1e-9


@pytest.mark.parametrize("unit,times,tail", [("1", 3_000, "，投资5万元"), ("一", 2_500, "元"), ("1/", 2_500, ""),
                                             ("1.2", 1_500, ""), ("5万", 1_000, ""), ("5 万", 500, ""),
                                             ("一点", 1_000, ""), ("十几", 1_000, ""), ("1又", 1_000, "")])
def test_long_runs_scan_in_linear_time(unit, times, tail):
    """Four times the text takes about four times as long, not sixteen: a ratio of CPU times
    (best of three), so a busy machine slows both sides alike."""
    import time

    scanner = scanner_for(load_units())

    def cost(text, loose):
        best = float("inf")
        for _ in range(3):
            t0 = time.process_time()
            scanner.scan(text, all_numbers=loose)
            best = min(best, time.process_time() - t0)
        return best

    for loose in (False, True):
        small, large = cost(unit * times + tail, loose), cost(unit * (4 * times) + tail, loose)
        assert large < 8 * small + 0.02, (loose, small, large)


# cn2an, a well-kept independent writer, as the oracle: what it writes, gazette reads back.
cn2an = pytest.importorskip("cn2an")


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_integers_written_by_cn2an_read_back(n):
    assert parse_number(cn2an.an2cn(n)) == n              # 一千二百三十四
    assert parse_number(cn2an.an2cn(n, "up")) == n        # 壹仟贰佰叁拾肆 (大写)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**8, places=3, allow_nan=False, allow_infinity=False))
def test_decimals_written_by_cn2an_read_back(d):
    assert parse_number(cn2an.an2cn(str(d))) == d
