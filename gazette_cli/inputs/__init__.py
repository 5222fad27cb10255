"""Reading issues: a file of any supported format → one `Issue` (text, encoding, warnings,
map back to the source).

One module per format, each with `accepts(data, ext)` and `read(data, name)`; `read_issue`
tries them in order (the first that accepts reads) and plain text comes last, taking
everything else. Adding a format is adding a module to READERS. PDF, HTML and Word need
their extras (`pip install 'gazette[pdf]'`, `[html]`, `[docx]`, or `[archives]` for all);
without one, that reader says which extra to install.
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import InputError
from . import docx, html, pdf, text
from .base import Issue
from .meta import issue_date

READERS = (pdf, docx, html, text)

#: suffixes a directory scan picks up
SUFFIXES = (".txt", ".text", ".pdf", ".html", ".htm", ".xhtml", ".docx")

STDIN = "-"


def read_bytes(data: bytes, name: str, ext: str | None = None) -> Issue:
    """Read an issue from its bytes; `ext` (".pdf" …) defaults to the name's suffix."""
    ext = (ext if ext is not None else Path(name).suffix).lower()
    for reader in READERS:
        if reader.accepts(data, ext):
            issue = reader.read(data, name)
            break
    date, why = issue_date(name, issue.text, issue.meta)
    if date:
        issue.meta["date"] = date
        issue.meta["date_from"] = why
    return issue


def read_issue(path: str | Path, data: bytes | None = None) -> Issue:
    """Read one issue file (`-` is standard input). Raises InputError with a one-line message."""
    name = str(path)
    if data is None:
        data = _load(path)
    return read_bytes(data, "<stdin>" if name == STDIN else name, "" if name == STDIN else None)


def _load(path: str | Path) -> bytes:
    name = str(path)
    if name == STDIN:
        return sys.stdin.buffer.read()
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{name}: is a directory, not an issue file")
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None


__all__ = ["Issue", "READERS", "SUFFIXES", "read_bytes", "read_issue"]
