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
from typing import ClassVar

Number = int | float | None

#: where the file places a record, when it does (a PDF's page, the issue's date and source):
#: a record's mapping has these keys only when they are set
PLACE = ("page", "issue_date", "source")
#: the fields that hold a record's numbers
NUMBERS = ("value", "min", "max", "written_value")


def _mapping(record, columns: tuple[str, ...]) -> dict:
    """`columns` of `record` in order, less the placement a file did not give and, for a
    value not converted, the written value and unit."""
    out = {}
    for c in columns:
        v = getattr(record, c)
        if v is None and (c in PLACE or c == "written_unit"):
            continue
        if c == "written_value" and record.written_unit is None:
            continue
        out[c] = v
    return out


@dataclass(slots=True)
class QuantityRecord:
    #: the keys of `as_dict`, in order: the columns of the output
    COLUMNS: ClassVar[tuple[str, ...]] = ("file", "page", "line", "column", "value", "unit", "qualifier", "min", "max",
                                          "text", "context", "issue_date", "source")

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

    def as_dict(self) -> dict:
        return _mapping(self, self.COLUMNS)

    def placed(self, *, page: int | None = None, line: int | None = None, issue_date: str | None = None,
               source: str | None = None):
        """The same record with where the file places it: its page and the line within
        it (PDF), the issue's date and source."""
        return replace(self, page=page if page is not None else self.page, line=line if line is not None else self.line,
                       issue_date=issue_date or self.issue_date, source=source or self.source)


@dataclass(slots=True)
class MetricRecord(QuantityRecord):
    COLUMNS: ClassVar[tuple[str, ...]] = ("file", "page", "line", "column", "metric", "value", "unit", "qualifier", "min",
                                          "max", "text", "context", "rule", "written_value", "written_unit",
                                          "issue_date", "source")

    metric: str = ""
    rule: str = ""
    written_value: Number = None    # when the value was converted to the metric's unit: as written
    written_unit: str | None = None


@dataclass(slots=True)
class Explained(QuantityRecord):
    COLUMNS: ClassVar[tuple[str, ...]] = ("file", "page", "line", "column", "value", "unit", "qualifier", "min", "max",
                                          "text", "context", "metric", "rule", "reason", "also_matched", "why_not",
                                          "issue_date", "source")

    metric: str | None = None
    rule: str | None = None
    reason: str | None = None           # how the rule claimed it: near 造林 (1), scope …, column …
    also_matched: list[str] = field(default_factory=list)
    why_not: list[str] = field(default_factory=list)   # unclaimed: one line per rule in its unit


def base_columns(kind: type[QuantityRecord]) -> list[str]:
    """The columns every output of records of `kind` has, placed or not, in order (the
    placement a file gives is added where it is: export.columns_for)."""
    return [c for c in kind.COLUMNS if c not in PLACE]


#: a table of metric records (a data frame, the store): every field, placement too, with
#: `value_text`, the exact text of the value, beside the value
TABLE_COLUMNS = tuple(c for f in MetricRecord.COLUMNS for c in ((f, "value_text") if f == "value" else (f,)))


def as_dicts(records) -> list[dict]:
    """The export edge: records as the mappings the exporters write."""
    return [r.as_dict() for r in records]
