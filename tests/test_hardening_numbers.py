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
    assert [(r["value"], r["line"], r["column"]) for r in recs] == [(5, len(ends) + 1, 3)]
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
    recs = [r for r in quantities_text(text) if r["value"] == value]
    line = 2 if before else 1
    assert [(r["text"], r["line"], r["column"]) for r in recs] == [(number + unit, line, 12)]
    assert brk not in recs[0]["context"]


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
    assert (rec["line"], rec["column"]) == ((3, 2) if brk == "\r" else (2, 4))
