"""The extraction engine: which rule claims which quantity, and what the record says."""
import textwrap

import pytest

from gazette_cli import explain_text, extract_text, load_rules

RULES = textwrap.dedent("""
    metrics:
      fund_amount: {unit: 元}
      loan_amount: {unit: 元}
      area: {unit: 亩}
    rules:
      - id: fund
        metric: fund_amount
        keywords: [资金]
        before: 10
        after: 4
        examples: [{text: 资金500万元, value: 5000000}]
        counterexamples: [贷款500万元]
      - id: loan
        metric: loan_amount
        keywords: [贷款]
        before: 10
        after: 4
        exclude: [利率]
        examples: [{text: 贷款500万元, value: 5000000}]
        counterexamples: [资金500万元]
      - id: loan_pattern
        metric: loan_amount
        keywords: [授信]
        patterns: ['{K}\\s*\\d+笔，总计{Q}']
        examples: [{text: 授信31笔，总计8.29亿元, value: 829000000}]
        counterexamples: [授信31笔]
      - id: area
        metric: area
        keywords: [造林]
        examples: [{text: 造林5.2万公顷, value: 780000}]
        counterexamples: [造林资金5万元]
""")


@pytest.fixture(scope="module")
def rules(tmp_path_factory):
    d = tmp_path_factory.mktemp("rules")
    (d / "test.yaml").write_text(RULES, encoding="utf-8")
    return load_rules([d], default=False)


@pytest.mark.parametrize("text,expected", [
    # keyword before, within reach, same clause
    ("发放贷款500万元", [("loan_amount", 5000000, "loan")]),
    # keyword after the number
    ("拿到 350 万元贷款", [("loan_amount", 3500000, "loan")]),
    # a clause break between keyword and number
    ("发放贷款，另有500万元", []),
    # an excluded word between keyword and number
    ("贷款利率优惠500万元", []),
    # keyword too far away
    ("贷款是企业发展壮大的重要支撑力量之一500万元", []),
    # two rules claim one quantity: the closer keyword wins
    ("贷款资金500万元", [("fund_amount", 5000000, "fund")]),
    ("资金贷款500万元", [("loan_amount", 5000000, "loan")]),
    # a pattern rule, across a comma, with {K}
    ("达成授信 31笔，总计8.29亿元，利率优惠1216.72万元", [("loan_amount", 829000000, "loan_pattern")]),
    # a unit of another dimension is never claimed
    ("贷款利率为7%", []),
    ("贷款500万美元", []),
    # canonical unit: hectares are reported in mu, with what was written kept
    ("完成造林5.2万公顷", [("area", 780000, "area")]),
])
def test_attribution(rules, text, expected):
    got = [(r.metric, r.value, r.rule) for r in extract_text(text, ruleset=rules)]
    assert got == expected


def test_converted_record_keeps_what_was_written(rules):
    r = extract_text("完成造林5.2万公顷", ruleset=rules)[0]
    assert (r.value, r.unit, r.written_value, r.written_unit) == (780000, "亩", 52000, "公顷")


def test_priority_beats_distance(tmp_path):
    f = tmp_path / "p.yaml"
    f.write_text(RULES.replace("    exclude: [利率]", "    exclude: [利率]\n    priority: 5"), encoding="utf-8")
    rs = load_rules([f], default=False)
    assert [r.rule for r in extract_text("贷款资金500万元", ruleset=rs)] == ["loan"]


def test_explain_lists_the_other_rules_that_matched(rules):
    recs = explain_text("贷款资金500万元，另有300人", ruleset=rules)
    assert [(r.text, r.rule, r.also_matched) for r in recs] == [
        ("500万元", "fund", ["loan"]), ("300人", None, [])]


def test_hard_wrapped_metric_is_found_with_its_original_position(rules):
    r = extract_text("全市发放\n贷款 500 万\n元，", ruleset=rules)[0]
    assert (r.value, r.line, r.column, r.text) == (5000000, 2, 4, "500 万元")
