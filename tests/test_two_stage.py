"""The two-stage scan (a cheap pass for where a quantity can start, the full grammar only
there) finds exactly what the full pattern finds at every position: the one-stage scan is
kept as the reference (`Scanner.scan(..., reference=True)`) and compared here on every
text the project has and on generated ones."""
import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st

from gazette_cli.quantities import scanner_for
from gazette_cli.reflow import reflow
from gazette_cli.units import load_units

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT.parent / "shared" / "corpus" / "government_work_reports.jsonl"
TEXTS = sorted(ROOT.glob("tests/corpus/*/*.txt")) + sorted(ROOT.glob("samples/*.txt"))


@pytest.fixture(scope="module")
def scanner():
    return scanner_for(load_units())


def _same(scanner, text):
    for t in (text, reflow(text).text):
        fast, ref = scanner.scan(t), scanner.scan(t, reference=True)
        assert fast == ref


def test_the_first_stage_is_used(scanner):
    assert scanner.grammar.candidates is not None


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_same_quantities_on_the_development_texts(scanner, path):
    _same(scanner, path.read_text(encoding="utf-8"))


@pytest.mark.skipif(not REPORTS.exists(), reason="the work-reports corpus is not beside the repository")
def test_same_quantities_on_the_work_reports(scanner):
    with REPORTS.open(encoding="utf-8") as f:
        for line in f:
            _same(scanner, json.loads(line)["content"])


@pytest.mark.parametrize("text", [
    "人民币五十，人民币 50 元，US$20，$ 5，￥300万元，RMB100",        # a symbol, with or without unit
    "打对折，半成，半百",                                              # phrases
    "http://x.cn/2025/10/5万元 www.a.com/3亩 其后5万元",               # URLs are skipped whole
    "三点五亿元，十多万人，百余家，逾千家，近万人，两三个，一万两",        # runs that go on past a unit-less head
    "在二十和三十万元之间，3至5万亩，三至五万亩，负百分之五，百分之 五",  # ranges, between, percent
    "二〇二五年，第五届，统一规划，一是，万众一心，千方百计，十分重要",   # no quantity
    "5元3角2分，一年半，三个多月，三又二分之一亩，3/4",
    "一" * 300 + "万元" + "五" * 60 + "亩",                             # long runs, overlong numerals
])
def test_same_quantities_on_tricky_strings(scanner, text):
    _same(scanner, text)


PIECES = ["一", "二", "十", "百", "千", "万", "亿", "两", "零", "点", "五", "多", "余", "几", "1", "2", "0", ".",
          "５", ",", "，", "、", " ", "\n", "元", "万元", "亩", "株", "%", "个", "年", "人", "至", "-", "~", "和", "之间",
          "分之", "又", "/", "负", "人民币", "$", "￥", "http://a.b/", "第", "约", "超过", "左右", "以上", "千米", "百分点",
          "余万", "个多", "在", "与", "半", "打对折", "是", "统", "日", "月"]


@given(st.lists(st.sampled_from(PIECES), max_size=40))
@settings(max_examples=400, deadline=None)
def test_same_quantities_on_generated_strings(scanner, pieces):
    text = "".join(pieces)
    assert scanner.scan(text) == scanner.scan(text, reference=True)


def _fast_equals_grammar(grammar, text):
    """At every ASCII digit, the fast path answers what the grammar answers (or passes)."""
    from gazette_cli.grammar import _SLOW
    fast, ranged = grammar._fast.match, grammar.ranged.match
    decided = []   # what the fast path read itself
    for p, c in enumerate(text):
        if c not in grammar._fast.firsts:
            continue
        f = fast(text, p)
        if f is _SLOW:
            continue
        m = ranged(text, p)
        if f is None or m is None:
            assert f is None and m is None, (text[max(0, p - 5):p + 20], m)
        else:
            assert (f.span(), f.groups()) == (m.span(), m.groups()), text[max(0, p - 5):p + 20]
            decided.append(text[f.start():f.end()])
    return decided


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_fast_path_equals_the_grammar_on_the_development_texts(scanner, path):
    text = path.read_text(encoding="utf-8")
    for t in (text, reflow(text).text):
        _fast_equals_grammar(scanner.grammar, t)


@pytest.mark.parametrize("text, read", [
    ("造林1.5万亩，育苗9.97亿株，满意率100%。人均3.5棵", ["1.5万亩", "9.97亿株", "100%", "3.5棵"]),
    # a power that begins a unit, a Latin unit, 个多, powers and digits mixed, 余, a range,
    # smaller coins, 半, thousands commas: the grammar's (the second number of 3至5万亩 and
    # 5元3角 are plain again: after 至 and 元)
    ("5千米，30km，12个多月，1万5千元，2万余亩，3至5万亩，5元3角，1年半，1,000万元", ["5万亩"]),
    ("在20和30万元之间，3/4，3又1/2亩，3分之1，3 万元，a3万元，三3万元，5元/亩", ["30万元"]),
    ("第3期，2025，3，5人。", ["3期"]),        # 第 is the grammar's business (_build): 3期 is matched
    ("一个，三年，两项，四是，十二亿，三万株，一两，五点五，三分之一，一又二分之一，七成半，五千米", ["一个", "三年", "两项"]),
])
def test_fast_path_reads_the_plain_shapes_and_passes_the_rest(scanner, text, read):
    assert _fast_equals_grammar(scanner.grammar, text) == read


_FAST_ALPHABET = "0123456789.万亿千米亩元株人%个多余和至-/半每 ，、。\n一二两十零点第年月kmA又分　"


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=_FAST_ALPHABET, max_size=24))
@example("0亿 ")        # a figure in 亿 with spaces and then nothing after it (found by this test)
def test_fast_path_equals_the_grammar_on_generated_strings(scanner, text):
    _fast_equals_grammar(scanner.grammar, text)
