"""Issue 11, the number and line-break rows: huge numbers, digits beyond 28 places, long
Chinese numerals, signs, 亿亿, number chains (linear scan), and every kind of line ending.

Each test is a class of input (tables, hypothesis strategies), never one string."""
import random

import pytest
from hypothesis import given, settings, strategies as st

from gazette_cli import extract_text, quantities_text
from gazette_cli.reflow import identity, reflow

from .conftest import SAMPLE

SEED = SAMPLE.read_text(encoding="utf-8")


# --- line endings (rows 6 and 7) ---------------------------------------------------------
def _endings(text: str, choose) -> str:
    """`text` (LF) with each line end replaced by choose(i): \\n, \\r or \\r\\n. A lone \\r
    right before an empty line's \\n would read as one \\r\\n: such a \\n becomes \\r."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines[:-1]):
        end = choose(i)
        if end == "\n" and not line and out and out[-1].endswith("\r"):
            end = "\r"
        out.append(line + end)
    return "".join(out) + lines[-1]


_rng = random.Random(11)
_MIXED = [_rng.choice(["\n", "\r", "\r\n"]) for _ in range(SEED.count("\n") + 1)]
ENDINGS = {
    "cr": lambda i: "\r",
    "crlf": lambda i: "\r\n",
    "mixed": lambda i: _MIXED[i],
    "alternating": lambda i: ["\r", "\n", "\r\n"][i % 3],
}


@pytest.fixture(scope="module")
def seed_records(ruleset):
    return quantities_text(SEED), extract_text(SEED, ruleset=ruleset)


@pytest.mark.parametrize("name", sorted(ENDINGS))
def test_seed_with_any_line_endings_gives_the_records_of_the_lf_file(name, seed_records, ruleset):
    text = _endings(SEED, ENDINGS[name])
    assert text != SEED and text.replace("\r\n", "\n").replace("\r", "\n") == SEED
    quantities, metrics = seed_records
    assert len(metrics) >= 5
    assert quantities_text(text) == quantities
    assert extract_text(text, ruleset=ruleset) == metrics  # lines and columns included


@given(st.lists(st.sampled_from(["\n", "\r", "\r\n"]), min_size=1, max_size=40), st.booleans())
@settings(max_examples=60, deadline=None)
def test_line_numbers_follow_universal_newlines(ends, no_reflow):
    """A quantity on line k (\\n, \\r\\n or a lone \\r before it) is reported on line k."""
    text = "".join(f"第{i}行。" + e for i, e in enumerate(ends)) + "共有5处苗圃。"
    recs = quantities_text(text, reflow=not no_reflow)
    assert [(r.value, r.line, r.column) for r in recs] == [(5, len(ends) + 1, 3)]
    flow = identity(text) if no_reflow else reflow(text)
    assert flow.line_col(len(flow.text) - 1) == (len(ends) + 1, 7)


#: the odd breaks: (character, like a blank line?)
ODD_BREAKS = [("\f", True), ("\x1c", True), ("\x1d", True), ("\x1e", True), ("\u2029", True),
              ("\v", False), ("\x85", False), ("\u2028", False), ("\r", False)]


@pytest.mark.parametrize("brk,_", ODD_BREAKS)
@pytest.mark.parametrize("before", ["", "这是前面一行很长很长的文字内容这是前面一行很长很长的文字内容\n"])
@pytest.mark.parametrize("number,unit,value", [("9.97", "亿株", 997000000), ("一千一", "百多公里", 1100),
                                               ("500", "万亩", 5000000)])
def test_a_number_cut_by_any_break_is_joined(brk, _, before, number, unit, value):
    """pdftotext puts \\f at every page break: 9.97\\f亿株 is one figure, on the line of 9.97."""
    text = f"{before}据统计，全市育苗总量达{number}{brk}{unit}，为工程提供保障。\n下一段"
    recs = [r for r in quantities_text(text) if r.value == value]
    line = 2 if before else 1
    assert [(r.text, r.line, r.column) for r in recs] == [(number + unit, line, 12)]
    assert brk not in recs[0].context


@pytest.mark.parametrize("brk,blank", ODD_BREAKS)
def test_odd_breaks_end_a_sentence_line_and_page_breaks_part_like_a_blank_line(brk, blank):
    # kept apart without reflow: a break is a break, not a character of the sentence
    assert quantities_text(f"育苗总量达9.97{brk}亿株", reflow=False) == []
    # a short line before a longer one: a headline above its article (kept); across a blank
    # line (page break) after a paragraph's first line, the text must plainly go on to join
    head = f"人才贷赋能创新创业{brk}近日，市文化艺术中心举办云南省农民画优秀作品馆际交流展，共有5处"
    assert reflow(head).text == head.replace(brk, "\n")
    para = f"第一行文字第一行文字第一行文字第一行文字\n第二行文字{brk}第三行文字"
    joined = reflow(para).text
    assert ("\n" in joined) == blank, joined


@pytest.mark.parametrize("brk,_", ODD_BREAKS)
def test_line_and_column_count_only_newlines(brk, _):
    """\\n, \\r\\n and a lone \\r start a line (as editors show it); the other breaks are
    one character of their line."""
    text = f"第一行\n共{brk}有5处苗圃"
    (rec,) = quantities_text(text, reflow=False)
    assert (rec.line, rec.column) == ((3, 2) if brk == "\r" else (2, 4))


# --- huge numbers: one limit everywhere (rows 1, 8, 9) -------------------------------------
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402
from decimal import Decimal  # noqa: E402

from gazette_cli.numerals import (MAX_DIGITS, MAX_PIECES, NumberLimitError, NumeralError, parse_number,  # noqa: E402
                                  to_json_number, within_limits)
from gazette_cli.quantities import NumberLimitWarning, scanner_for  # noqa: E402
from gazette_cli.units import load_units  # noqa: E402


def _scan(text, all_numbers=False):
    """(records, refusal warnings) of quantities_text."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        recs = quantities_text(text, all_numbers=all_numbers)
    return recs, [w for w in caught if issubclass(w.category, NumberLimitWarning)]


#: (text, value in 元 or None when refused)
AMOUNTS = [
    ("12345678901234567890123456789元", 12345678901234567890123456789),   # 29 digits: exact
    ("1" * MAX_DIGITS + "元", int("1" * MAX_DIGITS)),
    ("1" * (MAX_DIGITS + 1) + "元", None),
    ("9" * 10_000 + "元", None),
    ("1e5000元", None),
    ("1E-5000元", None),
    ("1e49元", 10**49),
    ("1e50元", None),
    ("1" + "0" * 46 + "万元", None),    # 10^50 with the multiplier
    ("1" + "0" * 45 + "万元", 10**49),
    ("2^100元", 2**100), ("2^200元", None), ("2^-200元", None), ("10^49元", 10**49), ("9.9^99.5元", None),
    ("1." + "0" * 80 + "元", 1),       # trailing zeros are not significant
    ("一千万亿亿元", 10**23),          # row 10b: 亿亿 = 10^16, like 万万 = 亿
    ("三亿亿元", 3 * 10**16),
    ("四万万元", 4 * 10**8),
]


@pytest.mark.parametrize("text,value", AMOUNTS)
def test_one_limit_for_every_number(text, value):
    recs, refused = _scan("贷款" + text + "，其他5万元")
    assert recs[-1].value == 50000  # the rest of the text is read
    if value is None:
        assert len(recs) == 1 and len(refused) == 1
        assert f"limit is {MAX_DIGITS} digits" in str(refused[0].message)
    else:
        assert not refused and recs[0].value == value and isinstance(recs[0].value, int)
        json.dumps([r.as_dict() for r in recs])  # exact ints, no str-conversion limit


@given(st.integers(min_value=1, max_value=3 * MAX_DIGITS), st.sampled_from("123456789"),
       st.sampled_from(["", "万", "亿", "万亿"]))
@settings(max_examples=150, deadline=None)
def test_arabic_amounts_of_any_length_are_exact_or_refused(n, digit, mult):
    text = digit * n + mult + "元"
    recs, refused = _scan(text)
    exact = int(digit * n) * {"": 1, "万": 10**4, "亿": 10**8, "万亿": 10**12}[mult]
    if n <= MAX_DIGITS and exact < 10**MAX_DIGITS:
        assert [r.value for r in recs] == [exact] and not refused
    else:
        assert recs == [] and len(refused) == 1


@given(st.integers(min_value=1, max_value=MAX_PIECES + 30),
       st.sampled_from(["九", "一", "二", "〇"]), st.sampled_from(["", "亿元", "元", "万元"]))
@settings(max_examples=150, deadline=None)
def test_chinese_digits_one_by_one_are_read_whole_or_refused_never_cut(n, digit, tail):
    """Row 9: 41 or more 九 then 亿元 were cut to 41 characters (1e41). Digits written one
    by one (二〇二五) are a number only without a power; within MAX_DIGITS exact."""
    numeral = digit * n
    recs, refused = _scan(numeral + tail, all_numbers=True)
    for r in recs:  # never a piece of the numeral
        assert r.text.startswith(numeral) or r.text in ("亿元", "万元", "元")
    got = [r.value for r in recs if r.text.startswith(numeral)]
    if n > MAX_PIECES or (n > MAX_DIGITS and tail in ("", "元") and digit != "〇"):
        assert got == [] and len(refused) == 1
    elif tail in ("亿元", "万元") and n > 1:
        assert got == []  # 九九亿 is no numeral, whatever its length
    elif n > 1 and digit in "一二" and tail == "":
        pass  # 一一, 二二: an estimate pair or a word, not one number
    elif digit == "〇" and n > 1:
        assert got in ([0], [])  # 〇〇…: zero has no significant digits
    else:
        mult = {"": 1, "元": 1, "亿元": 10**8, "万元": 10**4}[tail]
        assert got in ([int(numeral.translate(str.maketrans("九一二〇", "9120"))) * mult], []) and not refused


@pytest.mark.parametrize("text,limit", [("1e5000", True), ("9" * 10_000, True), ("1e-5000", True),
                                        ("2^1000", True), ("9.9^99.5", True), ("9" * 100 + ".5", True),
                                        ("九" * 60, True), ("1e99999999999", True), ("一" + "亿" * 60, False)])
def test_parse_number_raises_only_numeral_errors(text, limit):
    with pytest.raises(NumberLimitError if limit else NumeralError):
        parse_number(text)


@pytest.mark.parametrize("value", ["1e5000", "9" * 10_000, "-1e400", "1e-400", "12345678901234567890123456789",
                                   "0", "-0", "1.5", "1E+49"])
def test_to_json_number_never_raises(value):
    v = Decimal(value)
    out = to_json_number(v)
    if within_limits(v) and v == v.to_integral_value():
        assert out == int(v) and isinstance(out, int)
    else:
        assert isinstance(out, float)
    json.dumps(out)


def test_a_huge_number_does_not_stop_the_batch(tmp_path):
    """Row 1: a file holding 1e5000 or a 10,000-digit amount, given with the sample."""
    bad = tmp_path / "bad.txt"
    bad.write_text("贷款1e5000元。\n贷款" + "9" * 10_000 + "元。\n其中5万元", encoding="utf-8")
    for cmd in ("quantities", "extract", "explain"):
        gazette = str(Path(sys.executable).parent / "gazette")
        r = subprocess.run([gazette, cmd, str(bad), str(SAMPLE), "-f", "jsonl"],
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        assert "internal error" not in r.stderr and "Traceback" not in r.stderr
        files = {json.loads(l)["file"] for l in r.stdout.splitlines()}
        assert str(SAMPLE) in files


# --- signs (row 10) ------------------------------------------------------------------------
@pytest.mark.parametrize("text,value", [
    ("满意率为负百分之五", -5), ("满意率为百分之负五", -5), ("负百分之负五", 5), ("负千分之五", -0.5),
    ("增长负百分之五点五", -5.5), ("下降百分之五", 5), ("負百分之五", -5),
])
def test_the_sign_of_a_chinese_percent(text, value):
    (rec,) = quantities_text(text)
    assert rec.unit == "%" and rec.value == value


def test_a_negative_percent_range():
    (rec,) = quantities_text("负百分之五至百分之十")
    assert (rec.min, rec.max) == (-5, 10)


# --- number chains scan in linear time (row 20) ------------------------------------------
#: one of each way a numeral goes on (power and digits, 点, spaces, 几, 零, commas, 又, coins, ordinals)
CHAINS = ["1万1", "一点一", "5 万", "十几", "一零", "1,000,", "一又", "5元3角", "第一"]


def _cost(text, loose):
    import time
    scanner = scanner_for(load_units())
    best = float("inf")
    for _ in range(2):
        t0 = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scanner.scan(text, all_numbers=loose)
        best = min(best, time.process_time() - t0)
    return best


@pytest.mark.parametrize("unit", CHAINS)
def test_number_chains_scan_in_linear_time(unit):
    """Four times the text costs about four times the time (quadratic: 16, exponential:
    never ends). A generous bound on the ratio of two runs, not a timed assertion; the
    speed itself is in benchmarks/chains.py."""
    small = unit * (5_000 // len(unit))
    big = unit * (20_000 // len(unit))
    for loose in (False, True):
        a, b = _cost(small, loose), _cost(big, loose)
        assert b < 10 * max(a, 0.005), (unit, loose, a, b)
