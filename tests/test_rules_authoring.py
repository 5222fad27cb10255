"""Rule authoring (issue 4): every class of rule error gives its exact message, all at once;
user rules override default ones; packs; runaway patterns; rule files are data; the worked
example of rules/README.md runs as documented."""
import json
import re
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gazette_cli import DataFileError, check_rules, extract_text, load_rules
from gazette_cli.cli import app
from gazette_cli.rules import available_packs

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "000_325790cf70597617.txt"
README = ROOT / "rules" / "README.md"
runner = CliRunner()

HEAD = "metrics:\n  m: {unit: 元}\nrules:\n"
RULE = "  - id: r1\n    metric: m\n"

# (case, rule file, every problem `gazette rules check --no-default-rules r.yaml` prints)
BROKEN = [
    ("yaml syntax: list left open", HEAD + RULE + "    keywords: [投资\n", [
        "r.yaml:6: YAML syntax: while parsing a flow sequence: expected ',' or ']', but got '<stream end>' "
        "(is a [ … ] list left open, or a comma or quote missing?)"]),
    ("yaml syntax: tab", "rules:\n\t- id: r1\n", [
        "r.yaml:2: YAML syntax: while scanning for the next token: found character '\\t' that cannot start "
        "any token (indent with spaces, not tabs)"]),
    ("yaml syntax: quote left open", HEAD + '  - id: "r1\n', [
        "r.yaml:4: YAML syntax: while scanning a quoted scalar: found unexpected end of stream "
        "(a quote opened here is never closed)"]),
    ("yaml syntax: duplicate key", HEAD + RULE + "    keywords: [投资]\n    metric: m\n", [
        "r.yaml:7: YAML syntax: duplicate key 'metric' (a key may appear once per mapping)"]),
    ("unknown field", HEAD + RULE + "    keyword: [投资]\n    flavour: red\n", [
        "r.yaml:4: r1: missing field 'keywords'",
        "r.yaml:6: r1: unknown field 'keyword'; did you mean 'keywords'?",
        "r.yaml:7: r1: unknown field 'flavour' (allowed: after, before, columns, context, counterexamples, description, echo, "
        "examples, exclude, id, keywords, metric, near, not_after, not_before, patterns, priority, respectively, scope, topic, totals, unit, unless)"]),
    ("unknown top-level and metric field", "metric:\n  m: {unit: 元, descripton: x}\n", [
        "r.yaml:1: top-level unknown field 'metric'; did you mean 'metrics'?"]),
    ("unknown metric field", "metrics:\n  m: {unit: 元, descripton: x}\n", [
        "r.yaml:2: metric m: unknown field 'descripton'; did you mean 'description'?"]),
    ("missing fields", HEAD + "  - keywords: [投资]\n", [
        "r.yaml:4: (rule at line 4): missing field 'id'",
        "r.yaml:4: (rule at line 4): missing field 'metric'"]),
    ("duplicate id", HEAD + RULE + "    keywords: [投资]\n" + RULE + "    keywords: [总投资]\n", [
        "r.yaml:7: r1: duplicate id (first defined at r.yaml:4)"]),
    ("pattern does not compile", HEAD + RULE + "    keywords: [投资]\n    patterns:\n"
     "      - '投资(\\d+{Q}'\n      - '投资[^，{Q}'\n      - '投资*?+{Q}'\n", [
         "r.yaml:8: r1: pattern 1 does not compile: missing ) at position 9: 投资(\\d+{Q}⟨here⟩",
         "r.yaml:9: r1: pattern 2 does not compile: unterminated character set at position 8: 投资[^，{Q}⟨here⟩",
         "r.yaml:10: r1: pattern 3 does not compile: multiple repeat at position 4: 投资*?⟨here⟩+{Q}"]),
    ("pattern without {Q}", HEAD + RULE + "    keywords: [投资]\n    patterns:\n"
     "      - '投资\\d+亿元'\n      - '{Q}和{Q}'\n", [
         "r.yaml:8: r1: pattern 1 has no {Q}: mark where the claimed quantity stands with {Q}",
         "r.yaml:9: r1: pattern 2 has 2 {Q}: a pattern claims one quantity, mark the others with {N}"]),
    ("unknown units", "metrics:\n  m: {unit: 元}\n  n: {unit: 公倾}\nrules:\n"
     "  - {id: r1, metric: m, unit: 万元, keywords: [投资]}\n"
     "  - {id: r2, metric: m, unit: 块钱, keywords: [投资]}\n"
     "  - {id: r3, metric: m, unit: 斤斤, keywords: [投资]}\n", [
         "r.yaml:3: metric n: unknown unit '公倾' (not in units.yaml)",
         "r.yaml:5: r1: unknown unit '万元': 万 is part of the number, not of the unit (write unit: 元; 5万元 is 50000 元)",
         "r.yaml:6: r2: unit '块钱' is a spelling of '元': write unit: 元",
         "r.yaml:7: r3: unknown unit '斤斤' (not in units.yaml; did you mean '斤'?)"]),
    ("unit the metric cannot take", HEAD + "  - {id: r1, metric: m, unit: 亩, keywords: [投资]}\n"
     "  - {id: r2, metric: [m], keywords: [投资]}\n", [
         "r.yaml:4: r1: unit '亩' does not convert to '元', the unit of metric m",
         "r.yaml:5: r2: metric must be a metric name, got ['m']"]),
    ("unknown metric", "metrics:\n  investment_amount: {unit: 元}\nrules:\n"
     "  - {id: r1, metric: investment, keywords: [投资]}\n  - {id: r2, metric: gdp, keywords: [生产总值]}\n", [
         "r.yaml:4: r1: unknown metric 'investment' (declare it under `metrics:`; did you mean 'investment_amount'?)",
         "r.yaml:5: r2: unknown metric 'gdp' (declare it under `metrics:`)"]),
    ("failing examples", HEAD + RULE + "    keywords: [投资]\n    examples:\n"
     "      - {text: 完成投资5亿元, value: 600000000}\n"
     "      - {text: 总计5亿元, value: 500000000}\n"
     "      - {text: 投资超过5亿元, value: 500000000, qualifier: null}\n"
     "    counterexamples:\n      - 实现投资收益500万元\n", [
         "r.yaml:8: r1: example '完成投资5亿元': expected 600000000 元, got 500000000 元",
         "r.yaml:9: r1: example '总计5亿元': expected 500000000 元, got no match",
         "r.yaml:10: r1: example '投资超过5亿元': expected 500000000 元 (no qualifier), got 500000000 元 (over)",
         "r.yaml:12: r1: counterexample '实现投资收益500万元' must not match, got 5000000 元"]),
    ("wrong types", HEAD + RULE + "    keywords: []\n    before: far\n    priority: high\n    examples:\n"
     "      - {text: 投资5亿元, value: 五亿, qualifier: more}\n      - 投资5亿元\n", [
         "r.yaml:6: r1: keywords must be a non-empty list of words, got []",
         "r.yaml:7: r1: before must be a whole number from 0 to 200, got 'far'",
         "r.yaml:8: r1: priority must be a whole number, got 'high'",
         "r.yaml:10: r1: example: value must be a number (in the metric's unit) or null, got '五亿'",
         "r.yaml:10: r1: example: qualifier must be one of approx, over, under, max, min or null, got 'more'",
         "r.yaml:11: r1: an example needs `text` (and the `value` it must give), e.g. {text: 完成投资5亿元, value: 500000000}"]),
    ("code in a rule file", "metrics: !!python/object/apply:os.system ['touch pwned']\n", [
        "r.yaml:1: YAML syntax: the tag '!!python/object/apply:os.system' is not allowed: rule and units files "
        "are plain data (text, numbers, lists, mappings)"]),
    ("runaway pattern", HEAD + RULE + "    keywords: [投资]\n    patterns: ['投资(\\d|\\d)+{Q}']\n", [
        "r.yaml:7: r1: pattern 1 is too slow: over 0.2s on a 1002-character sentence '投资11…111'; nested repeats "
        "such as (\\d+)+ backtrack without end (write \\d+ once); on such text the rule is skipped"]),
    ("not a rule file", "- 投资\n- 资金\n", [
        "r.yaml:1: a rule file is a mapping with `metrics:` and/or `rules:` (see rules/README.md)"]),
]


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case,text,expected", BROKEN, ids=[c for c, _, _ in BROKEN])
def test_each_class_of_error_has_its_exact_message(in_tmp, case, text, expected):
    write("r.yaml", text)
    assert [str(p) for p in check_rules([Path("r.yaml")], default=False)] == expected


@pytest.mark.parametrize("case,text,expected", BROKEN, ids=[c for c, _, _ in BROKEN])
def test_rules_check_prints_every_problem_and_exits_1(in_tmp, case, text, expected):
    write("r.yaml", text)
    r = runner.invoke(app, ["rules", "check", "--no-default-rules", "r.yaml"])
    assert r.exit_code == 1
    assert [line for line in r.stdout.splitlines() if line.startswith("r.yaml")] == expected
    assert "Traceback" not in r.output
    assert not (in_tmp / "pwned").exists()


def test_all_problems_of_all_files_at_once(in_tmp):
    write("rules/a.yaml", HEAD + RULE + "    keyword: [投资]\n")
    write("rules/b.yaml", "rules:\n  - {id: r2, metric: nope, keywords: [x], patterns: ['(']}\n  - {id: r1, metric: m, keywords: [y]}\n")
    write("rules/c.yaml", "rules: [\n")
    got = [str(p) for p in check_rules([Path("rules")], default=False)]
    assert got == [
        "rules/a.yaml:4: r1: missing field 'keywords'",
        "rules/a.yaml:6: r1: unknown field 'keyword'; did you mean 'keywords'?",
        "rules/b.yaml:2: r2: unknown metric 'nope' (declare it under `metrics:`)",
        "rules/b.yaml:2: r2: pattern 1 does not compile: missing ) at position 1: (⟨here⟩",
        "rules/c.yaml:2: YAML syntax: while parsing a flow node: expected the node content, but found '<stream end>'",
    ]
    with pytest.raises(DataFileError) as exc:
        load_rules([Path("rules")], default=False)
    assert [str(p) for p in exc.value.problems] == got


def test_a_good_file_checks_clean(in_tmp):
    write("r.yaml", HEAD + RULE + "    keywords: [投资]\n    examples:\n      - {text: 完成投资5亿元, value: 500000000}\n"
          "    counterexamples: [民间投资增长10%]\n")
    assert check_rules([Path("r.yaml")]) == []
    r = runner.invoke(app, ["rules", "check", "r.yaml"])
    assert (r.exit_code, r.stdout.strip()) == (0, "ok: no problems")


def test_the_shipped_rules_check_clean_from_the_command_line():
    r = runner.invoke(app, ["rules", "check"])
    assert (r.exit_code, r.stdout.strip()) == (0, "ok: no problems")


def test_a_missing_file_and_an_unknown_pack(in_tmp):
    assert [str(p) for p in check_rules([Path("nope.yaml")], default=False)] == ["nope.yaml: no such rule file or directory"]
    with pytest.raises(DataFileError) as exc:
        load_rules(packs=("nope",))
    assert [p.what for p in exc.value.problems] == [
        f"unknown rule pack 'nope' (available: {', '.join(available_packs())})"]
    assert "extended" in available_packs()


def test_a_metric_has_one_unit(in_tmp):
    write("r.yaml", "metrics:\n  loan_amount: {unit: 美元}\n")
    got = [str(p) for p in check_rules([Path("r.yaml")])]
    assert len(got) == 1 and got[0].startswith("r.yaml:2: metric loan_amount: unit '美元' differs from '元' declared at ")


def test_rule_files_are_data_not_code(in_tmp):
    write("r.yaml", "rules:\n  - id: !!python/name:os.system\n    metric: m\n")
    write("s.yaml", "!!python/object/new:os.system [touch pwned]\n")
    with pytest.raises(DataFileError) as exc:
        load_rules([Path("r.yaml"), Path("s.yaml")], default=False)
    assert [str(p) for p in exc.value.problems] == [
        "r.yaml:2: YAML syntax: the tag '!!python/name:os.system' is not allowed: rule and units files are plain "
        "data (text, numbers, lists, mappings)",
        "s.yaml:1: YAML syntax: the tag '!!python/object/new:os.system' is not allowed: rule and units files are "
        "plain data (text, numbers, lists, mappings)"]
    assert not (in_tmp / "pwned").exists()


# --- user rules, overrides, packs ---------------------------------------------------------

OVERRIDE = """\
rules:
  - id: loan_amount.near          # same id as the default rule: replaces it
    metric: loan_amount           # declared in the default pack
    keywords: [信贷投放]
    examples:
      - {text: 信贷投放350万元, value: 3500000}
    counterexamples:
      - 让我顺利拿到 350 万元贷款
"""


def test_a_user_directory_overrides_a_default_rule(in_tmp):
    write("mine/loans.yaml", OVERRIDE)
    default = load_rules()
    mine = load_rules([Path("mine")])
    assert [r.id for r in mine.rules] == [r.id for r in default.rules]  # replaced in place, nothing added
    rule = next(r for r in mine.rules if r.id == "loan_amount.near")
    assert (rule.file, rule.line, rule.keywords) == ("mine/loans.yaml", 2, ("信贷投放",))
    assert check_rules([Path("mine")]) == []
    for text, default_value, mine_value in [("让我顺利拿到贷款 350 万元", 3500000, None),
                                            ("信贷投放350万元", 3500000, 3500000)]:
        got = {ruleset: [r.value for r in extract_text(text, ruleset=rs) if r.rule == "loan_amount.near"]
               for ruleset, rs in (("default", default), ("mine", mine))}
        assert got == {"default": [default_value] if default_value else [], "mine": [mine_value] if mine_value else []}


def test_a_user_rule_overrides_a_default_rule_from_the_command_line(in_tmp):
    write("mine/loans.yaml", OVERRIDE)

    def loans(*args):
        """(line, the winning rule, every rule that claimed) of each loan amount."""
        r = runner.invoke(app, ["explain", str(SAMPLE), "-f", "jsonl", *args])
        assert r.exit_code == 0, r.output
        return [(x["line"], x["rule"], {x["rule"], *x["also_matched"]}) for x in map(json.loads, r.stdout.splitlines())
                if x["metric"] == "loan_amount"]

    near, head = "loan_amount.near", "loan_amount.amount_then_loan"
    assert loans() == [(351, head, {head, near}), (361, head, {head, near}), (390, head, {head, near}),
                       (393, head, {head, near}), (413, head, {head, near}),
                       (427, "loan_amount.count_then_total", {"loan_amount.count_then_total"})]
    # the sample never says 信贷投放: with the default near rule replaced, only the pattern rules are left
    assert loans("--rules", "mine") == [(351, head, {head}), (361, head, {head}), (390, head, {head}),
                                        (393, head, {head}), (413, head, {head}),
                                        (427, "loan_amount.count_then_total", {"loan_amount.count_then_total"})]


def test_no_default_rules_uses_only_the_users(in_tmp):
    write("mine/invest.yaml", HEAD.replace("m:", "investment_amount:") +
          "  - {id: inv, metric: investment_amount, keywords: [投资]}\n")
    text = "完成投资5亿元，发放贷款3000万元"
    only = load_rules([Path("mine")], default=False)
    assert [(r.metric, r.value) for r in extract_text(text, ruleset=only)] == [("investment_amount", 500000000)]
    both = load_rules([Path("mine")])
    assert [(r.metric, r.value) for r in extract_text(text, ruleset=both)] == [
        ("investment_amount", 500000000), ("loan_amount", 30000000)]
    write("issue.txt", text + "。\n")
    r = runner.invoke(app, ["extract", "--no-default-rules", "--rules", "mine", "issue.txt", "-f", "jsonl"])
    assert r.exit_code == 0, r.output
    assert [(x["metric"], x["value"]) for x in map(json.loads, r.stdout.splitlines())] == [("investment_amount", 500000000)]


def test_the_extended_pack_loads_on_request_only():
    text = "完成固定资产投资42.5亿元，森林覆盖率达到24.1%，城镇新增就业1206万人，新增高新技术企业超过300家"
    assert extract_text(text, ruleset=load_rules()) == []
    got = [(r.metric, r.value, r.unit) for r in extract_text(text, ruleset=load_rules(packs=("extended",)))]
    assert got == [("investment_amount", 4250000000, "元"), ("coverage_rate", 24.1, "%"),
                   ("employment", 12060000, "人"), ("enterprise_count", 300, "家")]


def test_a_user_rule_overrides_a_pack_rule_and_ids_repeat_only_across_groups(in_tmp):
    write("a/x.yaml", "rules:\n  - {id: investment_amount.near, metric: investment_amount, keywords: [总投资]}\n")
    write("b/y.yaml", "rules:\n  - {id: investment_amount.near, metric: investment_amount, keywords: [投资额]}\n")
    rs = load_rules([Path("a"), Path("b")], packs=("extended",))
    assert next(r for r in rs.rules if r.id == "investment_amount.near").keywords == ("投资额",)
    write("a/z.yaml", "rules:\n  - {id: investment_amount.near, metric: investment_amount, keywords: [投资]}\n")
    assert [str(p) for p in check_rules([Path("a")], packs=("extended",))] == [
        "a/z.yaml:2: investment_amount.near: duplicate id (first defined at a/x.yaml:2)"]


def test_precedence_priority_then_closer_match_then_file_order(in_tmp):
    write("r.yaml", "metrics:\n  a: {unit: 元}\n  b: {unit: 元}\n  c: {unit: 元}\nrules:\n"
          "  - {id: far, metric: a, keywords: [资金]}\n"
          "  - {id: near, metric: b, keywords: [投资]}\n"
          "  - {id: near_too, metric: c, keywords: [投资]}\n")
    rs = load_rules([Path("r.yaml")], default=False)
    assert [r.rule for r in extract_text("资金投资5亿元", ruleset=rs)] == ["near"]      # closer, then first in file
    write("s.yaml", "rules:\n  - {id: far, metric: a, keywords: [资金], priority: 1}\n")
    rs = load_rules([Path("r.yaml"), Path("s.yaml")], default=False)
    assert [r.rule for r in extract_text("资金投资5亿元", ruleset=rs)] == ["far"]       # priority first


def test_keywords_hidden_inside_longer_keywords_are_known():
    rs = load_rules(packs=("extended",))
    assert rs.prefixes["植树造林"] == ["植树造林", "植树"]
    assert rs.prefixes["培训人次"] == ["培训人次", "培训"]
    assert rs.prefixes["投资"] == ["投资"]


# --- runaway patterns ---------------------------------------------------------------------

EVIL = """\
metrics:
  m: {unit: 元}
rules:
  - {id: evil, metric: m, keywords: [投资], patterns: ['%s']}
  - {id: fine, metric: m, keywords: [投资], before: 4}
"""
LONG_LINE = "1" * 100_000 + "，投资5万元"   # the pattern backtracks over the digits before {Q}


@pytest.mark.parametrize("pattern,times_out", [(r"((\d+)+)+{Q}", True), (r"(\d|\d)+{Q}", True),
                                               (r"(\d+)+{Q}", False)])
def test_a_catastrophic_pattern_returns_promptly_naming_the_rule(in_tmp, pattern, times_out):
    write("evil.yaml", EVIL % pattern)
    rs = load_rules([Path("evil.yaml")], default=False)
    extract_text("5万元", ruleset=rs)   # the scanner built before the clock starts (not what is tested)
    warnings = []
    t0 = time.perf_counter()
    records = extract_text(LONG_LINE, ruleset=rs, warn=warnings.append)
    # a hang guard, not a speed target: unguarded, these patterns run for minutes (the
    # pattern budget is 0.2 s; the bound leaves room for a loaded machine)
    assert time.perf_counter() - t0 < 3.0
    assert [(r.rule, r.value) for r in records] == [("fine", 50000)]  # the rest of the text is processed
    if times_out:
        assert len(warnings) == 1 and warnings[0].startswith("rule evil (evil.yaml:4): pattern took over 0.2s")
    assert [p.what.split(":")[0] for p in check_rules([Path("evil.yaml")], default=False)] == ["pattern 1 is too slow"]


def test_a_catastrophic_pattern_is_skipped_for_the_rest_of_the_text(in_tmp):
    write("evil.yaml", EVIL % r"(\d|\d)+{Q}")
    rs = load_rules([Path("evil.yaml")], default=False)
    text = "。".join(["1" * 200 + "，投资5万元"] * 10)
    extract_text("5万元", ruleset=rs)   # the scanner built before the clock starts
    warnings = []
    t0 = time.perf_counter()
    records = extract_text(text, ruleset=rs, warn=warnings.append)
    assert len(records) == 10 and len(warnings) == 1
    assert time.perf_counter() - t0 < 1.5   # skipped after the first time-out: ten of them take 2 s


# --- the worked example of rules/README.md ------------------------------------------------

def readme_blocks():
    return re.findall(r"```(\w+)\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def readme_block(first_line):
    found = [body for _, body in readme_blocks() if body.startswith(first_line)]
    assert len(found) == 1, f"rules/README.md has no single block starting with {first_line!r}"
    return found[0]


def test_readme_worked_example_first_draft_fails_as_documented(in_tmp):
    write("my_rules.yaml", readme_block("# my_rules.yaml — first draft"))
    shown = readme_block("$ gazette rules check my_rules.yaml\nmy_rules.yaml").splitlines()[1:]
    assert [str(p) for p in check_rules([Path("my_rules.yaml")])] == shown


def test_readme_worked_example_finished_file_checks_and_extracts(in_tmp):
    write("my_rules.yaml", readme_block("# my_rules.yaml — finished"))
    assert check_rules([Path("my_rules.yaml")]) == []
    issue = next(body for lang, body in readme_blocks() if lang == "text" and body.startswith("今年全县"))
    write("issue.txt", issue)
    doc = README.read_text(encoding="utf-8").split("**Step 6", 1)[1]
    table = [[c.strip() for c in row.strip().strip("|").split("|")]
             for row in doc.splitlines() if row.startswith("| ") and not row.startswith("| line")]
    expected = [(int(line), text, metric, int(value), rule) for line, text, metric, value, rule in table]
    r = runner.invoke(app, ["extract", "--rules", "my_rules.yaml", "issue.txt", "-f", "jsonl"])
    assert r.exit_code == 0, r.output
    got = [(x["line"], x["text"], x["metric"], x["value"], x["rule"]) for x in map(json.loads, r.stdout.splitlines())]
    assert got == expected
    assert len(expected) == 4
    # and with the default pack alone, nothing in this text is a metric
    assert extract_text(issue) == []


def test_every_shipped_rule_in_the_readme_syntax_block_loads(in_tmp):
    block = next(body for lang, body in readme_blocks() if lang == "yaml" and body.startswith("metrics:"))
    write("syntax.yaml", block.replace("loan_amount", "my_loans"))
    assert [str(p) for p in check_rules([Path("syntax.yaml")])] == []


def test_readme_scope_example_checks(in_tmp):
    write("scope.yaml", readme_block("# scope.yaml — lists and tables"))
    shown = readme_block("$ gazette rules check --no-default-rules scope.yaml").splitlines()[1:]
    assert shown == ["ok: no problems"]
    assert check_rules([Path("scope.yaml")], default=False) == []
    rs = load_rules([Path("scope.yaml")], default=False)
    got = [(r.value, r.rule) for r in extract_text("全年种草改良12万亩，其中免耕补播5万亩、划破草皮3万亩，另落实禁牧8万亩", ruleset=rs)]
    assert got == [(120000, "grass.near"), (50000, "grass.near"), (30000, "grass.near")]


# the fields that reach beyond the clause, each wrong in its own way
BEYOND = [
    ("scope without reach", "    scope: {stop: [另外]}\n", ["r.yaml:7: r1: scope needs `after` or `before` (characters a list may run)"]),
    ("scope reach too long", "    scope: {after: 999}\n", ["r.yaml:7: r1: scope.after must be a whole number from 0 to 400, got 999"]),
    ("scope not a mapping", "    scope: 60\n", ["r.yaml:7: r1: scope must be a mapping such as {after: 60, before: 20, stop: [另外]}, got 60"]),
    ("scope unknown field", "    scope: {after: 60, stops: [x]}\n", ["r.yaml:7: r1: scope: unknown field 'stops'; did you mean 'stop'?"]),
    ("scope skip not words", "    scope: {after: 60, skip: 5}\n", ["r.yaml:7: r1: scope.skip must be a list of words, got 5"]),
    ("topic without words", "    topic: {within: section}\n", ["r.yaml:7: r1: topic.words must be a non-empty list of words, got None"]),
    ("topic within unknown", "    topic: {words: [苗木], within: page}\n",
     ["r.yaml:7: r1: topic.within must be one of section, heading, paragraph, document, got 'page'"]),
    ("context min zero", "    context: {words: [银行], min: 0}\n", ["r.yaml:7: r1: context.min must be a whole number from 1 to 100, got 0"]),
    ("columns not a flag", "    columns: yes please\n", ["r.yaml:7: r1: columns must be true or false, got 'yes please'"]),
    ("not_before not words", "    not_before: {a: 1}\n", ["r.yaml:7: r1: not_before must be a list of words, got {'a': 1}"]),
]


@pytest.mark.parametrize("case,field,expected", BEYOND, ids=[c for c, _, _ in BEYOND])
def test_fields_beyond_the_clause_are_checked(in_tmp, case, field, expected):
    write("r.yaml", HEAD + RULE + "    keywords: [投资]\n" + field)
    assert [str(p) for p in check_rules([Path("r.yaml")], default=False)] == expected
