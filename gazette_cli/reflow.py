"""Reflowing text: undo the hard wraps of text extracted from newspaper PDFs.

A line break is removed where the sentence goes on (育苗总量达9.97\\n亿株 → 9.97亿株), also
across the blank lines a column break leaves in mid-sentence (提出意见\\n\\n和建议). It is
kept where a sentence ends, where the next line is indented, and after a short line that
stands alone or opens a paragraph before a much longer line (a headline). Nothing is inserted: no space between CJK characters or digits.

Every character of the reflowed text maps back to its offset in the original, and from
there to a 1-based line and column: results always point into the file as it is on disk.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

#: a line ending in one of these ends its sentence
TERMINAL = frozenset("。！？!?；;…")
_CLOSERS = frozenset("”’」』）)】")
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


def _ends_sentence(content: str) -> bool:
    s = content.rstrip()
    if not s:
        return True
    if s[-1] in TERMINAL:
        return True
    return s[-1] in _CLOSERS and len(s) > 1 and s[-2] in TERMINAL


def _indented(line: str) -> bool:
    return line.startswith(("\u3000", "  ", "\t"))


def identity(text: str) -> Flow:
    """No reflow: every line stands on its own (`--no-reflow`)."""
    return Flow(text, text, [0], [0], _line_starts(text))


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def reflow(text: str) -> Flow:
    """Join hard-wrapped lines; see the module docstring for when a break is kept."""
    lines = text.split("\n")
    starts = [0] * len(lines)
    pos = 0
    for k, line in enumerate(lines):
        starts[k] = pos
        pos += len(line) + 1
    parts: list[str] = []
    seg_flat: list[int] = [0]
    seg_orig: list[int] = [0]
    flat_len = 0
    n = len(lines)
    i = 0
    para_max = 0          # widest line so far in the current paragraph
    seg_start = 0         # original offset where the current segment started
    while i < n:
        line = lines[i]
        content = line[:-1] if line.endswith("\r") else line
        stripped_len = len(content.strip())
        j = i + 1
        while j < n and not lines[j].strip():
            j += 1
        join = False
        if j < n and stripped_len and not _ends_sentence(content) and not _indented(lines[j]):
            if j == i + 1:
                # a short first line before a longer one is a headline, not a wrap
                join = not (para_max == 0 and stripped_len <= HEADLINE_SHARE * len(lines[j].strip()))
            else:  # blank lines between: a column break only if this line was full
                join = para_max > 0 and stripped_len >= FULL_SHARE * para_max
        if join:
            # keep the original text up to the end of `content`, drop the break
            end = starts[i] + len(content)
            parts.append(text[seg_start:end])
            flat_len += end - seg_start
            seg_start = starts[j]
            seg_flat.append(flat_len)
            seg_orig.append(seg_start)
            para_max = max(para_max, stripped_len)
            i = j
        else:
            para_max = 0 if (j > i + 1 or _ends_sentence(content)) else max(para_max, stripped_len)
            i += 1
    parts.append(text[seg_start:])
    return Flow("".join(parts), text, seg_flat, seg_orig, starts)
