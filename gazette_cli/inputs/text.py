"""Plain text: bytes → text, with the encoding detected.

Newspaper text arrives as UTF-8 (with or without BOM), GB18030/GBK, UTF-16 (with or
without BOM) or Big5. A file is read whole; a multi-megabyte line is no different from any
other. Stray invalid bytes inside otherwise good text are replaced and reported as a
warning; when two encodings both nearly fit, the one with fewer undecodable bytes wins. A
binary file, or one that is no known text encoding, is an InputError with a one-line message.
"""
from __future__ import annotations

import codecs
import threading

from ..errors import InputError
from .base import Issue

#: at most this share of undecodable bytes is tolerated (replaced, with a warning)
MAX_BAD_SHARE = 0.02

_BAD = threading.local()


def _record_bad(exc: UnicodeDecodeError):
    spans = _BAD.spans
    spans.append((exc.start, exc.end))
    return ("\ufffd", exc.end)


# one error handler for the process (registrations cannot be undone): it notes each bad
# span in a per-thread list that _decoded sets up, and replaces it as errors="replace" does
codecs.register_error("gazette-count", _record_bad)


def _decoded(data: bytes, encoding: str) -> tuple[str, int, int]:
    """`data` decoded once under `encoding`: (the text, each undecodable span replaced by
    U+FFFD as errors="replace" does; the number of undecodable bytes; the offset of the
    first, or -1)."""
    _BAD.spans = []
    text = data.decode(encoding, errors="gazette-count")
    spans, _BAD.spans = _BAD.spans, []
    return text, sum(e - s for s, e in spans), spans[0][0] if spans else -1


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, 'utf-16-le' or '-be') when the bytes look like UTF-16 without a BOM: text
    with ASCII in it (spaces, digits, line ends) has its NUL bytes on one side of each
    pair, and CJK text decodes to common characters."""
    sample = data[:65536] if len(data) % 2 == 0 else data[:65536] + b"\x00"
    sample = sample[:len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    candidates = ["utf-16-le", "utf-16-be"] if odd >= even else ["utf-16-be", "utf-16-le"]
    for enc in candidates:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        if _plausible_chinese(text) and _mostly_printable(text):
            return text, enc
    return None


def _mostly_printable(text: str, sample: int = 20000) -> bool:
    part = text[:sample]
    if not part:
        return False
    bad = sum(1 for c in part if (ord(c) < 32 and c not in "\r\n\t\f") or 0xE000 <= ord(c) <= 0xF8FF)
    return bad <= 0.01 * len(part)


def decode(data: bytes, name: str = "<bytes>") -> tuple[str, str, list[str]]:
    """Decode an issue's bytes: (text, encoding, warnings). Raises InputError."""
    text, enc, warnings, _ = decode_why(data, name)
    return text, enc, warnings


def decode_why(data: bytes, name: str = "<bytes>") -> tuple[str, str, list[str], str]:
    """Decode an issue's bytes: (text, encoding, warnings, reason). Raises InputError."""
    if data.startswith(codecs.BOM_UTF8):
        data, bom = data[3:], True
    else:
        bom = False
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", [], "UTF-16 byte order mark"
        except UnicodeDecodeError:
            raise InputError(f"{name}: not valid UTF-16 text") from None
    if b"\x00" in data[:65536]:
        found = _utf16_without_bom(data)
        if found:
            return *found, [], "NUL bytes in a UTF-16 pattern, no byte order mark"
        raise InputError(f"{name}: binary file (contains NUL bytes), not issue text")
    try:
        return data.decode("utf-8"), "utf-8-sig" if bom else "utf-8", [], "valid UTF-8"
    except UnicodeDecodeError:
        pass
    # each candidate is decoded once: the text, its undecodable bytes and the first of them
    if bom:
        return (*_with_warning(*_decoded(data, "utf-8"), data, "utf-8", name), "UTF-8 byte order mark")
    gb = _decoded(data, "gb18030")
    textgb, badgb, _ = gb
    gb_ok = _plausible_chinese(textgb)
    if gb_ok and badgb == 0:
        return textgb, "gb18030", [], "valid GB18030, common characters"
    # GB18030 and UTF-8 both nearly fit: the one with fewer undecodable bytes wins (UTF-8
    # with a few stray bytes decodes as GB18030 garbage, which _plausible_chinese refuses;
    # mostly-ASCII GBK text has few bytes above 127, so it would pass for UTF-8)
    utf8 = _decoded(data, "utf-8")
    bad8 = utf8[1]
    if bad8 <= MAX_BAD_SHARE * len(data) and not (gb_ok and badgb < bad8):
        return (*_with_warning(*utf8, data, "utf-8", name),
                f"UTF-8 with {bad8} undecodable byte(s), fewer than any other encoding")
    if gb_ok and badgb <= MAX_BAD_SHARE * len(data):
        return (*_with_warning(*gb, data, "gb18030", name),
                f"GB18030 with {badgb} undecodable byte(s), fewer than UTF-8's {bad8}")
    guess = _guess_other(data)
    if guess:
        return guess
    if min(bad8, badgb) == 0:
        raise InputError(f"{name}: not text in a known encoding (it decodes only to unlikely characters)")
    raise InputError(f"{name}: not UTF-8, GB18030, UTF-16 or Big5 text "
                     f"({min(bad8, badgb)} undecodable bytes at best)")


def _plausible_chinese(text: str, sample: int = 20000) -> bool:
    """Does decoded text read like Chinese? Real text uses common characters (nearly all in
    GB2312); random bytes decode to mostly rare ones."""
    chars = "".join(c for c in text[:sample] if ord(c) > 127 and c != "\ufffd")
    if len(chars) < 20:
        return True
    # one encode of them all: each character GB2312 lacks becomes one "?" (no GB2312 byte is "?")
    rare = chars.encode("gb2312", errors="replace").count(b"?")
    return len(chars) - rare >= 0.8 * len(chars)


def _with_warning(text: str, bad: int, first: int, data: bytes, enc: str, name: str):
    line = data.count(b"\n", 0, first) + 1
    return text, enc, [f"{name}: {bad} invalid byte(s) in {enc} text replaced by U+FFFD (first on line {line})"]


def _guess_other(data: bytes):
    """Another CJK encoding (Big5 …) when charset-normalizer is sure."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    best = from_bytes(data[:200000]).best()
    if best is None or best.encoding in ("utf_8", "gb18030", "ascii"):
        return None
    try:
        return data.decode(best.encoding), best.encoding, [], f"charset-normalizer: {best.encoding}"
    except (UnicodeDecodeError, LookupError):
        return None


def accepts(data: bytes, ext: str) -> bool:
    return True


def read(data: bytes, name: str) -> Issue:
    warnings = []
    if not data.strip():
        warnings.append(f"{name}: empty file, nothing to read")
    text, enc, more, why = decode_why(data, name)
    return Issue(path=name, text=text, encoding=enc, warnings=warnings + more, format="text", reason=why)
