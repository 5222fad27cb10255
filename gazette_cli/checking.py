"""Checking rule files: load them, run every example and counterexample, probe every
pattern for runaway backtracking, and report each problem as ``file:line: rule-id: what``.

This sits above both ``rules`` (loading) and ``extraction`` (running a rule on a sentence):
an example is checked by extracting from its text with the rule alone.
"""
from __future__ import annotations

from .errors import DataFileError, Problem
from .extraction import extract_text
from .rules import PATTERN_TIMEOUT, SENTINEL, Rule, RuleSet, _groups, _load, _sorted
from .units import Units

def check_rules(paths=None, *, default: bool = True, packs=(), units: Units | None = None) -> list[Problem]:
    """Every problem in the rule files, example failures and runaway patterns included
    (`gazette rules check`). Examples run for the rules of `paths` when given, else of
    `packs` when given, else of every loaded rule."""
    try:
        ruleset, problems = _load(paths, default=default, packs=packs, units=units)
    except DataFileError as exc:  # the units file itself
        return list(exc.problems)
    if ruleset is None:
        return problems
    # examples run for the files asked for: the paths, else the packs, else everything
    asked = _groups(paths, False, (), []) if paths else _groups(None, False, packs, []) if packs else None
    checked = None if asked is None else {str(f) for group in asked for f in group}
    more: list[Problem] = []
    for rule in ruleset.rules:
        if checked is not None and rule.file not in checked:
            continue
        more.extend(probe_patterns(rule))
        more.extend(run_examples(ruleset, rule))
    return _sorted(problems + more, ruleset.sources)


#: the characters runaway patterns are probed with, each repeated over a long sentence
_PROBE_CHARS = ("1", "一", "a", " ", "，", "万", "年", SENTINEL, "1" + SENTINEL)
_PROBE_LENGTH = 1000

def _probes(rule: Rule):
    """Long monotonous sentences, each ending in a character that breaks the run and then
    a quantity: the input that makes nested repeats backtrack."""
    starts = ("", *rule.keywords[:2])
    for c in (*_PROBE_CHARS, *rule.keywords[:2]):
        body = c * (_PROBE_LENGTH // len(c))
        for start in starts:
            for end in ("", "x", "。", "x" + SENTINEL, "。" + SENTINEL, "，" + (rule.keywords[0] if rule.keywords else "") + SENTINEL):
                yield start + body + end


def probe_patterns(rule: Rule) -> list[Problem]:
    r"""Run each pattern of a rule on long monotonous sentences (the input that makes nested
    repeats such as (\d+)+ backtrack without end); one Problem per pattern that hits the
    time limit. Such a pattern would be skipped, with a warning, on real text like it."""
    out: list[Problem] = []
    for kind, lines, patterns in (("pattern", rule.pattern_lines, rule.patterns),
                                  ("unless pattern", rule.unless_lines, rule.unless)):
        out.extend(_probe(rule, kind, lines, patterns))
    return out


def _probe(rule: Rule, kind: str, lines, patterns) -> list[Problem]:
    out: list[Problem] = []
    for i, pattern in enumerate(patterns, 1):
        for probe in _probes(rule):
            try:
                for _ in pattern.finditer(probe, overlapped=True, timeout=PATTERN_TIMEOUT):
                    pass
            except TimeoutError:
                shown = probe[:4] + "…" + probe[-3:]
                line = lines[i - 1] if i <= len(lines) else rule.line
                out.append(Problem(rule.file, line,
                                   f"{kind} {i} is too slow: over {PATTERN_TIMEOUT}s on a {len(probe)}-character "
                                   f"sentence {shown.replace(SENTINEL, '{Q}')!r}; nested repeats such as (\\d+)+ "
                                   f"backtrack without end (write \\d+ once); on such text the rule is skipped", rule.id))
                break
    return out


def run_examples(ruleset: RuleSet, rule: Rule) -> list[Problem]:
    """Run a rule's examples against the rule alone; one Problem per failing example."""
    sub = ruleset.subset(rule)
    metric = ruleset.metrics.get(rule.metric)
    unit = (metric.unit if metric else None) or rule.unit
    out: list[Problem] = []
    for ex in rule.examples:
        timeouts: list[str] = []
        # compared with the example's expectations, written as the output's fields
        records = [r.as_dict() for r in extract_text(ex.text, ruleset=sub, reflow=False, warn=timeouts.append)
                   if r.rule == rule.id]
        slow = " (a pattern hit the time limit)" if timeouts else ""
        if ex.expect is None:
            if records:
                got = ", ".join(_describe(r) for r in records)
                out.append(Problem(rule.file, ex.line, f"counterexample {ex.text!r} must not match, got {got}", rule.id))
            continue
        if not any(_agrees(r, ex.expect) for r in records):
            want = _describe({"unit": unit, **ex.expect}, explicit=True)
            got = ", ".join(_describe(r) for r in records) or "no match"
            out.append(Problem(rule.file, ex.line, f"example {ex.text!r}: expected {want}, got {got}{slow}", rule.id))
    return out


def _agrees(record: dict, expect: dict) -> bool:
    for key, want in expect.items():
        got = record.get(key)
        if key in ("value", "min", "max"):
            if want is None or got is None:
                if want is not None or got is not None:
                    return False
                continue
            try:
                if abs(float(got) - float(want)) > 1e-6 * max(1.0, abs(float(want))):
                    return False
            except (TypeError, ValueError):
                return False
        elif got != want:
            return False
    return True


def _fmt(v) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e18:
        return str(int(v))
    return str(v)


def _describe(d: dict, explicit: bool = False) -> str:
    """A record or an expectation as an analyst reads it: 600000000 元 (over)."""
    parts = []
    if d.get("value") is not None:
        parts.append(_fmt(d["value"]))
    lo, hi = d.get("min"), d.get("max")
    bounds_say_more = (lo is not None or hi is not None) and not (
        d.get("value") is not None and lo in (None, d["value"]) and hi in (None, d["value"]))
    if bounds_say_more:
        rng = f"{_fmt(d['min']) if d.get('min') is not None else ''}–{_fmt(d['max']) if d.get('max') is not None else ''}"
        parts.append(rng if d.get("value") is None else f"[{rng}]")
    if d.get("unit"):
        parts.append(str(d["unit"]))
    if d.get("qualifier"):
        parts.append(f"({d['qualifier']})")
    elif explicit and "qualifier" in d:
        parts.append("(no qualifier)")
    return " ".join(parts) or "nothing"
