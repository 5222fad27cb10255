"""Word files: .docx read with python-docx (MIT): paragraphs in order, each table row one
line with its cells separated by a tab. The old binary .doc format is refused with a
one-line message (save it as .docx)."""
from __future__ import annotations

import io
import zipfile

from ..errors import InputError
from .base import Issue, need

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def accepts(data: bytes, ext: str) -> bool:
    return ext in (".docx", ".doc", ".docm") or (ext != ".zip" and data.startswith(b"PK\x03\x04") and b"word/" in data[:4096])


def read(data: bytes, name: str) -> Issue:
    if data.startswith(_OLE):
        raise InputError(f"{name}: an old Word .doc (binary) file; save it as .docx to read it")
    if not data.startswith(b"PK\x03\x04"):
        raise InputError(f"{name}: not a Word .docx file (not a zip package)")
    docx = need("docx", "docx", "Word files", name)
    try:
        doc = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, docx.opc.exceptions.PackageNotFoundError) as exc:
        raise InputError(f"{name}: not a Word .docx file ({_why(exc)})") from None
    except Exception as exc:  # lxml and zipfile raise a wide range of types on broken parts
        raise InputError(f"{name}: broken Word file ({type(exc).__name__}: {exc})") from None
    lines: list[str] = []
    for block in doc.iter_inner_content():
        if hasattr(block, "rows"):
            for row in block.rows:
                cells, seen = [], set()
                for cell in row.cells:        # a merged cell comes once per grid column
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        cells.append(" ".join(cell.text.split()))
                lines.append("\t".join(cells))
        else:
            lines.append(block.text)
    meta = {}
    props = doc.core_properties
    if props.title:
        meta["title"] = props.title
    text = "\n".join(lines)
    warnings = [] if text.strip() else [f"{name}: no text in this Word file"]
    return Issue(name, text + "\n" if text else "", "docx", warnings, "docx", reason="Word .docx", meta=meta)


def _why(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return "a zip without word/document.xml"
    if isinstance(exc, zipfile.BadZipFile):
        return "a broken zip package"
    return str(exc) or type(exc).__name__
