"""The measure-word catalogue of rules/units.yaml, tested from its own data (issue 12).

- every entry's `example` is one sentence holding one quantity: it must give that value in
  that unit, and nothing else;
- the longest spelling wins: for every spelling that is the start of another (场/场次,
  吨/吨公里, 个/个月), the longer one is read whole;
- ambiguity is data: every `not_before` word after the unit and every `not_after` word
  before the number leaves no quantity in that unit.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from gazette_cli import load_units, quantities_text

UNITS = load_units()
ENTRIES = list(UNITS.units.values())


def _reported(unit) -> str:
    return unit.report_as or unit.name


def _rows(text: str):
    return [(Decimal(str(r.value)) if r.value is not None else None, r.unit)
            for r in quantities_text(text, units=UNITS)]


def test_the_catalogue_has_every_kind_of_measure_word():
    names = set(UNITS.units)
    assert len(names) >= 200
    for word in ("次", "场", "回", "轮", "遍", "人次", "户次", "件次", "场次", "批次", "架次", "亩次",
                 "吨公里", "千瓦时", "标准亩", "份", "页", "字", "期", "种", "类", "床", "艘", "架",
                 "羽", "宗", "起", "栋", "课时", "学时", "盏", "根", "枚", "盆", "列", "倍"):
        assert word in names, word
    # dimensions where the word has one: 立方 and 方 are 立方米, 公斤 is 千克
    assert UNITS.get("立方").name == "立方米" and UNITS.get("公斤").name == "千克"
    assert UNITS.get("方").report_as == "立方米" and UNITS.get("方").dimension == "volume"


@pytest.mark.parametrize("unit", ENTRIES, ids=lambda u: u.name)
def test_every_entry_has_an_example_that_reads_as_written(unit):
    assert unit.example, f"{unit.name}: no example in units.yaml"
    text, value, *reported = unit.example
    want = reported[0] if reported else _reported(unit)
    assert _rows(text) == [(Decimal(value), want)], text


def _prefix_pairs():
    spellings = sorted(UNITS.by_alias, key=lambda s: (len(s), s))
    pairs = []
    for long in spellings:
        u = UNITS.get(long)
        if not u.standalone or long[0].isascii():
            continue
        for short in spellings:
            if len(short) < len(long) and long.startswith(short) and UNITS.get(short).standalone:
                pairs.append((short, long))
    return pairs


PAIRS = _prefix_pairs()


def test_there_are_prefix_pairs_to_test():
    assert {("场", "场次"), ("件", "件次"), ("吨", "吨公里"), ("个", "个月"), ("立方", "立方米")} <= set(PAIRS)


@pytest.mark.parametrize("short,long", PAIRS, ids=[f"{s}<{lg}" for s, lg in PAIRS])
def test_the_longest_unit_wins(short, long):
    u = UNITS.get(long)
    rows = _rows(f"全年共计300{long}。")
    assert [unit for _, unit in rows] == [_reported(u)], (long, rows)


def _ambiguous():
    cases = []
    for u in ENTRIES:
        for w in u.not_before:
            cases.append((u.name, f"共有3{u.name}{w}"))
        for w in u.not_after:
            cases.append((u.name, f"共有{w}3{u.name}"))
    return cases


AMBIGUOUS = _ambiguous()


@pytest.mark.parametrize("name,text", AMBIGUOUS, ids=[t for _, t in AMBIGUOUS])
def test_a_word_that_is_no_measure_leaves_no_quantity_in_it(name, text):
    assert name not in [unit for _, unit in _rows(text)]


@pytest.mark.parametrize("text,want", [
    # ordinals and words
    ("第3期培训班", []),
    ("详见第5页", []),
    ("三期工程建成投产", []),
    ("经济发展起来了", []),
    ("红十字会捐款", []),
    ("甲乙双方签订协议", []),
    ("三方协议", []),
    # names that contain numerals
    ("三元区新增就业", []),
    ("李四人民币存款", []),
    ("七台河市", []),
    ("五家渠市", []),
    # a power alone after 逾/超/近
    ("逾千家企业", [(Decimal(1000), "家")]),
    ("近万人参加", [(Decimal(10000), "人")]),
    ("超百亿元", [(Decimal(10**10), "元")]),
    ("最近万人空巷", []),
    # the same words as measures
    ("举办培训班3期", [(Decimal(3), "期")]),
    ("查处违法案件19起", [(Decimal(19), "起")]),
    ("完成土石方30万方", [(Decimal(300000), "立方米")]),
    ("开挖土方12万立方", [(Decimal(120000), "立方米")]),
    ("各类招聘活动18场次", [(Decimal(18), "场次")]),
    ("平方公里与公里：5平方公里，3公里", [(Decimal(5), "平方公里"), (Decimal(3), "公里")]),
])
def test_ambiguous_words_and_names(text, want):
    assert _rows(text) == want
