"""Extraction: an issue's text → records of quantities and policy metrics.

The stages, each in its own module: ``inputs`` (bytes → text), ``reflow`` (undo hard
wraps, keep the offset map), ``quantities`` (one scan for every number with its unit),
``attribution`` (which rule, so which metric, claims each quantity; the rules come from
``rules``). This module runs them in order and builds the
records every exporter writes; each record says where it came from: file, line, column,
sentence and rule.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from .attribution import Claim, RuleTimeoutWarning, Sentences, attribute, why_not
from .folding import fold
from .numerals import from_fraction, to_json_number
from .quantities import Quantity, scanner_for
from .inputs import read_issue
from .records import Explained, MetricRecord, QuantityRecord
from .reflow import Flow, identity, reflow as do_reflow
from .rules import RuleSet, load_rules
from .tables import add_table_units, unit_reader
from .units import Units, load_units

__all__ = ["Claim", "Result", "RuleTimeoutWarning", "explain", "explain_text", "extract", "extract_text",
           "quantities", "quantities_text", "scan_quantities"]


@dataclass
class Result:
    """What one issue gave: its records and the warnings met on the way."""

    path: str
    records: list[QuantityRecord]     # MetricRecord for extract, Explained for explain
    warnings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"


def _num(v):
    return None if v is None else to_json_number(v)


def _flow(text: str, reflow: bool) -> Flow:
    return do_reflow(text) if reflow else identity(text)


@dataclass
class _Doc:
    """One text on its way to records: its path, reflow map, the text the scan and the
    rules read (traditional characters folded, offsets unchanged) and its sentence index."""

    path: str
    flow: Flow
    scan_text: str = ""

    def __post_init__(self):
        self.scan_text = self.scan_text or self.flow.text
        self.sentences = Sentences(self.scan_text)


def _placed(doc: _Doc, q: Quantity) -> dict:
    """Where a quantity stands and how it reads: the fields every record has."""
    line, col = doc.flow.line_col(q.start)
    text = doc.flow.text
    lo, hi = doc.sentences.bounds(q.text_start, q.end)
    return {"file": doc.path, "line": line, "column": col, "value": _num(q.value), "unit": q.unit,
            "qualifier": q.qualifier, "min": _num(q.min), "max": _num(q.max),
            "text": text[q.text_start:q.end], "context": text[lo:hi].strip()}


def _record(doc: _Doc, q: Quantity) -> QuantityRecord:
    return QuantityRecord(**_placed(doc, q))


def _scan(text: str, path: str, units: Units | None, all_numbers: bool, reflow: bool,
          warn=None) -> tuple[_Doc, list[Quantity]]:
    flow = _flow(text, reflow)
    doc = _Doc(path, flow, fold(flow.text))

    def refused(offset: int, message: str) -> None:   # a number beyond the limits, placed in the file
        line, col = flow.line_col(offset)
        warn(f"{path}: line {line}, column {col}: {message}")

    scanner = scanner_for(units or load_units())
    qs = scanner.scan(doc.scan_text, all_numbers=all_numbers, warn=refused if warn else None)
    qs = add_table_units(doc.scan_text, qs, unit_reader(scanner))
    return doc, qs


def scan_quantities(text: str, *, units: Units | None = None, all_numbers: bool = False,
                    reflow: bool = True) -> tuple[Flow, list[Quantity]]:
    """Reflow (or not) and scan: the flow with its offset map and the quantities in it
    (traditional characters are read as simplified; offsets are those of the flow)."""
    doc, qs = _scan(text, "<text>", units, all_numbers, reflow)
    return doc.flow, qs


def quantities_text(text: str, *, path: str = "<text>", units: Units | None = None,
                    all_numbers: bool = False, reflow: bool = True, warn=None) -> list[QuantityRecord]:
    """Every quantity of a text as records (`gazette quantities`)."""
    doc, qs = _scan(text, path, units, all_numbers, reflow, warn)
    return [_record(doc, q) for q in qs]


def _metric_record(doc: _Doc, q: Quantity, claim: Claim, ruleset: RuleSet) -> MetricRecord:
    fields = _placed(doc, q)
    rule = claim.rule
    target = ruleset.metrics[rule.metric].unit
    if target and q.unit != target and ruleset.units.convertible(q.unit, target):
        def conv(v):
            if v is None:
                return None
            f = ruleset.units.convert(Fraction(v), q.unit, target)
            return _num(from_fraction(f))

        fields["written_value"], fields["written_unit"] = fields["value"], q.unit
        fields["value"], fields["min"], fields["max"] = conv(q.value), conv(q.min), conv(q.max)
        fields["unit"] = target
    return MetricRecord(**fields, metric=rule.metric, rule=rule.id)


def _attributed(text: str, path: str, ruleset: RuleSet | None, reflow: bool, warn):
    ruleset = ruleset if ruleset is not None else load_rules()
    doc, qs = _scan(text, path, ruleset.units, False, reflow, warn)
    claims = attribute(doc.scan_text, qs, ruleset, warn, locate=doc.flow.line_col, sentences=doc.sentences)
    return ruleset, doc, qs, claims


def extract_text(text: str, *, path: str = "<text>", ruleset: RuleSet | None = None,
                 reflow: bool = True, warn=None) -> list[MetricRecord]:
    """The metric records of a text, one per quantity a rule claims."""
    ruleset, doc, qs, claims = _attributed(text, path, ruleset, reflow, warn)
    return [_metric_record(doc, q, c[0], ruleset) for q, c in zip(qs, claims) if c]


def explain_text(text: str, *, path: str = "<text>", ruleset: RuleSet | None = None,
                 reflow: bool = True, warn=None) -> list[Explained]:
    """Every quantity with the rule that claimed it and the other rules that matched."""
    ruleset, doc, qs, claims = _attributed(text, path, ruleset, reflow, warn)
    out = []
    for q, c in zip(qs, claims):
        out.append(Explained(
            **_placed(doc, q), metric=c[0].rule.metric if c else None, rule=c[0].rule.id if c else None,
            reason=c[0].reason() if c else None, also_matched=[x.rule.id for x in c[1:]],
            why_not=[] if c or not ruleset.takes_unit(q.unit) else why_not(doc.scan_text, q, ruleset, doc.sentences, qs)))
    return out


def place(records: list[QuantityRecord], issue) -> list[QuantityRecord]:
    """Records placed as the file places them: `page` (PDF: the line then counts within the
    page), `issue_date` and `source` when the file tells them. The library's `extract` and
    the command line's batches both place records here."""
    date = issue.meta.get("date") or None
    source = issue.meta.get("title") or None
    if not (issue.page_starts or date or source):
        return records
    out = []
    for rec in records:
        page = line = None
        if issue.page_starts:
            page, line = issue.page_line(rec.line)
        out.append(rec.placed(page=page, line=line, issue_date=date, source=source))
    return out


def _run_file(path, fn, **kw) -> Result:
    issue = read_issue(path)
    warnings = list(issue.warnings)
    records = fn(issue.text, path=str(path), warn=warnings.append, **kw)
    return Result(str(path), place(records, issue), warnings, issue.encoding)


def extract(path, *, ruleset: RuleSet | None = None, reflow: bool = True) -> Result:
    """Read one issue file and extract its metric records. Raises InputError."""
    return _run_file(path, extract_text, ruleset=ruleset if ruleset is not None else load_rules(), reflow=reflow)


def quantities(path, *, units: Units | None = None, all_numbers: bool = False, reflow: bool = True) -> Result:
    """Read one issue file and list every quantity in it. Raises InputError."""
    return _run_file(path, quantities_text, units=units, all_numbers=all_numbers, reflow=reflow)


def explain(path, *, ruleset: RuleSet | None = None, reflow: bool = True) -> Result:
    """Read one issue file: every quantity with the rules that claim it."""
    return _run_file(path, explain_text, ruleset=ruleset if ruleset is not None else load_rules(), reflow=reflow)
