"""Every example and counterexample of every shipped rule file runs as a test, and every
shipped rule file passes `gazette rules check`.

The default pack (rules/*.yaml) and the optional packs (rules/<pack>/*.yaml, loaded with
`--pack NAME`) are both covered."""
from pathlib import Path

import pytest

from gazette_cli import check_rules, extract_text, load_rules
from gazette_cli.checking import _agrees, run_examples
from gazette_cli.rules import Rule, available_packs

ROOT = Path(__file__).resolve().parent.parent
RULESET = load_rules()
PACKS = tuple(available_packs())
EVERYTHING = load_rules(packs=PACKS)
CASES = [(rule, ex) for rule in EVERYTHING.rules for ex in rule.examples]


def test_the_extended_pack_is_shipped_and_not_loaded_by_default():
    assert "extended" in PACKS
    default_metrics = {r.metric for r in RULESET.rules}
    assert default_metrics == {"loan_amount", "afforestation_area", "seedling_count", "satisfaction_rate"}
    extended_metrics = {r.metric for r in EVERYTHING.rules} - default_metrics
    assert extended_metrics == {"investment_amount", "public_funds", "output_value", "interest_rate",
                                "coverage_rate", "treatment_rate", "employment", "people_trained",
                                "training_attendance", "enterprise_count"}


def test_every_rule_has_examples_and_counterexamples():
    assert EVERYTHING.rules
    for rule in EVERYTHING.rules:
        assert any(e.expect for e in rule.examples), f"{rule.id} has no positive example"
        assert any(e.expect is None for e in rule.examples), f"{rule.id} has no counterexample"


@pytest.mark.parametrize("rule,example", CASES, ids=[f"{r.id}:{e.line}" for r, e in CASES])
def test_rule_example(rule, example):
    single = Rule(**{**rule.__dict__, "examples": [example]})
    problems = run_examples(EVERYTHING, single)
    assert not problems, str(problems[0])


POSITIVE = [(rule, ex) for rule, ex in CASES if ex.expect is not None]


@pytest.mark.parametrize("rule,example", POSITIVE, ids=[f"{r.id}:{e.line}" for r, e in POSITIVE])
def test_example_survives_every_other_rule(rule, example):
    """With every shipped rule loaded at once, each example still reports its metric: the
    precedence (priority, then the closer match, then file order) picks the right rule."""
    records = extract_text(example.text, ruleset=EVERYTHING, reflow=False)
    got = [(r.metric, r.value) for r in records if _agrees(r.as_dict(), example.expect)]
    assert any(metric == rule.metric for metric, _ in got), (example.text, [(r.metric, r.value) for r in records])


@pytest.mark.parametrize("path", sorted((ROOT / "rules").rglob("*.y*ml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_rule_file_passes_check(path):
    if path.name == "units.yaml":
        return  # the units file is checked by loading it
    assert [str(p) for p in check_rules([path], default=path.parent == ROOT / "rules")] == []


@pytest.mark.parametrize("path", sorted((ROOT / "rules").rglob("*.y*ml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_rule_file_opens_with_its_syntax(path):
    head = path.read_text(encoding="utf-8")[:3000]
    assert head.startswith("#") and "Syntax" in head, f"{path} must open with a comment explaining its syntax"


def test_packs_check_cleanly_together():
    assert [str(p) for p in check_rules(packs=PACKS)] == []
