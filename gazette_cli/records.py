"""Records: what the library gives back for each quantity, typed; dicts only at the export edge.

A `QuantityRecord` is one quantity placed in its file (`gazette quantities`); a
`MetricRecord` is one a rule claimed (`gazette extract`); an `Explained` one is any quantity
with the rules that claimed it or why none did (`gazette explain`). Values are already the
JSON numbers the exports write (exact int, or float). `as_dict` is the one place a record
becomes the mapping every exporter, the store and the data frames read: its keys and their
order are the columns of the output.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

Number = int | float | None


@dataclass(slots=True)
class QuantityRecord:
    file: str
    line: int               # in the file; within the page when `page` is set (PDF)
    column: int
    value: Number           # None for a range (min and max)
    unit: str | None
    qualifier: str | None
    min: Number
    max: Number
    text: str               # as it reads in the text, line breaks undone
    context: str            # its sentence
    page: int | None = None
    issue_date: str | None = None
    source: str | None = None

    def _head(self) -> dict:
        out = {"file": self.file}
        if self.page is not None:
            out["page"] = self.page
        out["line"], out["column"] = self.line, self.column
        return out

    def _body(self) -> dict:
        return {"value": self.value, "unit": self.unit, "qualifier": self.qualifier, "min": self.min,
                "max": self.max, "text": self.text, "context": self.context}

    def _tail(self, out: dict) -> dict:
        if self.issue_date is not None:
            out["issue_date"] = self.issue_date
        if self.source is not None:
            out["source"] = self.source
        return out

    def as_dict(self) -> dict:
        return self._tail(self._head() | self._body())

    def placed(self, *, page: int | None = None, line: int | None = None, issue_date: str | None = None,
               source: str | None = None):
        """The same record with where the file places it: its page and the line within
        it (PDF), the issue's date and source."""
        return replace(self, page=page if page is not None else self.page, line=line if line is not None else self.line,
                       issue_date=issue_date or self.issue_date, source=source or self.source)


@dataclass(slots=True)
class MetricRecord(QuantityRecord):
    metric: str = ""
    rule: str = ""
    written_value: Number = None    # when the value was converted to the metric's unit: as written
    written_unit: str | None = None

    def as_dict(self) -> dict:
        out = self._head()
        out["metric"] = self.metric
        out |= self._body()
        out["rule"] = self.rule
        if self.written_unit is not None:
            out["written_value"], out["written_unit"] = self.written_value, self.written_unit
        return self._tail(out)


@dataclass(slots=True)
class Explained(QuantityRecord):
    metric: str | None = None
    rule: str | None = None
    reason: str | None = None           # how the rule claimed it: near 造林 (1), scope …, column …
    also_matched: list[str] = field(default_factory=list)
    why_not: list[str] = field(default_factory=list)   # unclaimed: one line per rule in its unit

    def as_dict(self) -> dict:
        out = self._head() | self._body()
        out |= {"metric": self.metric, "rule": self.rule, "reason": self.reason,
                "also_matched": self.also_matched, "why_not": self.why_not}
        return self._tail(out)


def as_dicts(records) -> list[dict]:
    """The export edge: records as the mappings the exporters write."""
    return [r.as_dict() for r in records]
