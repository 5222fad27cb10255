"""Folding traditional Chinese characters to simplified ones, for the scan and the rules.

萬, 億, 兩, 畝 and 貸款 then read like 万, 亿, 两, 亩 and 贷款, so the same units and rules
match an issue in either script. The fold maps one character to one character, so every
offset of the folded text is the offset of the original: records still quote and point into
the text as written.

The character table comes from OpenCC (its t2s dictionary, asked once for every CJK
character); a character OpenCC would turn into more than one, or only within a phrase, is
kept as it is. Text with no traditional character (almost all of it) is found so by one
regex pass in C and returned unchanged.
"""
from __future__ import annotations

import re
from functools import lru_cache

_CJK = (0x3400, 0x9FFF)


@lru_cache(maxsize=1)
def _table() -> tuple[dict[int, str], re.Pattern | None]:
    pairs = _pairs()
    if not pairs:
        return {}, None
    table = {ord(pairs[i]): pairs[i + 1] for i in range(0, len(pairs), 2)}
    return table, re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(table)) + "]")


def _pairs() -> str:
    """Every traditional character OpenCC folds to one simplified one, as pairs in one text
    (萬万億亿…); "" when OpenCC is missing. Asking OpenCC for ~27,000 characters takes tens of
    milliseconds, so the answer is kept in the data cache, keyed by OpenCC's installed files."""
    from .datafile import cached, module_stamp
    stamp = module_stamp("opencc")
    if stamp is None:      # folding is then off; simplified text is unaffected
        return ""
    pairs = cached(f"opencc t2s {stamp}", _ask_opencc)
    return pairs if type(pairs) is str and len(pairs) % 2 == 0 else _ask_opencc() or ""


def _ask_opencc() -> str | None:
    try:
        import opencc
    except ImportError:
        return None
    chars = [chr(c) for c in range(_CJK[0], _CJK[1] + 1)]
    out = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    if len(out) != len(chars):
        return None
    return "".join(a + b for a, b in zip(chars, out) if len(b) == 1 and a != b)


def fold(text: str) -> str:
    """`text` with traditional characters folded to simplified, of the same length."""
    table, any_traditional = _table()
    if any_traditional is None or any_traditional.search(text) is None:
        return text
    return text.translate(table)
