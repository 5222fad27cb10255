"""Reflowing text: undo the hard wraps of text extracted from newspaper PDFs.

A line break is removed where the sentence goes on (育苗总量达9.97\\n亿株 → 9.97亿株), also
across the blank lines a column break leaves in mid-sentence (提出意见\\n\\n和建议). It is
kept where a sentence ends, where the next line is indented, and after a short line that
stands alone or opens a paragraph before a much longer line (a headline). Nothing is
inserted: no space between CJK characters or digits.

Every character of the reflowed text maps back to its offset in the original, and from
there to a 1-based line and column: results always point into the file as it is on disk.

Line breaks: the characters Python's ``str.splitlines`` breaks at. \\n, \\r\\n and a lone \\r
(old Mac files, mixed endings) end a line, and only they count for line numbers (as in
editors and Python's universal newlines). \\v, NEL (U+0085) and U+2028 break the text like a
line break; \\f (pdftotext's page break), \\x1c-\\x1e and U+2029 like a blank line. Those
odd breaks, and a lone \\r, are \\n in the reflowed text (one character for one, so offsets
do not move); the column of a character counts them as one character each.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

#: a line ending in one of these ends its sentence
TERMINAL = frozenset("。！？!?；;…")
_CLOSERS = frozenset("”’」』）)】")
#: a line that starts with one of these continues the sentence before it
_CONTINUES = frozenset("，,。；;、：:％%）)」』”’")
#: a number cut by the break: a numeral character on both sides (１６，０５５，２ | ０６, 一千一 | 百多)
_NUMERALS = frozenset("0123456789０１２３４５６７８９.．点零〇一二三四五六七八九十百千万亿两")
#: a lone \r and the odd line breaks, each written \n in the reflowed text
_ODD_BREAKS = re.compile("\r(?!\n)|[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
#: the odd breaks that part text like a blank line: a page, file, group, record or paragraph break
_PAGE_BREAKS = re.compile("[\f\x1c\x1d\x1e\u2029]")
#: what ends a line for line numbers: universal newlines
_EOL = re.compile("\r\n?|\n")
#: a line at least this share of its paragraph's widest line is full: it was wrapped
FULL_SHARE = 0.8
#: a paragraph's first line at most this share of the next line's width is a headline
HEADLINE_SHARE = 0.6


@dataclass
class Flow:
    """Reflowed text with its map back to the original."""

    text: str
    source: str
    seg_flat: list[int]
    seg_orig: list[int]
    line_starts: list[int]

    def orig_offset(self, i: int) -> int:
        """Offset in the original text of offset `i` of the reflowed text."""
        k = bisect_right(self.seg_flat, i) - 1
        return self.seg_orig[k] + (i - self.seg_flat[k])

    def line_col(self, i: int) -> tuple[int, int]:
        """1-based (line, column) in the original file of reflowed offset `i`."""
        o = self.orig_offset(i)
        line = bisect_right(self.line_starts, o)
        return line, o - self.line_starts[line - 1] + 1


def _ends_sentence(s: str) -> bool:
    """Does a stripped, non-empty line end its sentence (。, or 。” …)?"""
    last = s[-1]
    return last in TERMINAL or (last in _CLOSERS and len(s) > 1 and s[-2] in TERMINAL)


def _indented(line: str) -> bool:
    return line.startswith(("\u3000", "  ", "\t"))


def identity(text: str) -> Flow:
    """No reflow: every line stands on its own (`--no-reflow`)."""
    return Flow(_plain_breaks(text), text, [0], [0], _line_starts(text))


def _line_starts(text: str) -> list[int]:
    """Offsets where the lines of the original start (after \\n, \\r\\n or a lone \\r)."""
    if "\r" not in text:  # the common case, without a Python step per line
        starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        return starts
    return [0, *(m.end() for m in _EOL.finditer(text))]


def _plain_breaks(text: str) -> str:
    """The text with each lone \\r and odd break written \\n (same length, same offsets)."""
    return _ODD_BREAKS.sub("\n", text) if _ODD_BREAKS.search(text) else text


def _page_lines(source: str, text: str) -> set[int]:
    """Indices of the lines (of text split at \\n) that end in a page break of the source."""
    out, line, pos = set(), 0, 0
    for m in _PAGE_BREAKS.finditer(source):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        out.add(line)
    return out


def reflow(text: str) -> Flow:
    """Join hard-wrapped lines; see the module docstring for when a break is kept.

    One pass over the lines (split, stripped and measured by C-level list operations); a
    Python step per line, none per character."""
    source, text = text, _plain_breaks(text)
    # lines that end in a page break: a blank line follows them
    pages = _page_lines(source, text) if text is not source else ()
    lines = text.split("\n")
    n = len(lines)
    stripped = [line.strip() for line in lines]
    starts = list(accumulate([len(line) + 1 for line in lines], initial=0))
    starts.pop()
    parts: list[str] = []
    seg_flat: list[int] = [0]
    seg_orig: list[int] = [0]
    flat_len = 0
    para_max = 0          # widest line so far in the current paragraph
    seg_start = 0         # original offset where the current segment started
    add_part, add_flat, add_orig = parts.append, seg_flat.append, seg_orig.append
    i = 0
    while i < n:
        s = stripped[i]
        if not s:
            para_max = 0
            i += 1
            continue
        if _ends_sentence(s):
            para_max = 0
            i += 1
            continue
        width = len(s)
        j = i + 1
        while j < n and not stripped[j]:
            j += 1
        nxt = lines[j] if j < n else ""
        gap = j > i + 1 or i in pages  # a blank line (or a page break) between
        if j == n or (nxt[:1] in "\u3000\t " and _indented(nxt)):
            para_max = 0 if gap else max(para_max, width)
            i += 1
            continue
        if not gap:
            # a short first line before a longer one is a headline, not a wrap
            join = para_max > 0 or width > HEADLINE_SHARE * len(stripped[j])
        elif s[-1] in _NUMERALS and stripped[j][0] in _NUMERALS:
            join = True  # a number cut by a column or page break (9.97\\f亿株)
        elif para_max > 0:  # blank lines between: a column break only if this line was full
            join = width >= FULL_SHARE * para_max
        else:  # …or, after a paragraph's first line, if the text plainly goes on
            join = stripped[j][0] in _CONTINUES
        if not join:
            para_max = 0 if gap else max(para_max, width)
            i += 1
            continue
        # keep the original text up to the end of the line, drop the break
        line = lines[i]
        end = starts[i] + (len(line) - 1 if line.endswith("\r") else len(line))
        add_part(text[seg_start:end])
        flat_len += end - seg_start
        seg_start = starts[j]
        add_flat(flat_len)
        add_orig(seg_start)
        if width > para_max:
            para_max = width
        i = j
    parts.append(text[seg_start:])
    return Flow("".join(parts), source, seg_flat, seg_orig, _line_starts(source))
