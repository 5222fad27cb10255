"""Export: records → table, CSV, TSV, JSON, JSONL, Markdown, Excel or Parquet.

Every format is rendered to bytes first, then handed to :mod:`gazette_cli.output`, which
writes files whole or not at all (a temporary file renamed over the target) and writes
through devices, pipes and symlinks. A name ending in ``.gz`` is gzip-compressed.

Cells are the same in every format: a list is the text CSV shows (``a, b``), an integer is
exact. Excel stores numbers as float64, so an integer beyond 2**53 goes into an xlsx cell
as text; Parquet keeps integers as int64, and a column that must be float64 (a fraction
in it, or an integer beyond int64) gets a ``<column>_text`` companion with the exact text
whenever float64 would change one of its values.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import math
import re

from .errors import GazetteError
from .output import write_bytes
from .records import MetricRecord, QuantityRecord, base_columns

TEXT_FORMATS = ("table", "csv", "tsv", "json", "jsonl", "markdown")
BINARY_FORMATS = ("parquet", "xlsx")
FORMATS = TEXT_FORMATS + BINARY_FORMATS
METRIC_COLUMNS = base_columns(MetricRecord)
QUANTITY_COLUMNS = base_columns(QuantityRecord)
_SUFFIX_FORMAT = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
                  ".md": "markdown", ".parquet": "parquet", ".xlsx": "xlsx"}
SUFFIXES = tuple(_SUFFIX_FORMAT) + tuple(f"{s}.gz" for s in _SUFFIX_FORMAT if s not in (".parquet", ".xlsx"))


def _suffix(output: str) -> tuple[str, bool]:
    """(the format suffix, lowercased, and whether `.gz` follows it) of an output name."""
    name = output.replace("\\", "/").rsplit("/", 1)[-1].lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    dot = name.rfind(".")
    return (name[dot:] if dot > 0 else ""), gz


def format_for(output: str | None, fmt: str | None) -> str:
    """The format asked for, else the one the output file's suffix names, else a table.
    A name without any suffix (``/dev/null``, ``results``) is CSV; an unknown suffix is a
    usage error (ValueError) that lists the known ones."""
    if fmt:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
        return fmt
    if output:
        suffix, gz = _suffix(str(output))
        if suffix in _SUFFIX_FORMAT:
            return _SUFFIX_FORMAT[suffix]
        if not suffix and not gz:
            return "csv"
        what = f"unknown suffix {suffix!r}" if suffix else "no format suffix before '.gz'"
        raise ValueError(f"{output}: {what}: name the file with one of {', '.join(SUFFIXES)}, "
                         "or give --format")
    return "table"


def columns_for(records: list[dict], base: list[str]) -> list[str]:
    """The base columns, always, in order (a stable schema), then any extra keys; a PDF's
    `page`, when a record has one, right after `file`."""
    extra = [k for r in records for k in r if k not in base]
    cols = list(base)
    seen = set(cols)
    for k in extra:
        if k not in seen:
            cols.append(k)
            seen.add(k)
    if "page" in seen and "file" in cols and any("page" in r for r in records):
        cols.remove("page")
        cols.insert(cols.index("file") + 1, "page")
    return cols


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    return str(v)


def render_text(records: list[dict], fmt: str, columns: list[str]) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps({c: r.get(c) for c in columns if c in r}, ensure_ascii=False) + "\n" for r in records)
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in columns if c in r} for r in records], ensure_ascii=False, indent=2) + "\n"
    if fmt in ("csv", "tsv"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
        w.writerow(columns)
        for r in records:
            w.writerow([_cell(r.get(c)) for c in columns])
        return buf.getvalue()
    if fmt == "markdown":
        esc = lambda s: _cell(s).replace("|", "\\|").replace("\n", " ")
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(esc(r.get(c)) for c in columns) + " |" for r in records]
        return "\n".join(lines) + "\n"
    raise ValueError(f"not a text format: {fmt}")


def render_bytes(records: list[dict], fmt: str, columns: list[str]) -> bytes:
    """The whole output in `fmt` (a table becomes CSV in a file), as bytes."""
    if fmt in TEXT_FORMATS:
        fmt = "csv" if fmt == "table" else fmt
        try:
            return render_text(records, fmt, columns).encode("utf-8")
        except UnicodeEncodeError:  # rare: render again from cleaned cells, so JSON stays valid
            return render_text(cleaned(records), fmt, columns).encode("utf-8")
    if fmt == "parquet":
        return _parquet(records, columns)
    if fmt == "xlsx":
        return _xlsx(records, columns)
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def write(records: list[dict], output: str, fmt: str, columns: list[str]) -> None:
    """Write records to `output`, whole or not at all; gzip when its name ends in `.gz`.
    Raises GazetteError (a target that cannot be one) or OSError."""
    data = render_bytes(records, fmt, columns)
    if _suffix(str(output))[1]:
        data = gzip.compress(data, mtime=0)  # mtime 0: the same records give the same bytes
    write_bytes(output, data)


def cleaned(records: list[dict]) -> list[dict]:
    """The records with every text `clean`: a file name with undecodable bytes (which Python
    keeps as lone surrogates) shows them as `\\xff` and never makes a write fail."""
    def fix(v):
        if isinstance(v, str):
            return clean(v)
        if isinstance(v, list):
            return [fix(x) for x in v]
        return v

    return [{k: fix(v) for k, v in r.items()} for r in records]


def clean(text: str) -> str:
    """`text` without lone surrogates: escaped bytes back as `\\xff`, any other as `\\udc..`."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    return (text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            .encode("utf-8", "backslashreplace").decode("utf-8"))


_INT64 = (-(2 ** 63), 2 ** 63 - 1)
_NUMERIC = {"line", "column", "value", "min", "max", "written_value"}


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def as_float(v) -> float | None:
    """A record value as float64 (None stays None); an integer beyond float64 is ±inf, and
    the exact text goes beside it (every typed output: parquet, the store, frames)."""
    if v is None:
        return None
    try:
        return float(v)
    except OverflowError:
        return math.inf if v > 0 else -math.inf


def _float_exact(v) -> bool:
    """float64 holds `v` unchanged."""
    if isinstance(v, float):
        return True
    try:
        return float(v) == v  # int == float compares exactly in Python
    except OverflowError:
        return False


def _text_cell(v) -> str | None:
    if v is None:
        return None
    return clean(_cell(v)) if isinstance(v, str) or not _is_number(v) else str(v)


def _parquet(records: list[dict], columns: list[str]) -> bytes:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise GazetteError("parquet output needs pyarrow: pip install 'gazette[parquet]'") from None
    names, arrays = [], []
    for c in columns:
        vals = [r.get(c) for r in records]
        present = [v for v in vals if v is not None]
        if all(_is_number(v) for v in present) and (present or c in _NUMERIC):
            if all(isinstance(v, int) and _INT64[0] <= v <= _INT64[1] for v in present):
                names.append(c)
                arrays.append(pa.array(vals, pa.int64()))
                continue
            names.append(c)
            arrays.append(pa.array([as_float(v) for v in vals], pa.float64()))
            if not all(_float_exact(v) for v in present):
                names.append(f"{c}_text")
                arrays.append(pa.array([_text_cell(v) for v in vals], pa.string()))
            continue
        names.append(c)
        arrays.append(pa.array([_text_cell(v) for v in vals], pa.string()))
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, names=names), buf)
    return buf.getvalue()


_XLSX_MAX_ROWS = 1_048_576
_XLSX_MAX_CHARS = 32_767
_XLSX_EXACT = 2 ** 53
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_cell(v):
    """A value as Excel holds it: numbers it can keep exactly as numbers, anything else as
    the text CSV shows. XML cannot carry control characters: they are written as `\\x01`."""
    if v is None:
        return None
    if isinstance(v, float) and math.isfinite(v) or _is_number(v) and isinstance(v, int) and abs(v) <= _XLSX_EXACT:
        return v
    text = _ILLEGAL_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", _text_cell(v))
    if len(text) > _XLSX_MAX_CHARS:  # Excel's limit per cell; more makes it "repair" the file
        text = text[:_XLSX_MAX_CHARS - 1] + "…"
    return text


def _xlsx(records: list[dict], columns: list[str]) -> bytes:
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
    except ImportError:
        raise GazetteError("xlsx output needs openpyxl: pip install 'gazette[xlsx]'") from None
    if len(records) + 1 > _XLSX_MAX_ROWS:
        raise GazetteError(f"{len(records)} records are more than a sheet holds "
                           f"({_XLSX_MAX_ROWS - 1}); write csv, jsonl or parquet instead")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("records")

    def row(values):
        out = []
        for v in values:
            cell = WriteOnlyCell(ws, value=v)
            if isinstance(v, str) and v.startswith("="):
                cell.data_type = "s"  # text, never a formula
            out.append(cell)
        return out

    ws.append(row([_xlsx_cell(c) for c in columns]))
    for r in records:
        ws.append(row([_xlsx_cell(r.get(c)) for c in columns]))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rich_table(records: list[dict], columns: list[str], title: str | None = None):
    """A rich Table of the records (the default output in a terminal)."""
    from rich.table import Table

    show = [c for c in columns if c not in ("file", "context", "min", "max", "written_value", "written_unit")
            or (c in ("min", "max") and any(r.get(c) is not None and r.get("value") is None for r in records))]
    files = {r.get("file") for r in records}
    if len(files) > 1:
        show.insert(0, "file")
    table = Table(title=title, show_lines=False)
    for c in show:
        table.add_column(c, justify="right" if c in ("line", "column", "value", "min", "max") else "left",
                         overflow="fold", no_wrap=c not in ("text", "also_matched"))
    for r in records:
        table.add_row(*[format_number(r.get(c)) if c in ("value", "min", "max") else _cell(r.get(c)) for c in show])
    return table


def format_number(v) -> str:
    """A number as a terminal table shows it: thousands separators, exact integers, a float
    of 10^15 or more in six significant digits."""
    if v is None:
        return ""
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.6g}" if abs(v) >= 1e15 else f"{v:,}"
