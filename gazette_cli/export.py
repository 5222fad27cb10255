"""Export: records → table, CSV, TSV, JSON, JSONL, Markdown, Excel or Parquet.

Files are written whole or not at all: into a temporary file beside the target, renamed
over it only when complete, so no output file is ever left half-written.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from .errors import GazetteError

TEXT_FORMATS = ("table", "csv", "tsv", "json", "jsonl", "markdown")
BINARY_FORMATS = ("parquet", "xlsx")
FORMATS = TEXT_FORMATS + BINARY_FORMATS
METRIC_COLUMNS = ["file", "line", "column", "metric", "value", "unit", "qualifier", "min", "max",
                  "text", "context", "rule", "written_value", "written_unit"]
QUANTITY_COLUMNS = ["file", "line", "column", "value", "unit", "qualifier", "min", "max", "text", "context"]
_SUFFIX_FORMAT = {".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
                  ".md": "markdown", ".parquet": "parquet", ".xlsx": "xlsx"}


def format_for(output: str | None, fmt: str | None) -> str:
    """The format asked for, else the one the output file's suffix names, else a table."""
    if fmt:
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
        return fmt
    if output:
        return _SUFFIX_FORMAT.get(Path(output).suffix.lower(), "csv")
    return "table"


def columns_for(records: list[dict], base: list[str]) -> list[str]:
    """The base columns, always, in order (a stable schema), then any extra keys."""
    extra = [k for r in records for k in r if k not in base]
    cols = list(base)
    seen = set(cols)
    for k in extra:
        if k not in seen:
            cols.append(k)
            seen.add(k)
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


def _frame(records: list[dict], columns: list[str]):
    import pandas as pd

    return pd.DataFrame([{c: r.get(c) for c in columns} for r in records], columns=columns)


def write(records: list[dict], output: str, fmt: str, columns: list[str]) -> None:
    """Write records to `output` atomically. Raises GazetteError."""
    target = Path(output)
    if target.is_dir():
        raise GazetteError(f"{output}: is a directory")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise GazetteError(f"{output}: no such directory {parent}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if fmt in TEXT_FORMATS:
                if fmt == "table":
                    fmt = "csv"
                fh.write(render_text(records, fmt, columns).encode("utf-8"))
            elif fmt == "parquet":
                frame = _frame(records, columns)
                try:
                    frame.to_parquet(fh, index=False)
                except ImportError:
                    raise GazetteError("parquet output needs pyarrow: pip install 'gazette[parquet]'") from None
            elif fmt == "xlsx":
                try:
                    _frame(records, columns).to_excel(fh, index=False)
                except ImportError:
                    raise GazetteError("xlsx output needs openpyxl: pip install openpyxl") from None
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


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
        table.add_row(*[_fmt_value(r.get(c)) if c in ("value", "min", "max") else _cell(r.get(c)) for c in show])
    return table


def _fmt_value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.6g}" if abs(v) >= 1e15 else f"{v:,}"
