"""The two-stage scan (a cheap pass for where a quantity can start, the full grammar only
there) finds exactly what the full pattern finds at every position: the one-stage scan is
kept as the reference (`Scanner.scan(..., reference=True)`) and compared here on every
text the project has and on generated ones."""
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

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
