"""Quantities: one scan of the text finds every number with its unit and qualifier.

This is the hot path: a single compiled pattern (numbers from ``numerals``, units from the
units file) runs once over the reflowed text; Python looks only at its matches. Its cost
does not depend on the rules: rules are applied afterwards, to the quantities found.

What is not a quantity follows the project's annotation convention (shared gold README):
years and dates (2025年, 3月1日), ordinals (第五届, 四次会议), 一 + measure word used as
an article (一个二维码, 一年来), numbered slogans in quotation marks (“六个工程”). With
``all_numbers`` these are still reported, as bare numbers (unit null); words that merely
contain a numeral (一切, 四川, 统一, the units file's ``scanner: not_numbers``) never are.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from decimal import Decimal, localcontext
from fractions import Fraction
from functools import lru_cache
from operator import itemgetter

import regex

from .numerals import (_ALL_CN, CONTEXT, CN_DIGITS, CN_POWERS, LIANG, MAX_DIGITS, MAX_PIECES, SPACE, NumberLimitError,
                       NumeralError, fraction, from_fraction, number, overlong, parse_number, within_limits)
from .compiled import compile_pattern
from .units import Unit, Units

#: the qualifier words themselves (约, 超过, 最高, 左右, 以上 …) are data: the `qualifiers`
#: part of the units file's `scanner:` section, read by `Qualifiers` below.
#: 等于 X: both bounds are X
EXACT_WORDS = ("等于",)
#: 比 X 大 / 比 X 低: a comparison written around the number
_COMPARE_AFTER = {"大": "over", "高": "over", "多": "over", "小": "under", "低": "under", "少": "under"}
_GLUE = ("", "为", "达", "有", "了", "是")
CONNECTORS = r"(?:至|到|~|～|〜|—{1,2}|–|-|－|−)"
_SPACE = SPACE
_CLAUSE_END = frozenset("，,。；;！？!?：:\n、")
_OPEN_QUOTES = frozenset("“‘「『\"")
_CLOSE_QUOTES = "”’」』\""
#: financial digits that are also everyday characters (队伍, 大陆, 放肆, 收拾): alone, no number
_WORD_DIGITS = frozenset("伍陆陸肆拾")
#: a number right after one of these is an ordinal or a name: 第五, 初三, 周一, 其二
_ORDINAL_BEFORE = frozenset("第初周星礼其")
_CN_NUMERAL = frozenset(CN_DIGITS + LIANG + CN_POWERS)
#: what may stand between a lower and an upper bound that make one range (大于100并且小于300)
_RANGE_GAP = regex.compile(r"[ \t\u3000]*(?:并且|而且|并|且|同时|的同时|又)?[ \t\u3000]*")
_RANGE_GAP_LOOSE = regex.compile(r"[ \t\u3000，,、]*(?:并且|而且|并|且|同时|的同时|又)?[ \t\u3000，,、]*")


class NumberLimitWarning(UserWarning):
    """A number beyond gazette's limits (numerals.MAX_DIGITS, MAX_PIECES) was skipped."""


@dataclass(slots=True)
class Quantity:
    """One quantity found in a text (offsets in that text; see ``Flow`` for the file)."""

    start: int                  # where the number starts (after any qualifier word)
    end: int                    # end of the unit or trailing qualifier
    text_start: int             # where the quantity's text starts (qualifier included)
    value: Decimal | None       # None for a range
    unit: str | None            # as reported (base unit, multipliers applied)
    qualifier: str | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    unit_kind: str | None = None


def _spelling(s: str, loose: bool) -> str:
    """A unit spelling as regex: Latin endings not inside a word; loose: spaced characters."""
    if loose and len(s) > 1 and not s.isascii():
        out = _SPACE.join(regex.escape(c) for c in s)
    else:
        out = regex.escape(s)
    if s[-1].isascii() and s[-1].isalpha():
        out += "(?![A-Za-z])"
    return out


class Scanner:
    """The compiled quantity pattern of one units file."""

    def __init__(self, units: Units):
        self.units = units
        extra = units.scanner  # validated by units.py: symbols, named, phrases, not_numbers, qualifiers
        self.qualifiers = Qualifiers(extra.get("qualifiers") or {})
        self.symbols: dict[str, str] = {}
        for name, spellings in (extra.get("symbols") or {}).items():
            for s in spellings or []:
                self.symbols[str(s)] = str(name)
        self.phrases: dict[str, tuple[Decimal, str | None]] = {}
        for p in extra.get("phrases") or []:
            self.phrases[str(p["text"])] = (Decimal(str(p["value"])), p.get("unit"))
        self.named = [str(n) for n in extra.get("named") or [] if str(n) in units]
        # (numeral character, +1 or -1, the word's character after it, or before it when the
        # numeral ends the word) → [(its offset in the word, word length, words)]: the
        # neighbour is looked up first, so a numeral pays one dict lookup, not one slice
        # per word shape (this runs for every match)
        groups: dict[tuple[str, int, str], dict[tuple[int, int], set[str]]] = {}
        for w in extra.get("not_numbers") or []:
            w = str(w)
            for i, c in enumerate(w):
                if c in _CN_NUMERAL and len(w) > 1:
                    key = (c, 1, w[i + 1]) if i + 1 < len(w) else (c, -1, w[i - 1])
                    groups.setdefault(key, {}).setdefault((i, len(w)), set()).add(w)
        self.not_numbers = {k: [(i, n, frozenset(ws)) for (i, n), ws in g.items()] for k, g in groups.items()}
        self._not_number_chars = frozenset(k[0] for k in groups)
        # power characters that begin a unit (千米, 兆字节, 百分点) are no multiplier there
        prefixed: dict[str, list[str]] = {}
        for alias in units.by_alias:
            if len(alias) > 1 and alias[0] in CN_POWERS:
                prefixed.setdefault(alias[0], []).append(alias[1:])
        # 逾千家, 近万人: after these qualifier words a power alone is a number; a word's
        # not_after characters (最近, 赶超) cancel it as they cancel the qualifier
        after = []
        for w in extra.get("bare_powers_after") or []:
            cancel = self.qualifiers.not_after.get(w, "") if len(w) == 1 else ""
            after.append(rf"(?<={regex.escape(w)})" + (rf"(?<![{regex.escape(cancel)}]{regex.escape(w)})" if cancel else ""))
        self.power_after = "(?:" + "|".join(after) + ")" if after else ""
        self._prefixed = prefixed
        # Compiling is most of the start-up (each copy of the number grammar in a pattern
        # costs ~10 ms), so only what an `extract` needs is compiled here: the last
        # alternative of the full pattern alone (`_ranged`: a number, its unit, a range),
        # which is what the full pattern comes down to at any character that starts none
        # of the other alternatives (nearly every digit and numeral), and those others
        # (`_others`: a URL, a number phrase, a percent word, a currency symbol). The full
        # one-stage pattern (`strict`, the reference), the --all-numbers one (`loose`) and
        # the overlong-numeral ones are compiled on first use.
        self._lists: dict[str, list[str]] = {}
        *others, ranged = self._pattern(False, prefixed, self._lists)
        self._ranged = compile_pattern(ranged, regex.V0, **self._used_lists(ranged))
        self._others = compile_pattern("(?:" + "|".join(others) + ")", regex.V0, **self._used_lists(others))
        self._other_firsts = frozenset("hw负負-−－百佰千仟万萬" + "".join(x[0] for x in self.symbols)
                                       + "".join(p[0] for p, (_, u) in self.phrases.items() if u))
        self._candidates = self._first_stage()
        self._compiled: dict[str, regex.Pattern] = {}
        # a numeral too long to read is found by its own pass, run only where a long run of
        # numeral characters exists (one C-speed search): kept out of the main pattern,
        # where trying it at every failing position cost a third of the scan
        self._long_run = re.compile(rf"[0-9０-９{_ALL_CN}点點.,， \t\u3000]{{{MAX_PIECES}}}")   # stdlib: 3x faster here
        self._per_re = regex.compile(rf"^(.*?){_SPACE}[/／每]{_SPACE}(.+)$")
        self._unit_cache: dict[str, tuple] = {}
        self._minor_names = sorted((a for a, u in units.by_alias.items() if u.kind == "money" and not u.standalone),
                                   key=len, reverse=True)

    def _alternation(self, loose: bool, standalone_only: bool = True, only=None, lists: dict | None = None,
                     name: str = "") -> str:
        """The unit spellings as one pattern, longest first. Strict, they are a named list of
        `regex` (``\\L<name>``, passed to compile in `lists`): matched by set lookup, longest
        first and shorter on backtracking, exactly as the sorted alternation, but compiled in
        a fraction of the time (the alternation was most of a 69 KB pattern)."""
        names = [a for a, u in self.units.by_alias.items()
                 if (u.standalone or not standalone_only) and (only is None or only(u))]
        names.sort(key=lambda s: (-len(s), s))
        if lists is None or loose or not names:
            return "|".join(_spelling(n, loose) for n in names)
        lists[name] = names
        # a spelling that ends in a Latin letter does not end inside a word (km, not kmh)
        return rf"\L<{name}>(?!(?<=[A-Za-z])[A-Za-z])"

    def _pattern(self, loose: bool, prefixed, lists: dict | None = None) -> str:
        sp = _SPACE if loose else r"[ \t]*"
        num = number(loose, prefixed, self.power_after)
        neg = r"(?:[负負]|(?<![0-9A-Za-z０-９.])[-−－])?"
        tok = fraction(num, loose)
        u = self._alternation(loose, lists=lists, name="units")
        per = self._alternation(loose, standalone_only=False, lists=lists, name="per")
        unit = rf"(?:{u})(?:{_SPACE}[/／每]{_SPACE}(?:{per}))?"
        minor_units = self._alternation(False, standalone_only=False, lists=lists, name="minor",
                                        only=lambda x: x.kind == "money" and not x.standalone)
        # 5元3角2分: a few smaller coins (bounded, so a run of them stays linear)
        minor = rf"(?P<minor>(?:{sp}又?{sp}{num}{sp}(?:{minor_units})){{1,4}})?" if minor_units else ""
        half = r"(?P<half>半(?![年月天日小个导岛径数价场边壁山决夜身])(?!半))?"
        den = rf"[百佰千仟万萬](?:{sp}[百佰千仟万萬]){{0,2}}{sp}分{sp}之{sp}"
        pct = rf"{neg}(?=[百佰千仟万萬])(?<![{CN_DIGITS}{LIANG}{CN_POWERS}0-9０-９]){den}(?:{neg}{num}|百(?![{CN_DIGITS}{LIANG}{CN_POWERS}]))"
        percent = rf"(?P<p1>{pct})(?:{sp}(?P<c3>{CONNECTORS}){sp}(?P<p2>{pct}))?"
        between = (rf"(?=[^，。；、\n]{{0,8}}?[和与與跟及])(?P<b1>){sp}(?P<bu1>{unit})?{sp}[和与與跟及]{sp}第?(?P<b2>{tok}){sp}"
                   rf"(?P<bu2>{unit})?{sp}{'之?' if loose else '之'}间")
        ranged = (rf"(?P<n1>{tok})(?:{between}|"
                  rf"{sp}(?P<ge>个[多余])?(?P<u1>{unit})(?:{sp}(?P<c1>{CONNECTORS}){sp}(?P<n2>{tok}){sp}(?P<u2>{unit})|{minor}{half})"
                  rf"|{sp}(?P<c2>{CONNECTORS}){sp}(?P<n3>{tok}){sp}(?P<u3>{unit})")
        if loose:
            ranged += rf"|{sp}(?P<c4>{CONNECTORS}){sp}(?P<n4>{tok})(?![0-9０-９])|(?P<bare>)"
        ranged += ")"
        alts = [r"(?P<skip>(?:https?://|www\.)[!-~]+)"]
        phrases = [p for p, (_, unit_) in self.phrases.items() if loose or unit_]
        if phrases:
            alts.append("(?P<phrase>" + "|".join(regex.escape(p) for p in sorted(phrases, key=len, reverse=True)) + ")")
        alts.append(percent)
        if self.symbols:
            syms = "|".join(regex.escape(s) for s in sorted(self.symbols, key=len, reverse=True))
            alts.append(rf"(?P<sym>{syms}){sp}(?P<n0>{tok})(?:{sp}(?P<u0>{unit}))?")
        alts.append(ranged)
        if loose and self.named:
            names = "|".join(regex.escape(n) for n in sorted(self.named, key=len, reverse=True))
            alts.append(rf"(?<![0-9０-９{CN_DIGITS}{LIANG}{CN_POWERS}])(?P<named>{names})")
        return ["(?:" + a + ")" for a in alts]

    def _used_lists(self, sources) -> dict[str, list[str]]:
        sources = "".join(sources) if isinstance(sources, list) else sources
        return {k: v for k, v in self._lists.items() if f"\\L<{k}>" in sources}

    def _lazy(self, name: str) -> regex.Pattern:
        p = self._compiled.get(name)
        if p is None:
            if name == "strict":
                p = compile_pattern("(?:" + "|".join(self._pattern(False, self._prefixed, {})) + ")", regex.V0,
                                  **self._lists)
            elif name == "loose":
                p = compile_pattern("(?:" + "|".join(self._pattern(True, self._prefixed)) + ")", regex.V0)
            else:   # overlong, overlong-loose
                p = compile_pattern(overlong(name.endswith("loose"), self._prefixed, self.power_after), regex.V0)
            self._compiled[name] = p
        return p

    @property
    def strict(self) -> regex.Pattern:
        """The full pattern, tried at every position: the one-stage scan, kept as the
        reference the two-stage scan is tested against."""
        return self._lazy("strict")

    @property
    def loose(self) -> regex.Pattern:
        """The --all-numbers pattern (spaced unit spellings: no named lists)."""
        return self._lazy("loose")

    def _first_stage(self) -> re.Pattern:
        """Stage 1 of the scan: where the full pattern (`strict`) can match at all.

        Trying the full grammar at every position cost ~40 ns per character and ~4 µs at
        every numeral character, and most numeral characters start no quantity (统一, 一是,
        万众, 千方百计). This cheap stdlib pattern finds the runs of numeral characters that
        can: a strict match that starts with a numeral is a number (made of the characters
        in `run`) followed by a character in `follow` (a unit's first character, a range
        connector, 和/与 of 在X和Y之间, 个 of 3个多月, a fraction's 分/又//, a space). So a
        run qualifies when it holds a digit, or when a `follow` character stands inside it
        after its first character or right after it. A match can only start inside a
        qualifying run, at a numeral or sign character (`starts`), or where a currency
        symbol, a number phrase or a URL (skipped whole) begins: those are found as
        zero-width hits. Everything else is never handed to the full pattern. The two-stage
        scan gives exactly the matches of `strict.finditer` (`scan(..., reference=True)`
        runs that, and the tests compare the two).

        Linear: a run is only entered at its first character (the look-behind), and each
        branch walks it once."""
        starts = "0-9０-９" + _ALL_CN + "负負\\-−－"
        run = starts + "点點几幾余餘多"
        follow = {a[0] for a, u in self.units.by_alias.items() if u.standalone}
        follow |= set("个和与與跟及/／又分 \t至到~～〜—–-－−")
        follow_cls = "".join(sorted(re.escape(c) for c in follow))
        lits = ["https://", "http://", "www."] + list(self.symbols) + [p for p, (_, u) in self.phrases.items() if u]
        self._starts = frozenset(c for c in "0123456789０１２３４５６７８９" + _ALL_CN + "负負-−－")
        run_chars = set(c for c in "0123456789０１２３４５６７８９点點几幾余餘多" + _ALL_CN + "负負-−－")
        if any(x[0] in run_chars for x in lits):
            return None   # a symbol or phrase that begins with a numeral: keep the one-stage scan
        # each literal as "its first character, then the rest": the pattern begins with one
        # character class, which lets `re` skip ahead at C speed to the next possible start
        by_first: dict[str, list[str]] = {}
        for x in sorted(lits, key=len, reverse=True):
            by_first.setdefault(x[0], []).append(x[1:])
        lit = "|".join(rf"(?<={re.escape(c)})" + (rf"(?=(?:{'|'.join(re.escape(r) for r in rests)}))"
                                                   if all(rests) else "")
                       for c, rests in by_first.items())
        first = "".join(sorted(re.escape(c) for c in by_first))
        return re.compile(rf"[{first}{run}](?:(?P<lit>{lit})|(?<=[{run}])(?<![{run}]{{2}})"
                          rf"(?:(?<=[0-9０-９])|[{run}]*?[0-9０-９]|[{run}]*?(?=[{follow_cls}]))[{run}]*+)")

    def _matches(self, text: str):
        """The matches of `strict` over `text`, found in two stages (see `_first_stage`)."""
        others_match, ranged, others = self._others.match, self._ranged.match, self._other_firsts
        starts = self._starts
        pos = 0   # where the last match ended: finditer never starts inside a match
        for c in self._candidates.finditer(text):
            s, e = c.span()
            if e <= pos:
                continue
            if c.group("lit") is not None:   # a symbol, phrase or URL begins here
                if s >= pos:
                    m = others_match(text, s) or ranged(text, s)
                    if m:
                        pos = m.end()
                        yield m
                continue
            p = max(s, pos)
            while p < e:
                if text[p] in starts:
                    # the full pattern tries the other alternatives first, then the last
                    m = (others_match(text, p) or ranged(text, p)) if text[p] in others else ranged(text, p)
                    if m:
                        yield m
                        p = pos = m.end()
                        continue
                p += 1

    # -- unit handling ------------------------------------------------------------------
    def _unit(self, written: str) -> tuple[Unit | None, str, Fraction, str | None]:
        """(unit, reported name, factor to apply, per-unit) for a written unit."""
        hit = self._unit_cache.get(written)
        if hit is None:
            if len(self._unit_cache) > 4096:
                self._unit_cache.clear()
            hit = self._unit_cache[written] = self._unit_uncached(written)
        return hit

    def _unit_uncached(self, written: str) -> tuple[Unit | None, str, Fraction, str | None]:
        written = "".join(written.split())
        m = self._per_re.match(written)
        per = None
        if m:
            written, per = m.group(1), m.group(2)
            per_unit = self.units.get(per)
            per = per_unit.name if per_unit else per
        unit = self.units.get(written)
        if unit is None:
            return None, written, Fraction(1), per
        name, factor = unit.name, Fraction(1)
        if unit.report_as:
            name, factor = unit.report_as, unit.factor
        if per:
            name = f"{name}/{per}"
        return unit, name, factor, per

    def _get(self, written: str | None) -> Unit | None:
        """The unit of a written unit, its per-part dropped (元/亩 → 元)."""
        if written is None:
            return None
        return self._unit(written)[0]

    # -- scanning -------------------------------------------------------------------------
    def scan(self, text: str, all_numbers: bool = False, warn=None, reference: bool = False) -> list[Quantity]:
        """Every quantity of `text`. A number beyond the limits (numerals.MAX_DIGITS) is
        skipped with a warning: warn(offset, message), or a NumberLimitWarning.
        `reference`: the one-stage scan (the full pattern at every position), kept to prove
        that the two-stage scan finds the same."""
        with localcontext(CONTEXT):  # exact arithmetic on values (not 28 digits)
            return self._scan(text, all_numbers, warn or _warn_limit, reference)

    def _scan(self, text: str, all_numbers: bool, warn, reference: bool = False) -> list[Quantity]:
        # --all-numbers keeps the one-stage scan: its loose grammar starts in more places
        matches = (self.loose.finditer(text) if all_numbers else
                   self.strict.finditer(text) if reference or self._candidates is None else self._matches(text))
        out: list[Quantity] = []
        refused: list[tuple[int, int]] = []    # numerals too long to read: nothing starts inside
        if self._long_run.search(text):
            for m in self._lazy("overlong-loose" if all_numbers else "overlong").finditer(text):   # one warning per numeral
                if not refused or m.start() != refused[-1][1]:
                    warn(m.start(), _refused(text, m.start(), f"a numeral of more than {MAX_PIECES} pieces"))
                refused.append(m.span())
        k = 0
        for m in matches:
            if m.re is not self._ranged and m.group("skip") is not None:
                continue
            if refused:
                while k < len(refused) and refused[k][1] <= m.start():
                    k += 1
                if k < len(refused) and refused[k][0] <= m.start():
                    continue
            try:
                q = self._build(text, m, all_numbers)
                if q and not _inside_limits(q):
                    raise NumberLimitError(f"magnitude beyond 10^±{MAX_DIGITS}")
            except NumberLimitError as exc:
                warn(m.start(), _refused(text, m.start(), str(exc)))
                continue
            except (NumeralError, ArithmeticError, ValueError):
                q = None
            if q is False:  # a date, an ordinal, a word: no number at all
                continue
            if q is None:
                if all_numbers:
                    out.extend(self._bare_parts(text, m))
                continue
            if isinstance(q, list):
                out.extend(q)
            else:
                out.append(q)
        return _join_bounds(text, out, all_numbers)

    def _bare_parts(self, text: str, m) -> list[Quantity]:
        """--all-numbers: the numbers of a match that is no quantity, each on its own."""
        out = []
        names = m.re.groupindex
        for g in ("n1", "n2", "n3", "n4", "b2", "n0"):
            if g not in names or m.group(g) is None:
                continue
            s, e = m.span(g)
            try:
                q = self._bare(text, s, e, m.group(g))
            except (NumeralError, ArithmeticError, ValueError):
                q = None
            if q is not None:
                out.append(q)
        return out

    def _bare(self, text: str, start: int, end: int, tok: str) -> Quantity | None:
        stripped = "".join(tok.split())
        if self._is_word(text, start, end, tok) or (len(stripped) == 1 and stripped in _WORD_DIGITS):
            return None
        if _digit_pair(stripped) or text[start - 1:start] in _ORDINAL_BEFORE and start > 0:
            return None
        value, over = _value(tok)
        return self._finish(text, start, end, value, None, None, over=over)

    def _is_word(self, text: str, start: int, end: int, tok: str) -> bool:
        """A word that merely contains a numeral (一切, 四川): the units file's not_numbers."""
        nn, chars = self.not_numbers, self._not_number_chars
        if text[start] not in chars and text[end - 1] not in chars:
            return False
        for p in (start, end - 1) if end - 1 > start else (start,):
            c = text[p]
            if c not in chars:
                continue
            for key in ((c, 1, text[p + 1:p + 2]), (c, -1, text[p - 1:p] if p else "")):
                for i, n, words in nn.get(key, ()):
                    ws = p - i
                    if ws >= 0 and (ws < start or ws + n > end) and text[ws:ws + n] in words:
                        return True  # the word reaches beyond the number: 一切, 四川
        return False

    def _build(self, text: str, m, all_numbers: bool):
        start = m.start()
        phrase, named, p1, b1, sym, n1, bare, n4, u1, n2, u2, ge, u3, n3, half, minor = _groups(m)
        if phrase is not None:
            value, unit = self.phrases[phrase]
            u = self.units.get(unit) if unit else None
            return self._finish(text, start, m.end(), value, unit, u.kind if u else None)
        if named is not None:
            u = self.units.get(named)
            return Quantity(start=start, end=m.end(), text_start=start, value=None, unit=u.name,
                            unit_kind=u.kind)
        if p1 is not None:
            return self._percent(text, m)
        if b1 is not None:
            return self._between(text, m)
        if sym is not None:
            return self._symbol(text, m)
        if bare is not None:
            if not all_numbers:
                return None
            return self._bare(text, start, m.end(), n1)
        if n4 is not None:  # a range without unit (--all-numbers)
            v1, _ = _value(n1)
            v2, _ = _value(n4)
            if v1 > v2 or self._is_word(text, start, m.end(), n1):
                return None
            return self._finish(text, start, m.end(), None, None, None, lo=v1, hi=v2)
        if u1 is not None:
            written, w2 = u1, u2
            if ge:  # 5个多月, 3个多小时: more than, and 个 belongs to the unit if it can
                if n2 is not None:
                    return None
                written = "个" + written if self.units.get("个" + written) else written
        else:
            written, n2, w2 = u3, n3, None
        unit, name, factor, per = self._unit(written)
        if unit is None:
            return None
        end = m.end()
        if w2 is not None and self._get(w2) is not unit:
            n2, w2, end = None, None, m.end("u1")  # 3万元-5万美元 is no range
        # a unit that is the start of another word: 四次会议, 两支持, 80年代
        follow = text[end:end + 4]
        last = self._get(w2 or written) or unit
        if last.not_before and follow.startswith(last.not_before):
            return False  # 四次会议 is an ordinal, 两支持 no number
        if last.not_after and text[max(0, start - 8):start].endswith(last.not_after):
            return False  # 红十字会: the word before the number shows the unit is none
        if self._is_word(text, start, m.end("n1"), n1) or n1 in _WORD_DIGITS:
            return False
        if n2 is None:
            value, over = _value(n1)
            over = over or bool(ge)
            if _digit_pair("".join(n1.split())) and unit.name != "折":
                return None
            why = self._not_a_quantity(text, start, n1, value, unit, over)
            if why == "article" or (why == "date" and n1 == "一"):
                why = None if half and unit.kind != "count" else why  # 一年半: no article
            if why:
                # articles (一个), dates and ordinals are no numbers, not even for --all-numbers
                return False
            value = self._percent_word(n1, value, unit)
            if value is None:
                return None
            if minor:
                if unit.kind != "money":
                    return None
                value += self._minor(minor, unit)
            if half and unit.kind != "count":
                value += Decimal("0.5")
            return self._finish(text, start, end, value * from_fraction(factor),
                                name, unit.kind, over=over)
        # a range: 3至5万亩, 20%~30%, 2021-2025年
        v1, o1 = _value(n1)
        v2, o2 = _value(n2)
        if unit.kind == "time" and (_is_date(n1, v1, unit) or _is_date(n2, v2, unit)):
            return False  # 2021-2025年: dates, not numbers
        if _is_ordinal_or_name(text, start, n1):
            return False
        if w2 is None:
            mult = _trailing_multiplier(n2)
            if mult != 1 and _trailing_multiplier(n1) == 1 and v1 * mult <= v2:
                v1 = v1 * mult
        f = from_fraction(factor)
        if v1 > v2:  # not a range but a subtraction or a code (e.g. 10-3)
            return None
        return self._finish(text, start, end, None, name, unit.kind, lo=v1 * f, hi=v2 * f)

    def _minor(self, written: str, major: Unit) -> Decimal:
        """5元3角, 两美元又三美分: the smaller coins added to the major unit."""
        total = Decimal(0)
        names = self._minor_names
        rest = "".join(written.split()).lstrip("又")
        while rest:
            for a in names:
                i = rest.find(a)
                if i > 0:
                    u = self.units.get(a)
                    if u.dimension != major.dimension:
                        raise NumeralError(written)
                    f = u.factor / major.factor
                    total += parse_number(rest[:i]) * from_fraction(f)
                    rest = rest[i + len(a):].lstrip("又")
                    break
            else:
                raise NumeralError(written)
        return total

    def _percent(self, text: str, m) -> Quantity:
        start = m.start()

        def value(s: str) -> Decimal:
            s = "".join(s.split())
            sign = 1
            if s[0] in "负負-−－":  # 负百分之五 = 百分之负五 = -5 %
                sign, s = -1, s[1:]
            den, _, num = s.partition("之")
            den = den[:-1]  # 分
            d = Decimal(1)
            for c in den.translate(str.maketrans("佰仟萬", "百千万")):
                d *= {"百": 100, "千": 1000, "万": 10000}[c]
            n = Decimal(100) if num == "百" else parse_number(num)
            return sign * n * 100 / d

        v1 = value(m.group("p1"))
        if m.group("p2") is not None:
            return self._finish(text, start, m.end(), None, "%", "percent", lo=v1, hi=value(m.group("p2")))
        return self._finish(text, start, m.end(), v1, "%", "percent")

    def _between(self, text: str, m):
        """在20和30之间, 10000与20000间."""
        v1, _ = _value(m.group("n1"))
        v2, _ = _value(m.group("b2"))
        w1, w2 = m.group("bu1"), m.group("bu2")
        written = w2 or w1
        name, kind, f = None, None, Fraction(1)
        if written is not None:
            unit, name, f, _ = self._unit(written)
            if unit is None or (w1 is not None and w2 is not None and self._get(w1) is not self._get(w2)):
                return None
            kind = unit.kind
        if w1 is None:  # 在20和30万元之间: the multiplier of the second number applies to both
            mult = _trailing_multiplier(m.group("b2"))
            if mult != 1 and _trailing_multiplier(m.group("n1")) == 1 and v1 * mult <= v2:
                v1 = v1 * mult
        if v1 > v2:
            v1, v2 = v2, v1
        fd = from_fraction(f)
        q = self._finish(text, m.start(), m.end(), None, name, kind, lo=v1 * fd, hi=v2 * fd)
        return q

    def _symbol(self, text: str, m):
        """￥300, $20, 人民币 50 元: a currency written before the amount."""
        sym_unit = self.units.get(self.symbols[m.group("sym")])
        n0 = m.group("n0")
        value, over = _value(n0)
        if m.group("u0") is not None:
            unit, name, factor, _ = self._unit(m.group("u0"))
            if unit is None:
                return None
            if unit.kind == "money" and unit.dimension != sym_unit.dimension:
                return None
            if unit.kind != "money":  # 人民币 5 个: the symbol names no amount here
                return None
        else:
            unit, name, factor = sym_unit, sym_unit.name, Fraction(1)
        q = self._finish(text, m.start("n0"), m.end(), value * from_fraction(factor),
                         name, unit.kind, over=over)
        q.text_start = min(q.text_start, m.start())
        return q

    def _percent_word(self, n1: str, value: Decimal, unit: Unit) -> Decimal | None:
        if unit.name == "成":
            return value if value <= 10 else None
        if unit.name == "折":
            if value < 10:
                return value
            if 10 < value < 100 and ("." not in n1 and "点" not in n1 and "點" not in n1):  # 七五折 → 75 %
                return value / 10
            return None
        return value

    def _finish(self, text, start, end, value, unit, kind, over=False, lo=None, hi=None) -> Quantity:
        qual, text_start, word = self.qualifiers.prefix(text, start)
        exact = False
        if word == "比":  # 比三十大, 比 170 低: the comparison closes after the number
            qual, text_start = None, start
            i = end
            while i < len(text) and text[i] in " \t\u3000":
                i += 1
            if text[i:i + 1] in _COMPARE_AFTER:
                qual, text_start, end = _COMPARE_AFTER[text[i]], text_start - 1, i + 1
        elif word in EXACT_WORDS:
            qual, exact = None, True
        suffix, end = self.qualifiers.suffix(text, end)
        if over and qual in (None, "approx"):
            qual = "over"
        if qual is None:
            qual = suffix
        if qual is None and not exact:
            qual = self.qualifiers.governing(text, start)
        q = Quantity(start=start, end=end, text_start=text_start, value=value, unit=unit,
                     qualifier=qual, min=lo, max=hi, unit_kind=kind)
        if value is not None:
            if exact:
                q.min = q.max = value
            elif qual in ("over", "min"):
                q.min = value
            elif qual in ("under", "max"):
                q.max = value
        return q

    # -- what is not a quantity -------------------------------------------------------------
    @staticmethod
    def _not_a_quantity(text, start, n1, value, unit: Unit, over) -> str | None:
        """Why a number with a unit is no quantity: "ordinal", "date", "article" or None."""
        if _is_ordinal_or_name(text, start, n1):
            return "ordinal"
        if unit.kind == "time" and not over and _is_date(n1, value, unit):
            return "date"
        # 一 + measure word read as an article: 一个二维码, 一家企业, 一年来
        if n1 == "一" and unit.kind in ("count", "time") and not unit.report_as:
            return "article" if unit.kind == "count" else "date"
        return None


def _inside_limits(q) -> bool:
    for x in (q if isinstance(q, list) else (q,)):
        for v in (x.value, x.min, x.max):
            if v is not None and not within_limits(v):
                return False
    return True


def _refused(text: str, start: int, why: str) -> str:
    shown = text[start:start + 30].split("\n", 1)[0]
    return f"number not read ({why}; the limit is {MAX_DIGITS} digits): {shown}{'…' if len(shown) == 30 else ''}"


def _warn_limit(offset: int, message: str) -> None:
    warnings.warn(f"at offset {offset}: {message}", NumberLimitWarning, stacklevel=4)


def _is_ordinal_or_name(text: str, start: int, n1: str) -> bool:
    """第五, 初三, 周一; or a numbered slogan in quotation marks: “六个工程”."""
    before = text[max(0, start - 1):start]
    if before and before in _ORDINAL_BEFORE:
        return True
    # a numbered slogan in quotation marks: “六个工程”, “两个确立”
    return before in _OPEN_QUOTES and not n1[0].isdigit() and \
        any(text.find(c, start, start + 10) >= 0 for c in _CLOSE_QUOTES)


def _is_date(n1: str, value: Decimal, unit: Unit) -> bool:
    """2025年, 二〇二五年, 3月, 1日."""
    if unit.name == "年":
        if value == value.to_integral_value() and 1000 <= value <= 2200:
            return "多" not in n1 and "余" not in n1
        # 二〇二五年: Chinese digits written one by one
        return len(n1) == 4 and not any(c in "十百千万" for c in n1)
    if unit.name == "月":
        return value == value.to_integral_value() and 1 <= value <= 12
    if unit.name == "日":
        return value == value.to_integral_value() and 1 <= value <= 31
    return False


#: the groups `_build` reads, in this order (a pattern that lacks one gives None for it)
_GROUPS = ("phrase", "named", "p1", "b1", "sym", "n1", "bare", "n4", "u1", "n2", "u2", "ge", "u3", "n3",
           "half", "minor")
_GETTERS: dict = {}


def _groups(m) -> tuple:
    """The values of `_GROUPS` in a match: one ``groups()`` call and one C-level itemgetter,
    not a Python call per name (this runs for every match)."""
    get = _GETTERS.get(m.re)
    if get is None:
        index, n = m.re.groupindex, m.re.groups
        get = _GETTERS[m.re] = itemgetter(*(index[g] - 1 if g in index else n for g in _GROUPS))
    return get(m.groups() + (None,))


def _digit_pair(tok: str) -> bool:
    """两三, 一两, 三五: two Chinese digits side by side are an estimate, not a number."""
    return (len(tok) == 2 and all(c in CN_DIGITS + LIANG for c in tok)
            and not any(c in "零〇○" for c in tok))


_APPROX_CHARS = str.maketrans("", "", "余餘多几幾")


def _value(tok: str) -> tuple[Decimal, bool]:
    """Value of a number token and whether it carries 余/多/几 (more than)."""
    stripped = tok.translate(_APPROX_CHARS)
    over = len(stripped) != len(tok)
    return parse_number(stripped if over else tok), over


def _trailing_multiplier(tok: str) -> Decimal:
    tok = "".join(tok.translate(_APPROX_CHARS).split())
    mult = Decimal(1)
    values = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
    i = len(tok)
    while i > 0 and tok[i - 1] in values:
        i -= 1
    if i == len(tok) or not (tok[:i] and tok[:i][-1].isdigit()):
        return mult
    for ch in tok[i:]:
        mult *= values[ch]
    return mult


class Qualifiers:
    """The qualifier words of a units file: before the number (约, 超过, 最高 …), after the
    unit (左右, 以上 …), and max/min words that govern a number a few words later
    (最高可享受…下浮5%, 最长能达到10年)."""

    def __init__(self, section: dict):
        self.before: dict[str, str] = dict(section.get("before") or {})
        self.after: dict[str, str] = dict(section.get("after") or {})
        self.verbs = tuple(section.get("governing_verbs") or ())
        self.reach = int(section.get("reach") or 0)
        self.not_after: dict[str, str] = {k: "".join(v) for k, v in (section.get("not_after") or {}).items()}
        # 大于/小于 and signs compare only right before the number, never from afar
        self.governing_words = {k: v for k, v in self.before.items() if v in ("max", "min") and len(k) > 1
                          and not k.startswith(("小于", "大于", "<", ">", "＜", "＞"))}
        # one C-level search says whether a window holds any such word at all (most don't)
        self._governing_re = re.compile("|".join(map(re.escape, self.governing_words))) if self.governing_words else None
        words = sorted([*self.before, *EXACT_WORDS, "比"], key=len, reverse=True)
        self._by_last: dict[str, list[str]] = {}
        for w in words:
            self._by_last.setdefault(w[-1], []).append(w)
        self._last_chars = frozenset(self._by_last) | frozenset(g for g in _GLUE if g)
        self._glue_chars = frozenset(g for g in _GLUE if g)
        assert all(len(g) <= 1 for g in _GLUE)   # the quick test in `prefix` looks one glue character back
        self._after_words = sorted(self.after, key=len, reverse=True)
        self._after_first = frozenset(w[0] for w in self.after) | frozenset("多余 \t\u3000")

    def prefix(self, text: str, start: int) -> tuple[str | None, int, str | None]:
        """A qualifier word right before the number: (qualifier, where its text starts, word).

        Spaces inside and after the word are skipped (小于 或 等于 100)."""
        i = start
        while i > 0 and text[i - 1] in " \t\u3000":
            i -= 1
        if i == 0 or text[i - 1] not in self._last_chars:
            return None, start, None
        if text[i - 1] not in self._by_last:
            # a glue character (为, 达, 是 …) is common: a word can only end right before it
            i -= 1
            while i > 0 and text[i - 1] in " \t\u3000":
                i -= 1
            if i == 0 or text[i - 1] not in self._by_last:
                return None, start, None
        chars, pos = [], []
        i = start
        while i > 0 and len(chars) < 8 and start - i < 16:
            i -= 1
            c = text[i]
            if c in " \t\u3000":
                continue
            if c in _CLAUSE_END:
                break
            chars.append(c)
            pos.append(i)
        if not chars:
            return None, start, None
        chars.reverse()
        pos.reverse()
        window = "".join(chars)
        for glue in _GLUE:
            if glue and not window.endswith(glue):
                continue
            w = window[: len(window) - len(glue)] if glue else window
            for word in self._by_last.get(w[-1:], ()):
                if w.endswith(word):
                    if len(word) == 1 and len(w) > 1 and w[-2] in self.not_after.get(word, ""):
                        continue  # 节约, 最近, 赶超: part of another word
                    if word == "比" and glue:
                        continue
                    at = pos[len(w) - len(word)]
                    return self.before.get(word), at, word
        return None, start, None

    def suffix(self, text: str, end: int) -> tuple[str | None, int]:
        """A qualifier word right after the unit (spaces allowed before a two-character one)."""
        if text[end:end + 1] not in self._after_first:
            return None, end
        i = end
        while i < len(text) and i < end + 3 and text[i] in " \t\u3000":
            i += 1
        if i > end and len(text[i:i + 2]) == 2 and text[i:i + 2] in self.after:
            return self.after[text[i:i + 2]], i + 2
        window = text[end:end + 4]
        for word in self._after_words:
            if window.startswith(word):
                return self.after[word], end + len(word)
        if window[:1] in ("多", "余") and window[1:2] in ("", "，", "。", "、", "；", " ", "的"):
            return "over", end + 1
        return None, end

    def governing(self, text: str, start: int) -> str | None:
        """max/min from a word up to `reach` characters back in the clause, followed by a
        verb such as 可 or 能 (最高可享受…下浮5%), with no number between."""
        lo = max(0, start - self.reach)
        window = text[lo:start]
        if self._governing_re is None or not self._governing_re.search(window):
            return None
        for i in range(len(window) - 1, -1, -1):
            ch = window[i]
            if ch in _CLAUSE_END or ch.isdigit():
                return None
            for word, qual in self.governing_words.items():
                if window.startswith(word, i) and window[i + len(word): i + len(word) + 1] in self.verbs:
                    return qual
        return None


def _join_bounds(text: str, qs: list[Quantity], loose: bool) -> list[Quantity]:
    """A lower and an upper bound written one after the other make one range:
    大于100并且小于300, 最多100最少20个 (and with --all-numbers: 1000以上，1500以下)."""
    gap_re = _RANGE_GAP_LOOSE if loose else _RANGE_GAP
    out: list[Quantity] = []
    i = 0
    while i < len(qs):
        a = qs[i]
        if i + 1 < len(qs) and a.value is not None:
            b = qs[i + 1]
            lo_a, hi_a = a.qualifier in ("over", "min"), a.qualifier in ("under", "max")
            lo_b, hi_b = b.qualifier in ("over", "min"), b.qualifier in ("under", "max")
            if b.value is not None and ((lo_a and hi_b) or (hi_a and lo_b)) and \
                    (a.unit == b.unit or a.unit is None or b.unit is None) and \
                    (loose or (a.text_start != a.start and b.text_start != b.start)) and \
                    gap_re.fullmatch(text, a.end, b.text_start):
                lo, hi = (a.value, b.value) if lo_a else (b.value, a.value)
                if lo < hi:
                    out.append(Quantity(start=a.start, end=b.end, text_start=a.text_start, value=None,
                                        unit=a.unit or b.unit, qualifier=None, min=lo, max=hi,
                                        unit_kind=a.unit_kind or b.unit_kind))
                    i += 2
                    continue
        out.append(a)
        i += 1
    return out


@lru_cache(maxsize=8)
def scanner_for(units: Units) -> Scanner:
    return Scanner(units)
