"""Reading issues: bytes on disk → text, with the encoding detected.

Newspaper text arrives as UTF-8 (with or without BOM) or GB18030/GBK. A file is read
whole; a multi-megabyte line is no different from any other. Stray invalid bytes inside
otherwise good text are replaced and reported as a warning; a binary file, or one that is
no known text encoding, is an InputError with a one-line message.
"""
from __future__ import annotations

import codecs
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError

#: at most this share of undecodable bytes is tolerated (replaced, with a warning)
MAX_BAD_SHARE = 0.02


@dataclass
class Issue:
    """One issue's text as read from disk."""

    path: str
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


_BAD = threading.local()


def _record_bad(exc: UnicodeDecodeError):
    spans = _BAD.spans
    spans.append((exc.start, exc.end))
    return ("\ufffd", exc.end)


# one error handler for the process (registrations cannot be undone): it notes each bad
# span in a per-thread list that _count_bad sets up
codecs.register_error("gazette-count", _record_bad)


def _count_bad(data: bytes, encoding: str) -> tuple[int, int]:
    """(number of undecodable bytes, offset of the first) under `encoding`."""
    _BAD.spans = []
    data.decode(encoding, errors="gazette-count")
    spans, _BAD.spans = _BAD.spans, []
    return sum(e - s for s, e in spans), spans[0][0] if spans else -1


def decode(data: bytes, name: str = "<bytes>") -> tuple[str, str, list[str]]:
    """Decode an issue's bytes: (text, encoding, warnings). Raises InputError."""
    if data.startswith(codecs.BOM_UTF8):
        data, bom = data[3:], True
    else:
        bom = False
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError:
            raise InputError(f"{name}: not valid UTF-16 text") from None
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: binary file (contains NUL bytes), not issue text")
    try:
        return data.decode("utf-8"), "utf-8-sig" if bom else "utf-8", []
    except UnicodeDecodeError:
        pass
    # UTF-8 with a few stray bytes stays UTF-8: GB18030 would decode it as garbage
    bad, first = _count_bad(data, "utf-8")
    if bom or bad <= MAX_BAD_SHARE * len(data):
        return _with_warning(data, "utf-8", bad, first, name)
    try:
        text = data.decode("gb18030")
        if _plausible_chinese(text):
            return text, "gb18030", []
    except UnicodeDecodeError:
        pass
    bad, first = _count_bad(data, "gb18030")
    if bad <= MAX_BAD_SHARE * len(data) and _plausible_chinese(data.decode("gb18030", errors="replace")):
        return _with_warning(data, "gb18030", bad, first, name)
    guess = _guess_other(data)
    if guess:
        return guess
    raise InputError(f"{name}: not UTF-8 or GB18030 text ({bad} undecodable bytes)")


def _plausible_chinese(text: str, sample: int = 20000) -> bool:
    """Does text decoded as GB18030 read like Chinese? Real text uses common characters
    (nearly all in GB2312); random bytes decode to mostly rare ones."""
    chars = [c for c in text[:sample] if ord(c) > 127 and c != "\ufffd"]
    if len(chars) < 20:
        return True
    common = 0
    for c in chars:
        try:
            c.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= 0.8 * len(chars)


def _with_warning(data: bytes, enc: str, bad: int, first: int, name: str):
    text = data.decode(enc, errors="replace")
    line = data.count(b"\n", 0, first) + 1
    return text, enc, [f"{name}: {bad} invalid byte(s) in {enc} text replaced by U+FFFD (first on line {line})"]


def _guess_other(data: bytes):
    """Another CJK encoding (Big5, UTF-16 without BOM …) when charset-normalizer is sure."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    best = from_bytes(data[:200000]).best()
    if best is None or best.encoding in ("utf_8", "gb18030", "ascii"):
        return None
    try:
        return data.decode(best.encoding), best.encoding, []
    except (UnicodeDecodeError, LookupError):
        return None


def read_issue(path: str | Path) -> Issue:
    """Read one issue file. Raises InputError with a one-line message."""
    p = Path(path)
    name = str(path)
    if p.is_dir():
        raise InputError(f"{name}: is a directory, not an issue file")
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    text, enc, warnings = decode(data, name)
    return Issue(path=name, text=text, encoding=enc, warnings=warnings)
