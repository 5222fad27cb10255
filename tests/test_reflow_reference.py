"""reflow against the one-pass loop it replaced (kept here as the reference): the same text
and the same map on generated hard-wrapped text with every kind of line reflow knows."""
import random
import re
from bisect import bisect_right
from itertools import accumulate

import pytest

from gazette_cli.reflow import (ROW_ITEM, _BLOCK, _ends_in_field, FULL_SHARE, HEADLINE_SHARE, _CONTINUES, _ITEM, _MARKER, _NUMERALS, _PUNCT,
                                _cut_digits, _cut_figure, _cut_multiplier, _figure_goes_on, _ends_sentence, _fills_column, glued_marker, running_head, _line_starts, _page_lines, _plain_breaks,
                                _table_pair, _wrapped_spaces, Flow, reflow)

_MARKER_LINE = re.compile(rf"\n[ \t\u3000]*{_MARKER.pattern}[ \t\u3000\r]*(?=\n|$)")
_ITEM_LINE = re.compile(rf"\n[ \t\u3000]*{_ITEM.pattern}")


def _lines_matching(pattern, text, starts, n):
    flags = [False] * n
    for m in pattern.finditer("\n" + text):
        k = bisect_right(starts, m.start()) - 1
        if starts[k] == m.start():
            flags[k] = True
    return flags


def reference_flow(text):
    """The reference loop, then the stray spaces of figures its joins made (`_wrapped_spaces`,
    a pass after the join that the loop never had: 9. / 95% → 9.95%)."""
    t, seg_flat, seg_orig, line_starts = reference(text)
    f = _wrapped_spaces(Flow(t, text, seg_flat, seg_orig, line_starts), seg_flat[:])
    return f.text, f.seg_flat, f.seg_orig, f.line_starts


def reference(text):
    """The reflow loop as it was: a Python step per line."""
    source, text = text, _plain_breaks(text)
    pages = _page_lines(source, text) if text is not source else ()
    lines = text.split("\n")
    n = len(lines)
    stripped = [line.strip() for line in lines]
    starts = list(accumulate([len(line) + 1 for line in lines], initial=0))
    starts.pop()
    parts, seg_flat, seg_orig = [], [0], [0]
    flat_len = para_max = seg_start = 0
    marker = _lines_matching(_MARKER_LINE, text, starts, n)
    marker = [m or (0 < k < n - 1 and bool(stripped[k - 1]) and bool(stripped[k + 1]) and running_head(x)
                    and (len(stripped[k - 1].encode("utf-8", "surrogatepass")) + len(stripped[k - 1])) >> 1
                    >= (len(x.encode("utf-8", "surrogatepass")) + len(x)) >> 1)
              for k, (m, x) in enumerate(zip(marker, stripped))]
    item = _lines_matching(_ITEM_LINE, text, starts, n)
    item = [a or b for a, b in zip(item, _lines_matching(ROW_ITEM, text, starts, n))]
    marks = [0] * n   # a chunk marker glued to the start of the line: no item, and dropped when joined
    for k in range(1, n):
        marks[k] = glued_marker(stripped[k - 1], lines[k])
        if marks[k]:
            stripped[k] = stripped[k][marks[k]:]
            item[k] = False
    spaced = [" " in x or "\t" in x or "\u3000" in x for x in stripped]
    widths = [(len(x.encode("utf-8", "surrogatepass")) + len(x)) >> 1 for x in stripped]
    i = 0
    while i < n:
        s = stripped[i]
        if not s or marker[i] or _ends_sentence(s):
            para_max = 0
            i += 1
            continue
        width = widths[i]
        j = i + 1
        while j < n and (not stripped[j] or marker[j]):
            j += 1
        nxt = lines[j] if j < n else ""
        gap = j > i + 1 or i in pages
        if j == n or nxt.startswith(("\u3000", "  ", "\t")) or item[j] \
                or (spaced[i] and i and spaced[i - 1] and _table_pair(stripped[i - 1], s)) \
                or (spaced[j] and (spaced[i] and _table_pair(s, stripped[j])
                                   or j + 1 < n and spaced[j + 1] and _table_pair(stripped[j], stripped[j + 1]))):
            para_max = 0 if gap else max(para_max, width)
            i += 1
            continue
        nxt = stripped[j]
        if j > i + 1 and all(stripped[i + 1:j]):
            join = para_max > 0 or (nxt[0] in _CONTINUES) or (s[-1] in _NUMERALS and nxt[0] in _NUMERALS) \
                or (s[-1] in _NUMERALS and not nxt[0].isdigit()) or width > HEADLINE_SHARE * widths[j]
        elif not gap:
            join = para_max > 0 or width > HEADLINE_SHARE * widths[j] or _cut_digits(s, nxt) or _cut_multiplier(s, nxt) \
                or _figure_goes_on(s, nxt)
        elif s[-1] in _NUMERALS and nxt[0] in _NUMERALS and not (nxt[0].isdigit() and _ends_in_field(s)):
            join = True
        elif para_max > 0:
            join = (width >= FULL_SHARE * para_max or _cut_figure(s, nxt) or (
                nxt[0].isdigit() and not s[-1].isascii() and s[-1] not in _PUNCT)) \
                and not (nxt[0].isdigit() and _ends_in_field(s))
        else:
            join = (nxt[0] in _CONTINUES) or _cut_figure(s, nxt) or (
                any(k in pages for k in range(i, j)) and _fills_column(stripped, i)
                and not (nxt[0].isdigit() and _ends_in_field(s)))
        if not join:
            para_max = 0 if gap else max(para_max, width)
            i += 1
            continue
        line = lines[i]
        end = starts[i] + (len(line) - 1 if line.endswith("\r") else len(line))
        parts.append(text[seg_start:end])
        flat_len += end - seg_start
        seg_start = starts[j] + marks[j]
        seg_flat.append(flat_len)
        seg_orig.append(seg_start)
        para_max = max(para_max, width)
        i = j
    parts.append(text[seg_start:])
    line_starts = starts if text is source and "\r" not in text else _line_starts(source)
    return "".join(parts), seg_flat, seg_orig, line_starts


#: pieces of lines: prose that goes on or ends, headlines, items, indents, markers (also run
#: over lines: — / 12 / —), table rows, figures cut from their units, odd characters
PIECES = ["育苗总量达9.97", "亿株，", "工作取得新成效。", "下一步，", "他说：“好。”", "　　第二段", "  缩进", "\t制表",
          "一、把牢正确方向", "（三）项目", "4. 条目", "5、条目", "3、", "— 12 —", "- 7 -", "人工造乔木林0.2万", "亩",
          "区域 面积 数量", "东区 5420 亩 120", "西区 300 亩 —", "合计 1000 万元 5%", "获得最高 1000 万元的",
          "满意率100%.", "9.", "a.b", "一千一", "百多公里", "，较上年", "栽植苗木71", "万株", "最低标准", "95%", "短",
          "这是一段很长很长的文字内容啊非常长", "x", " ", "", "", "", "—", "12", "－", "  12", "\u30003、", "\u3000",
          "一", "end.”", "ABC", "１６，０５５，２", "０６，０００元", "点", "二十", "\ud800孤", "𠀀𠀀𠀀"]
BREAKS = ["\n"] * 12 + ["\r\n", "\r", "\f", "\v", "\x85", "\u2028", "\u2029", "\n\n", "\n \n", "\x1c"]


def _text(rnd):
    out = []
    for _ in range(rnd.randint(0, 40)):
        out.append(rnd.choice(PIECES))
        if rnd.random() < 0.3:
            out.append(rnd.choice(PIECES))
        out.append(rnd.choice(BREAKS))
    return "".join(out)


@pytest.mark.parametrize("seed", range(4))
def test_reflow_is_the_reference_loop(seed):
    rnd = random.Random(seed)
    for _ in range(1500):
        text = _text(rnd)
        flow = reflow(text)
        assert (flow.text, flow.seg_flat, flow.seg_orig, flow.line_starts) == reference_flow(text), repr(text)


def test_reflow_is_the_reference_loop_on_a_long_text():
    # more paragraphs than one block of the join (reflow._BLOCK)
    rnd = random.Random(9)
    text = "".join(_text(rnd) for _ in range(1000))
    flow = reflow(text)
    assert flow.text.count("\n") > _BLOCK   # paragraphs, each but the last followed by a break
    assert (flow.text, flow.seg_flat, flow.seg_orig, flow.line_starts) == reference_flow(text)


@pytest.mark.parametrize("lines", [
    # a long paragraph with a blank line after every line (a double-spaced column): its
    # widest line is kept as it grows, not measured again at every line
    ["，各地加快推进国土绿化工作持续开展植树造林活动并取得"] * 3000,
    ["短行", "这是一段很长很长的文字内容这是一段很长很长的文字内容", "中等长度的一行文字"] * 500,
    ["人工造乔木林0.2万", "3、", "亩，栽植苗木71", "万株，满意率最低标准", "95%"] * 300,
])
def test_reflow_is_the_reference_loop_on_a_double_spaced_paragraph(lines):
    text = "\n\n".join(lines) + "。\n"
    flow = reflow(text)
    assert (flow.text, flow.seg_flat, flow.seg_orig, flow.line_starts) == reference_flow(text)


@pytest.mark.parametrize("text", [
    "—\n12\n—\n3\n—\n短\n这是一段很长很长的文字内容",     # a marker over three lines, then text
    "—\n12\n—\n—\n13\n—\n正文很长很长很长\n继续",
    "正文很长很长很长\n- 7 -\n继续写下去的文字内容",
])
def test_a_marker_that_runs_over_lines_is_one_marker(text):
    flow = reflow(text)
    assert (flow.text, flow.seg_flat, flow.seg_orig, flow.line_starts) == reference_flow(text)
