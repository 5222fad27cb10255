"""Rules: YAML rule files that map the quantities of an issue to policy metrics.

A rule file declares metrics (with their canonical unit) and rules. A rule claims a
quantity when one of its keywords stands near it in the same clause, or when one of its
regex patterns matches the sentence with ``{Q}`` at the quantity. The syntax is
documented in rules/README.md and at the top of every shipped rule file.

Loading never executes anything from a file (YAML safe loader, patterns compiled by the
``regex`` module and run with a time limit). Every problem in every file is collected and
reported as ``file:line: rule-id: what is wrong``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import regex

from .datafile import LineDict, load_yaml
from .errors import DataFileError, Problem
from .resources import default_rules_dir
from .units import Units, load_units

FILE_FIELDS = {"metrics", "rules"}
METRIC_FIELDS = {"unit", "description"}
RULE_FIELDS = {"id", "metric", "unit", "keywords", "patterns", "before", "after", "exclude",
               "priority", "description", "examples", "counterexamples"}
EXAMPLE_FIELDS = {"text", "value", "unit", "qualifier", "min", "max"}
#: every quantity of a sentence stands as this one character when patterns run
SENTINEL = "\ue000"
PLACEHOLDERS = {"{Q}": f"(?P<Q>{SENTINEL})", "{N}": SENTINEL}
DEFAULT_BEFORE = 12
DEFAULT_AFTER = 4
#: a pattern may run this long on one sentence before the rule is skipped there
PATTERN_TIMEOUT = 0.2


@dataclass
class Metric:
    name: str
    unit: str | None
    description: str = ""
    file: str = ""
    line: int = 0


@dataclass
class Example:
    text: str
    line: int
    expect: dict | None = None       # None: a counterexample


@dataclass
class Rule:
    id: str
    metric: str
    unit: str
    keywords: tuple[str, ...]
    patterns: list = field(default_factory=list)        # compiled
    pattern_sources: list = field(default_factory=list)
    before: int = DEFAULT_BEFORE
    after: int = DEFAULT_AFTER
    exclude: tuple[str, ...] = ()
    priority: int = 0
    description: str = ""
    examples: list = field(default_factory=list)
    file: str = ""
    line: int = 0
    order: int = 0


def trie_regex(words) -> str:
    """One regex alternation for many literal words, as a trie: cost grows with the text,
    hardly with the number of words."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node) -> str:
        end = "" in node
        alts = [regex.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return build(trie) or "(?!)"


class RuleSet:
    """Loaded rules with the index the extraction uses: keyword → rules."""

    def __init__(self, rules: list[Rule], metrics: dict[str, Metric], units: Units, sources: list[str]):
        self.rules = rules
        self.metrics = metrics
        self.units = units
        self.sources = sources
        words = sorted({k for r in rules for k in r.keywords})
        self.keyword_re = regex.compile(trie_regex(words)) if words else None
        self.by_keyword: dict[str, list[Rule]] = {}
        for r in rules:
            for k in r.keywords:
                self.by_keyword.setdefault(k, []).append(r)
        self._compatible: dict[tuple[str, str], bool] = {}
        self._takes: dict[str | None, bool] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def unit_fits(self, rule: Rule, unit: str | None) -> bool:
        """Can a quantity in `unit` report this rule's metric (same unit or dimension)?"""
        if unit is None:
            return False
        key = (rule.unit, unit)
        ok = self._compatible.get(key)
        if ok is None:
            ok = unit == rule.unit or self.units.convertible(unit, rule.unit)
            self._compatible[key] = ok
        return ok

    def takes_unit(self, unit: str | None) -> bool:
        """Does any rule take quantities in `unit`? (cached; most quantities are not metrics)"""
        ok = self._takes.get(unit)
        if ok is None:
            ok = any(self.unit_fits(r, unit) for r in self.rules)
            self._takes[unit] = ok
        return ok

    def subset(self, rule: Rule) -> "RuleSet":
        return RuleSet([rule], {rule.metric: self.metrics[rule.metric]}, self.units, self.sources)


def _rule_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir()
                      if p.suffix in (".yaml", ".yml") and p.name not in ("units.yaml", "units.yml"))
    return [path]


def _parse_file(path: Path, units: Units, problems: list[Problem]):
    """(metrics, raw rule entries) of one file; problems appended."""
    name = str(path)
    data, errs = load_yaml(path)
    problems.extend(errs)
    if errs:
        return {}, []
    if data is None:
        return {}, []
    if not isinstance(data, LineDict):
        problems.append(Problem(name, 1, "a rule file is a mapping with `metrics:` and/or `rules:`"))
        return {}, []
    for key in data:
        if key not in FILE_FIELDS:
            problems.append(Problem(name, data.line_of(key), f"unknown top-level field {key!r} (allowed: metrics, rules)"))
    metrics: dict[str, Metric] = {}
    raw_metrics = data.get("metrics") or {}
    if not isinstance(raw_metrics, LineDict):
        problems.append(Problem(name, data.line_of("metrics"), "`metrics:` must map metric names to {unit: …}"))
        raw_metrics = {}
    for mname, spec in raw_metrics.items():
        line = raw_metrics.line_of(mname)
        spec = spec if isinstance(spec, LineDict) else LineDict()
        for key in spec:
            if key not in METRIC_FIELDS:
                problems.append(Problem(name, spec.line_of(key), f"metric {mname}: unknown field {key!r} (allowed: unit, description)"))
        unit = spec.get("unit")
        if unit is not None and unit not in units.units:
            problems.append(Problem(name, spec.line_of("unit") if spec else line, f"metric {mname}: unknown unit {unit!r} (not in {units.path})"))
            unit = None
        metrics[str(mname)] = Metric(str(mname), unit, str(spec.get("description", "")), name, line)
    rules = data.get("rules") or []
    if not isinstance(rules, list):
        problems.append(Problem(name, data.line_of("rules"), "`rules:` must be a list of rules"))
        rules = []
    return metrics, rules


def _compile_pattern(src, rule_id: str, keywords, file: str, line: int, index: int, problems) -> object | None:
    where = f"pattern {index}"
    if not isinstance(src, str) or not src:
        problems.append(Problem(file, line, f"{where} must be a non-empty string", rule_id))
        return None
    n = src.count("{Q}")
    if n != 1:
        what = "has no {Q}: mark where the quantity stands with {Q}" if n == 0 else "has more than one {Q}"
        problems.append(Problem(file, line, f"{where} {what}", rule_id))
        return None
    # compile once with same-length stand-ins, so an error position is a position in `src`
    try:
        regex.compile(src.replace("{Q}", "QQQ").replace("{N}", "NNN").replace("{K}", "KKK"))
    except regex.error as exc:
        pos = getattr(exc, "pos", None)
        at = f" at position {pos}: {src[:pos]}⟨here⟩{src[pos:]}" if pos is not None else ""
        problems.append(Problem(file, line, f"{where} does not compile: {exc.msg if hasattr(exc, 'msg') else exc}{at}", rule_id))
        return None
    body = src
    for ph, rx in PLACEHOLDERS.items():
        body = body.replace(ph, rx)
    body = body.replace("{K}", "(?:" + "|".join(regex.escape(k) for k in sorted(keywords, key=len, reverse=True)) + ")")
    return regex.compile(body)


def _str_list(value) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return value
    return None


def _parse_rule(entry, file: str, metrics: dict[str, Metric], units: Units, problems: list[Problem], order: int) -> Rule | None:
    if not isinstance(entry, LineDict):
        problems.append(Problem(file, 0, f"a rule must be a mapping, got {entry!r}"))
        return None
    line = entry.line
    rid = entry.get("id")
    label = str(rid) if rid else f"(rule at line {line})"
    before = len(problems)
    for key in entry:
        if key not in RULE_FIELDS:
            problems.append(Problem(file, entry.line_of(key), f"unknown field {key!r} (allowed: {', '.join(sorted(RULE_FIELDS))})", label))
    for key in ("id", "metric", "keywords"):
        if key not in entry:
            problems.append(Problem(file, line, f"missing field {key!r}", label))
    if not isinstance(rid, str) and "id" in entry:
        problems.append(Problem(file, entry.line_of("id"), "id must be a string", label))
    metric = entry.get("metric")
    if "metric" in entry and metric not in metrics:
        problems.append(Problem(file, entry.line_of("metric"), f"unknown metric {metric!r} (declare it under `metrics:`)", label))
    unit = entry.get("unit") or (metrics[metric].unit if metric in metrics else None)
    if "unit" in entry and entry["unit"] not in units.units:
        problems.append(Problem(file, entry.line_of("unit"), f"unknown unit {entry['unit']!r} (not in {units.path})", label))
    elif unit is None and metric in metrics:
        problems.append(Problem(file, line, f"no unit: give the rule or its metric {metric!r} a `unit`", label))
    keywords = _str_list(entry.get("keywords")) if "keywords" in entry else []
    if keywords is None or ("keywords" in entry and not keywords):
        problems.append(Problem(file, entry.line_of("keywords"), "keywords must be a non-empty list of words", label))
        keywords = []
    exclude = _str_list(entry.get("exclude", []))
    if exclude is None:
        problems.append(Problem(file, entry.line_of("exclude"), "exclude must be a list of words", label))
        exclude = []
    ints = {}
    for key, default in (("before", DEFAULT_BEFORE), ("after", DEFAULT_AFTER), ("priority", 0)):
        v = entry.get(key, default)
        if not isinstance(v, int) or isinstance(v, bool) or (key != "priority" and not 0 <= v <= 200):
            problems.append(Problem(file, entry.line_of(key), f"{key} must be a whole number{' from 0 to 200' if key != 'priority' else ''}, got {v!r}", label))
            v = default
        ints[key] = v
    sources = entry.get("patterns", [])
    sources = [sources] if isinstance(sources, str) else sources
    compiled = []
    if not isinstance(sources, list):
        problems.append(Problem(file, entry.line_of("patterns"), "patterns must be a list of regexes", label))
        sources = []
    for i, src in enumerate(sources, 1):
        c = _compile_pattern(src, label, keywords, file, entry.line_of("patterns"), i, problems)
        compiled.append(c)
    examples = _parse_examples(entry, file, label, problems)
    if len(problems) > before:
        return None
    return Rule(id=rid, metric=metric, unit=unit, keywords=tuple(keywords), patterns=compiled,
                pattern_sources=list(sources), before=ints["before"], after=ints["after"],
                exclude=tuple(exclude), priority=ints["priority"], description=str(entry.get("description", "")),
                examples=examples, file=file, line=line, order=order)


def _parse_examples(entry: LineDict, file: str, label: str, problems: list[Problem]) -> list[Example]:
    out: list[Example] = []
    raw = entry.get("examples", []) or []
    if not isinstance(raw, list):
        problems.append(Problem(file, entry.line_of("examples"), "examples must be a list of {text, value}", label))
        raw = []
    for ex in raw:
        if not isinstance(ex, LineDict) or "text" not in ex or not isinstance(ex.get("text"), str):
            problems.append(Problem(file, getattr(ex, "line", entry.line_of("examples")), "an example needs `text` (and the `value` it must give)", label))
            continue
        for key in ex:
            if key not in EXAMPLE_FIELDS:
                problems.append(Problem(file, ex.line_of(key), f"example: unknown field {key!r} (allowed: {', '.join(sorted(EXAMPLE_FIELDS))})", label))
        if "value" not in ex and "min" not in ex and "max" not in ex:
            problems.append(Problem(file, ex.line, "an example needs the `value` it must give", label))
            continue
        out.append(Example(ex["text"], ex.line, {k: ex[k] for k in ("value", "unit", "qualifier", "min", "max") if k in ex}))
    raw = entry.get("counterexamples", []) or []
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        problems.append(Problem(file, entry.line_of("counterexamples"), "counterexamples must be a list of texts", label))
        raw = []
    line = entry.line_of("counterexamples")
    for i, text in enumerate(raw):
        out.append(Example(text, line + 1 + i, None))
    return out


def load_rules(paths=None, *, default: bool = True, units: Units | None = None) -> RuleSet:
    """Load the default rule pack and/or rule files and directories; a later rule with the
    same id replaces an earlier one. Raises DataFileError listing every problem."""
    ruleset, problems = _load(paths, default=default, units=units)
    if problems:
        raise DataFileError(problems)
    return ruleset


def _load(paths, *, default: bool, units: Units | None) -> tuple[RuleSet | None, list[Problem]]:
    units = units or load_units()
    problems: list[Problem] = []
    groups: list[list[Path]] = []
    if default:
        groups.append(_rule_files(default_rules_dir()))
    for p in paths or []:
        p = Path(p)
        if not p.exists():
            problems.append(Problem(str(p), 0, "no such rule file or directory"))
            continue
        groups.append(_rule_files(p))
    parsed = []
    metrics: dict[str, Metric] = {}
    loaded: set[Path] = set()
    for group in groups:
        for f in group:
            if f.resolve() in loaded:  # a default file named again: load it once
                continue
            loaded.add(f.resolve())
            m, raw = _parse_file(f, units, problems)
            for name, metric in m.items():
                metrics[name] = metric
            parsed.append((f, raw))
    rules: dict[str, Rule] = {}
    seen_in_group: dict[str, str] = {}
    order = 0
    default_files = {str(f) for f in groups[0]} if default and groups else set()
    for f, raw in parsed:
        for entry in raw:
            order += 1
            rule = _parse_rule(entry, str(f), metrics, units, problems, order)
            if rule is None:
                continue
            prev = rules.get(rule.id)
            if prev is not None and not (prev.file in default_files and rule.file not in default_files):
                problems.append(Problem(rule.file, rule.line, f"duplicate id (first defined at {prev.file}:{prev.line})", rule.id))
                continue
            rules[rule.id] = rule
            seen_in_group[rule.id] = rule.file
    sources = [str(f) for f, _ in parsed]
    return RuleSet(list(rules.values()), metrics, units, sources), problems


def check_rules(paths=None, *, default: bool = True, units: Units | None = None) -> list[Problem]:
    """Every problem in the rule files, example failures included (`gazette rules check`)."""
    ruleset, problems = _load(paths, default=default, units=units)
    if ruleset is None:
        return problems
    explicit = {str(f) for p in (paths or []) for f in _rule_files(Path(p))} if paths else None
    for rule in ruleset.rules:
        if explicit is not None and rule.file not in explicit:
            continue
        problems.extend(run_examples(ruleset, rule))
    return problems


def run_examples(ruleset: RuleSet, rule: Rule) -> list[Problem]:
    """Run a rule's examples against the rule alone; one Problem per failing example."""
    from .extraction import extract_text  # late import: extraction uses this module

    sub = ruleset.subset(rule)
    out: list[Problem] = []
    for ex in rule.examples:
        records = [r for r in extract_text(ex.text, ruleset=sub, reflow=False) if r.get("rule") == rule.id]
        if ex.expect is None:
            if records:
                got = ", ".join(_describe(r) for r in records)
                out.append(Problem(rule.file, ex.line, f"counterexample {ex.text!r} must not match, got {got}", rule.id))
            continue
        if not any(_agrees(r, ex.expect) for r in records):
            want = _describe(ex.expect)
            got = ", ".join(_describe(r) for r in records) or "no match"
            out.append(Problem(rule.file, ex.line, f"example {ex.text!r}: expected {want}, got {got}", rule.id))
    return out


def _agrees(record: dict, expect: dict) -> bool:
    for key, want in expect.items():
        got = record.get(key)
        if key in ("value", "min", "max"):
            if want is None or got is None:
                if want is not got and not (want is None and got is None):
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


def _describe(d: dict) -> str:
    parts = []
    if d.get("value") is not None:
        parts.append(f"{d['value']:g}" if isinstance(d["value"], float) else str(d["value"]))
    elif d.get("min") is not None or d.get("max") is not None:
        parts.append(f"{d.get('min')}–{d.get('max')}")
    if d.get("unit"):
        parts.append(str(d["unit"]))
    if d.get("qualifier"):
        parts.append(f"({d['qualifier']})")
    return " ".join(parts) or "nothing"
