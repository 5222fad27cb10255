"""Messy copies of the development corpus: what PDF extraction and web copying do to a text.

Each transformation is deterministic and returns the new text with a line map: for each line
of the original (1-based), the first and last line of the copy that hold its text. Gold
records (whose `line` is a line of the original) are scored against the copy through it: a
record found on any line of the copy that holds the gold line (or a line next to it, as the
project's scorer allows) matches.

    wrap N        every line cut at N columns of Chinese text (a digit or a Latin letter is
                  half a column), anywhere: inside numbers, units and words; table rows
                  (three cells or more, or a wide gap) are kept whole, as a PDF keeps them
    blank N       as wrap, and every 4th cut is a column break: a blank line between
    formfeed N    as wrap, and every 4th cut is a page break (pdftotext's \\f)
    ascii         full-width punctuation written ASCII (，：；（）！？ → , : ; ( ) ! ?)
    spaced        a stray space inside each Arabic quantity of the gold: thousands parted
                  by a space (8 400亩), a space after the point (9. 97亿株), before 万/亿,
                  before the unit, in turn
    footer N      as wrap, and every 5th cut has a page footer line (- 12 -) between
    header N      as wrap, and every 5th cut has a page header line (第2版) between
    marker N      as wrap, and every 5th cut has a chunk marker line (3、) between
    runhead N     as wrap, and every 5th cut has a running head (清源日报  2025年3月5日  星期三  第2版)
    contnote N    as wrap, and every 5th cut has a continuation note (（下转第2版）)
    glued N       as wrap, and every 5th cut starts the next line with a chunk marker (3、亩)
    nbsp          spaced, every space then a no-break space (&nbsp; of a web page)
    after         the text as the second article of a page, after another document
    all N         spaced, ascii and formfeed N at once
"""
from __future__ import annotations

import json
import re
from pathlib import Path

TUNED = Path(__file__).parent / "corpus" / "tuned"

ASCII_PUNCT = str.maketrans("，：；（）！？", ",:;()!?")


def _cells(c: str) -> int:
    return 1 if c.isascii() else 2


def _cut(line: str, width: int) -> list[str]:
    """A line cut into pieces of at most `width` Chinese columns (2*width half columns)."""
    out, cur, w = [], [], 0
    for c in line:
        if cur and w + _cells(c) > 2 * width:
            out.append("".join(cur))
            cur, w = [], 0
        cur.append(c)
        w += _cells(c)
    out.append("".join(cur))
    return out


def _row(line: str) -> bool:
    """A table row (three cells or more, or cells parted by a wide gap): a PDF keeps a row on
    its line, it does not wrap it as a column of prose."""
    return len(line.split()) >= 3 or "  " in line.strip() or "\t" in line


def wrapped(text: str, width: int, every: int = 0, between: str = "", glue: str = "") -> tuple[str, list]:
    """`text` hard-wrapped at `width`; at every `every`-th cut, `between` lines are put
    between the pieces (a blank line, a footer) or `glue` is put before the next piece
    (a chunk marker). `between` and `glue` may hold {k}: the cut's number (a page number).
    Returns the text and the line map (see the module docstring)."""
    out: list[str] = []
    lmap = [None]
    cut = 0
    for line in text.split("\n"):
        first = len(out) + 1
        pieces = _cut(line, width) if line and not _row(line) else [line]
        for i, piece in enumerate(pieces):
            if i:
                cut += 1
                if every and cut % every == 0:
                    page = cut // every
                    if between:
                        out.extend(between.format(k=page).split("\n"))
                    if glue:
                        piece = glue.format(k=page % 9 + 1) + piece
            out.append(piece)
        lmap.append((first, len(out)))
    return "\n".join(out), lmap


def ascii_punct(text: str) -> tuple[str, list]:
    n = text.count("\n") + 1
    return text.translate(ASCII_PUNCT), [None] + [(k, k) for k in range(1, n + 1)]


_ARABIC = re.compile(r"(?<![0-9.])([0-9]+)(\.[0-9]+)?(\s*[万亿]*)")


def _space_inside(q: str, k: int) -> str | None:
    """The quantity text `q` with a stray space of kind k % 4 (None if that kind does not fit)."""
    m = _ARABIC.search(q)
    if m is None:
        return None
    whole, frac, power = m.group(1), m.group(2) or "", m.group(3)
    kind = k % 4
    if kind == 0 and len(whole) >= 4 and not frac:
        new = whole[:-3] + " " + whole[-3:]
        if len(whole) > 6:
            new = whole[:-6] + " " + whole[-6:-3] + " " + whole[-3:]
        return q[:m.start()] + new + power + q[m.end():]
    if kind == 1 and frac:
        return q[:m.start()] + whole + ". " + frac[1:] + power + q[m.end():]
    if kind == 2 and power.strip() and not power[0].isspace():
        return q[:m.start()] + whole + frac + " " + power + q[m.end():]
    if kind == 3 and m.end() < len(q) and not q[m.end()].isspace() and q[m.end()] not in "%％-~～至到":
        return q[:m.end()] + " " + q[m.end():]
    return None


def spaced(text: str, gold: list[dict]) -> tuple[str, list]:
    """A stray space inside each Arabic quantity of the gold, the kinds in turn (see
    `_space_inside`); a kind that does not fit a quantity passes to the next."""
    lines = text.split("\n")
    k = 0
    done = set()
    for g in gold:
        t = g["text"]
        key = (g["line"], t)
        if key in done or g["line"] > len(lines):
            continue
        done.add(key)
        line = lines[g["line"] - 1]
        at = line.find(t)
        if at < 0:
            continue
        for _ in range(4):
            new = _space_inside(t, k)
            k += 1
            if new is not None:
                lines[g["line"] - 1] = line.replace(t, new)
                break
    return "\n".join(lines), [None] + [(j, j) for j in range(1, len(lines) + 1)]


def after_another(text: str, gold: list[dict]) -> tuple[str, list]:
    """The text as the second article of a page: the corpus document before it (in name
    order, the last one before the first) comes first, a blank line between. The line map's
    entry 0 gives the copy's lines that are this text's (records outside are not scored)."""
    docs = corpus()
    k = next(i for i, d in enumerate(docs) if d[1] == text)
    before = docs[k - 1][1].rstrip("\n")
    shift = before.count("\n") + 2
    n = text.count("\n") + 1
    return before + "\n\n" + text, [(shift + 1, shift + n)] + [(j + shift, j + shift) for j in range(1, n + 1)]


#: name → transformation (text, gold) → (text, line map)
TRANSFORMS = {
    **{f"wrap{n}": (lambda n: lambda t, g: wrapped(t, n))(n) for n in (17, 23, 31)},
    "blank23": lambda t, g: wrapped(t, 23, 4, between=""),
    "formfeed23": lambda t, g: wrapped(t, 23, 4, glue="\f"),
    "ascii": lambda t, g: ascii_punct(t),
    "spaced": spaced,
    "footer23": lambda t, g: wrapped(t, 23, 5, between="- {k} -"),
    "header23": lambda t, g: wrapped(t, 23, 5, between="第{k}版"),
    "marker23": lambda t, g: wrapped(t, 23, 5, between="{k}、"),
    "runhead23": lambda t, g: wrapped(t, 23, 5, between="清源日报  2025年3月5日  星期三  第{k}版"),
    "contnote23": lambda t, g: wrapped(t, 23, 5, between="（下转第{k}版）"),
    "glued23": lambda t, g: wrapped(t, 23, 5, glue="{k}、"),
    "after": after_another,
    "nbsp": lambda t, g: (lambda new, lmap: (new.replace(" ", "\u00a0"), lmap))(*spaced(t, g)),
    "all17": lambda t, g: wrapped(ascii_punct(spaced(t, g)[0])[0], 17, 4, glue="\f"),
}


_CORPUS: list = []


def corpus() -> list[tuple[str, str, list[dict]]]:
    """(name, text, gold records) of each document of the tuned corpus."""
    if _CORPUS:
        return _CORPUS
    out = _CORPUS
    for gold_path in sorted(TUNED.glob("*.jsonl")):
        gold = [json.loads(x) for x in gold_path.read_text(encoding="utf-8").splitlines() if x.strip()]
        out.append((gold_path.stem, gold_path.with_suffix(".txt").read_text(encoding="utf-8"), gold))
    return out


_TO_MU = {"亩": 1, "公顷": 15, "平方公里": 1500, "平方米": 0.0015}


def _base(value, unit):
    if unit in _TO_MU:
        return "亩", float(value) * _TO_MU[unit]
    return ("株" if unit == "棵" else unit), float(value)


def _ends(records: list[dict]) -> list[dict]:
    out = []
    for r in records:
        if r["value"] is None and r.get("min") is not None and r.get("max") is not None:
            out += [{**r, "value": r["min"]}, {**r, "value": r["max"]}]
        elif r["value"] is not None:
            out.append(r)
    return out


def match(gold: list[dict], preds: list[dict], lmap: list) -> tuple[int, int, int]:
    """(tp, fp, fn): gold records (lines of the original) against predictions (lines of the
    copy), one to one, a line that holds the gold line first, then one next to it."""
    n = len(lmap) - 1
    used, found = set(), set()
    for tolerance in (0, 1):
        for gi, g in enumerate(gold):
            if gi in found:
                continue
            lo = lmap[max(1, g["line"] - tolerance)][0]
            hi = lmap[min(n, g["line"] + tolerance)][1]
            gu, gv = _base(g["value"], g["unit"])
            for i, p in enumerate(preds):
                if i in used or not lo <= p["line"] <= hi or p["metric"] != g["metric"]:
                    continue
                pu, pv = _base(p["value"], p["unit"])
                if pu != gu or abs(pv - gv) > 1e-6 * max(1.0, abs(gv)):
                    continue
                found.add(gi)
                used.add(i)
                break
    return len(found), len(preds) - len(used), len(gold) - len(found)


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def measure(names=None, extract=None) -> dict[str, tuple[float, float]]:
    """Per transformation: (metric F1 against the gold, F1 against the run on the untransformed
    text). `extract(text) -> list of record dicts` (default: the library's extract_text)."""
    if extract is None:
        from gazette_cli import extract_text, load_rules
        rules = load_rules()

        def extract(text):
            return [r.as_dict() for r in extract_text(text, ruleset=rules)]
    docs = corpus()
    base = {}
    for name, text, gold in docs:
        base[name] = _ends(extract(text))
    out = {}
    for tname, fn in TRANSFORMS.items():
        if names and tname not in names:
            continue
        g_tot = [0, 0, 0]
        r_tot = [0, 0, 0]
        for name, text, gold in docs:
            new, lmap = fn(text, gold)
            preds = _ends(extract(new))
            if lmap[0] is not None:   # only the records on this text's lines
                preds = [p for p in preds if lmap[0][0] <= p["line"] <= lmap[0][1]]
            metric_gold = [g for g in gold if g.get("metric")]
            for tot, ref in ((g_tot, metric_gold), (r_tot, base[name])):
                t = match(ref, preds, lmap)
                for k in range(3):
                    tot[k] += t[k]
        out[tname] = (f1(*g_tot), f1(*r_tot))
    return out


if __name__ == "__main__":
    import sys
    for tname, (fg, fr) in measure(sys.argv[1:] or None).items():
        print(f"{tname:12s} gold F1={fg:.3f}  vs untransformed run F1={fr:.3f}")
