"""Extraction: an issue's text → records of quantities and policy metrics.

The stages, each in its own module: ``reading`` (bytes → text), ``reflow`` (undo hard
wraps, keep the offset map), ``quantities`` (one scan for every number with its unit),
``rules`` (which metric a quantity reports). This module runs them in order and builds the
records every exporter writes; each record says where it came from: file, line, column,
sentence and rule.
"""
from __future__ import annotations

import re
import warnings as _warnings
from bisect import bisect_left
from dataclasses import dataclass, field
from fractions import Fraction

from .numerals import from_fraction, to_json_number
from .quantities import Quantity, scanner_for
from .reading import read_issue
from .reflow import Flow, identity, reflow as do_reflow
from .rules import PATTERN_TIMEOUT, SENTINEL, Rule, RuleSet, load_rules
from .units import Units, load_units

_SENTENCE_END = re.compile(r"[。；;！？!?\n]")


class RuleTimeoutWarning(UserWarning):
    """A rule's pattern hit its time limit on a sentence and was skipped there."""


@dataclass
class Claim:
    rule: Rule
    distance: int

    def key(self):
        return (-self.rule.priority, self.distance, self.rule.order)


@dataclass
class Result:
    """What one issue gave: its records and the warnings met on the way."""

    path: str
    records: list[dict]
    warnings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"


def _num(v):
    return None if v is None else to_json_number(v)


def _flow(text: str, reflow: bool) -> Flow:
    return do_reflow(text) if reflow else identity(text)


@dataclass
class _Doc:
    """One text on its way to records: its path, reflow map and sentence index."""

    path: str
    flow: Flow

    def __post_init__(self):
        self.sentences = _Sentences(self.flow.text)


def _record(doc: _Doc, q: Quantity) -> dict:
    line, col = doc.flow.line_col(q.start)
    text = doc.flow.text
    lo, hi = doc.sentences.bounds(q.text_start, q.end)
    return {"file": doc.path, "line": line, "column": col, "value": _num(q.value), "unit": q.unit,
            "qualifier": q.qualifier, "min": _num(q.min), "max": _num(q.max),
            "text": text[q.text_start:q.end], "context": text[lo:hi].strip()}


def scan_quantities(text: str, *, units: Units | None = None, all_numbers: bool = False,
                    reflow: bool = True) -> tuple[Flow, list[Quantity]]:
    """Reflow (or not) and scan: the flow with its offset map and the quantities in it."""
    flow = _flow(text, reflow)
    return flow, scanner_for(units or load_units()).scan(flow.text, all_numbers=all_numbers)


def quantities_text(text: str, *, path: str = "<text>", units: Units | None = None,
                    all_numbers: bool = False, reflow: bool = True, warn=None) -> list[dict]:
    """Every quantity of a text as records (`gazette quantities`)."""
    flow, qs = scan_quantities(text, units=units, all_numbers=all_numbers, reflow=reflow)
    doc = _Doc(path, flow)
    return [_record(doc, q) for q in qs]


class _Sentences:
    """Sentence ends of one text, found once; bounds looked up by bisection."""

    def __init__(self, text: str):
        self.text = text
        self.ends = [m.start() for m in _SENTENCE_END.finditer(text)]

    def bounds(self, start: int, end: int, limit: int = 300) -> tuple[int, int]:
        """The sentence around text[start:end]: after the previous 。；！？ or line break, up
        to and including the next sentence end; at most `limit` characters each way."""
        ends = self.ends
        k = bisect_left(ends, start)
        lo = ends[k - 1] + 1 if k else 0
        lo = max(lo, start - limit, 0)
        k = bisect_left(ends, end)
        n = len(self.text)
        if k < len(ends) and ends[k] < end + limit:
            hi = ends[k]
            if self.text[hi] != "\n":
                hi += 1
        else:
            hi = min(n, end + limit)
        return lo, hi


def attribute(text: str, qs: list[Quantity], ruleset: RuleSet, warn=None, locate=None,
              sentences: "_Sentences | None" = None) -> list[list[Claim]]:
    """For each quantity, every rule that claims it (best first).

    Rules are tried only on sentences that hold a quantity in a unit some rule takes, and
    only the rules whose keywords occur there: the cost follows the quantities found, not
    the number of rules times the length of the text."""
    claims: list[list[Claim]] = [[] for _ in qs]
    if not ruleset.by_keyword or not qs:
        return claims
    sentences = sentences or _Sentences(text)
    timed_out: set[str] = set()
    i, n = 0, len(qs)
    while i < n:
        if not ruleset.takes_unit(qs[i].unit):
            i += 1
            continue
        lo, hi = sentences.bounds(qs[i].text_start, qs[i].end)
        j = i + 1
        while j < n and qs[j].start < hi:
            j += 1
        group = range(i, j)
        i = j
        hits = ruleset.keyword_hits(text, lo, hi)
        if not hits:
            continue
        candidates: dict[str, Rule] = {}
        for _, _, word in hits:
            for r in ruleset.by_keyword.get(word, ()):
                candidates.setdefault(r.id, r)
        masked: dict[str, tuple] = {}
        for rule in sorted(candidates.values(), key=lambda r: r.order):
            if rule.id in timed_out:  # a runaway pattern is skipped for the rest of the text
                continue
            fits = [k for k in group if ruleset.unit_fits(rule, qs[k].unit)]
            if not fits:
                continue
            if rule.patterns:
                if rule.unit not in masked:
                    masked[rule.unit] = _mask(text, lo, hi, qs, fits)
                if not _pattern_claims(rule, *masked[rule.unit], fits, claims):
                    timed_out.add(rule.id)
                    at = f"line {locate(lo)[0]}" if locate else f"offset {lo}"
                    _warn(warn, f"rule {rule.id} ({rule.file}:{rule.line}): pattern took over {PATTERN_TIMEOUT}s "
                                f"on the sentence at {at}; rule skipped for the rest of the text")
            else:
                mine = [h for h in hits if h[2] in rule.keywords
                        and not (rule.not_after and text.endswith(rule.not_after, max(0, h[0] - 4), h[0]))]
                for k in fits:
                    d = _proximity(text, qs[k], rule, mine)
                    if d is not None:
                        _add(claims[k], rule, d)
    for c in claims:
        c.sort(key=Claim.key)
    return claims


def _pattern_claims(rule: Rule, sentence: str, where: dict[int, int], fits: list[int],
                    claims: list[list[Claim]]) -> bool:
    """Run a rule's patterns on a masked sentence and record what {Q} lands on; False when a
    pattern hits the time limit (the rest of its patterns are not run)."""
    for pattern in rule.patterns:
        try:
            for m in pattern.finditer(sentence, overlapped=True, timeout=PATTERN_TIMEOUT):
                k = where.get(m.start("Q"))
                if k is not None and k in fits:
                    _add(claims[k], rule, len(m.group()) - 1)
        except TimeoutError:
            return False
    return True


def _warn(warn, msg: str) -> None:
    if warn:
        warn(msg)
    else:
        _warnings.warn(msg, RuleTimeoutWarning, stacklevel=3)


def _add(claims: list[Claim], rule: Rule, distance: int) -> None:
    for c in claims:
        if c.rule is rule:
            c.distance = min(c.distance, distance)
            return
    claims.append(Claim(rule, distance))


def _mask(text: str, lo: int, hi: int, qs: list[Quantity], group) -> tuple[str, dict[int, int]]:
    """The sentence with each quantity of `group` (those in the rule's unit) replaced by
    SENTINEL; masked offset → quantity index. Other quantities stay as written."""
    parts, where, pos, cur = [], {}, lo, 0
    for k in group:
        q = qs[k]
        if q.text_start < pos:
            continue
        parts.append(text[pos:q.text_start])
        cur += q.text_start - pos
        where[cur] = k
        parts.append(SENTINEL)
        cur += 1
        pos = q.end
    parts.append(text[pos:hi])
    return "".join(parts), where


_CLAUSE_CHARS = "，,。；;！？!?：:\n、"
_BLOCKERS: dict[tuple[str, ...], "re.Pattern"] = {}


def _blocker(exclude: tuple[str, ...]) -> "re.Pattern":
    """One pattern for what may not stand between keyword and quantity: a clause break or
    one of the rule's excluded words."""
    p = _BLOCKERS.get(exclude)
    if p is None:
        alts = [f"[{re.escape(_CLAUSE_CHARS)}]"] + [re.escape(x) for x in sorted(exclude, key=len, reverse=True)]
        p = _BLOCKERS[exclude] = re.compile("|".join(alts))
    return p


def _proximity(text: str, q: Quantity, rule: Rule, hits) -> int | None:
    """Characters between the quantity and the nearest keyword of `rule` within its reach
    (before or after, same clause, no excluded word between), or None."""
    best = None
    blocked = _blocker(rule.exclude).search
    for start, end, _ in hits:
        if end <= q.text_start:
            lo, hi = end, q.text_start
            if hi - lo > rule.before:
                continue
        elif start >= q.end:
            lo, hi = q.end, start
            if hi - lo > rule.after:
                continue
        else:
            continue
        if (best is None or hi - lo < best) and not blocked(text, lo, hi):
            best = hi - lo
    return best


def _metric_record(doc: _Doc, q: Quantity, claim: Claim, ruleset: RuleSet) -> dict:
    rec = _record(doc, q)
    rule = claim.rule
    out = {"file": rec["file"], "line": rec["line"], "column": rec["column"], "metric": rule.metric}
    out.update({k: rec[k] for k in ("value", "unit", "qualifier", "min", "max", "text", "context")})
    out["rule"] = rule.id
    target = ruleset.metrics[rule.metric].unit
    if target and q.unit != target and ruleset.units.convertible(q.unit, target):
        def conv(v):
            if v is None:
                return None
            f = ruleset.units.convert(Fraction(v), q.unit, target)
            return _num(from_fraction(f))

        out["written_value"], out["written_unit"] = out["value"], q.unit
        out["value"], out["min"], out["max"] = conv(q.value), conv(q.min), conv(q.max)
        out["unit"] = target
    return out


def _attributed(text: str, path: str, ruleset: RuleSet | None, reflow: bool, warn):
    ruleset = ruleset if ruleset is not None else load_rules()
    flow, qs = scan_quantities(text, units=ruleset.units, reflow=reflow)
    doc = _Doc(path, flow)
    claims = attribute(flow.text, qs, ruleset, warn, locate=flow.line_col, sentences=doc.sentences)
    return ruleset, doc, qs, claims


def extract_text(text: str, *, path: str = "<text>", ruleset: RuleSet | None = None,
                 reflow: bool = True, warn=None) -> list[dict]:
    """The metric records of a text, one per quantity a rule claims."""
    ruleset, doc, qs, claims = _attributed(text, path, ruleset, reflow, warn)
    return [_metric_record(doc, q, c[0], ruleset) for q, c in zip(qs, claims) if c]


def explain_text(text: str, *, path: str = "<text>", ruleset: RuleSet | None = None,
                 reflow: bool = True, warn=None) -> list[dict]:
    """Every quantity with the rule that claimed it and the other rules that matched."""
    ruleset, doc, qs, claims = _attributed(text, path, ruleset, reflow, warn)
    out = []
    for q, c in zip(qs, claims):
        rec = _record(doc, q)
        rec["metric"] = c[0].rule.metric if c else None
        rec["rule"] = c[0].rule.id if c else None
        rec["also_matched"] = [x.rule.id for x in c[1:]]
        out.append(rec)
    return out


def _run_file(path, fn, **kw) -> Result:
    issue = read_issue(path)
    warnings = list(issue.warnings)
    records = fn(issue.text, path=str(path), warn=warnings.append, **kw)
    return Result(str(path), records, warnings, issue.encoding)


def extract(path, *, ruleset: RuleSet | None = None, reflow: bool = True) -> Result:
    """Read one issue file and extract its metric records. Raises InputError."""
    return _run_file(path, extract_text, ruleset=ruleset if ruleset is not None else load_rules(), reflow=reflow)


def quantities(path, *, units: Units | None = None, all_numbers: bool = False, reflow: bool = True) -> Result:
    """Read one issue file and list every quantity in it. Raises InputError."""
    return _run_file(path, quantities_text, units=units, all_numbers=all_numbers, reflow=reflow)


def explain(path, *, ruleset: RuleSet | None = None, reflow: bool = True) -> Result:
    """Read one issue file: every quantity with the rules that claim it."""
    return _run_file(path, explain_text, ruleset=ruleset if ruleset is not None else load_rules(), reflow=reflow)
