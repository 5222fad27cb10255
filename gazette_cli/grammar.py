"""The quantity grammar of a units file, compiled, and the two-stage search for its matches.

The grammar itself (what a number is) is `numerals`; this module puts it together with the
units file (unit spellings, currency symbols, number phrases, names) into the patterns the
scanner runs, and finds their matches in a text in two stages (`Grammar.matches`): a cheap
stdlib pass for where a quantity can start, the full grammar only there. What a match
means (its value, unit, qualifier, whether it is a date) is `quantities.Scanner`.
"""
from __future__ import annotations

import re
from decimal import Decimal

import regex

from .compiled import compile_pattern
from .numerals import _ALL_CN, CN_DIGITS, CN_POWERS, LIANG, MAX_PIECES, SPACE, fraction, number, overlong
from .units import Units

CONNECTORS = r"(?:至|到|~|～|〜|—{1,2}|–|-|－|−)"
_SPACE = SPACE


def _spelling(s: str, loose: bool) -> str:
    """A unit spelling as regex: Latin endings not inside a word; loose: spaced characters."""
    if loose and len(s) > 1 and not s.isascii():
        out = _SPACE.join(regex.escape(c) for c in s)
    else:
        out = regex.escape(s)
    if s[-1].isascii() and s[-1].isalpha():
        out += "(?![A-Za-z])"
    return out


_LONG_RUN = re.compile(rf"[0-9０-９{_ALL_CN}.．][0-9０-９{_ALL_CN}点點.,， \t\u3000]{{{MAX_PIECES - 1}}}")


def _char_class(chars) -> str:
    """The inside of a `re` character class of these characters (sorted: the pattern is a
    cache key, and the same characters make the same key)."""
    return "".join(sorted(re.escape(c) for c in chars))


class Grammar:
    """The compiled patterns of one units file (see the module docstring)."""

    def __init__(self, units: Units, symbols: dict[str, str], phrases: dict[str, tuple[Decimal, str | None]],
                 named: list[str], qualifiers):
        self.units, self.symbols, self.phrases, self.named = units, symbols, phrases, named
        extra = units.scanner
        # power characters that begin a unit (千米, 兆字节, 百分点) are no multiplier there
        prefixed: dict[str, list[str]] = {}
        for alias in units.by_alias:
            if len(alias) > 1 and alias[0] in CN_POWERS:
                prefixed.setdefault(alias[0], []).append(alias[1:])
        # 逾千家, 近万人: after these qualifier words a power alone is a number; a word's
        # not_after characters (最近, 赶超) cancel it as they cancel the qualifier
        after = []
        for w in extra.get("bare_powers_after") or []:
            cancel = qualifiers.not_after.get(w, "") if len(w) == 1 else ""
            after.append(rf"(?<={regex.escape(w)})" + (rf"(?<![{regex.escape(cancel)}]{regex.escape(w)})" if cancel else ""))
        self.power_after = "(?:" + "|".join(after) + ")" if after else ""
        self.implied = bool(extra.get("implied_units"))
        self._prefixed = prefixed
        # Compiling is most of the start-up (each copy of the number grammar in a pattern
        # costs ~10 ms), so only what an `extract` needs is compiled here: the last
        # alternative of the full pattern alone (`ranged`: a number, its unit, a range),
        # which is what the full pattern comes down to at any character that starts none
        # of the other alternatives (nearly every digit and numeral), and those others
        # (`others`: a URL, a number phrase, a percent word, a currency symbol). The full
        # one-stage pattern (`strict`, the reference), the --all-numbers one (`loose`) and
        # the overlong-numeral ones are compiled on first use.
        self._lists: dict[str, list[str]] = {}
        *others, ranged = self._pattern(False, prefixed, self._lists)
        self.ranged = compile_pattern(ranged, regex.V0, **self._used_lists(ranged))
        self.others = compile_pattern("(?:" + "|".join(others) + ")", regex.V0, **self._used_lists(others))
        self._other_firsts = frozenset("hw负負-−－百佰千仟万萬" + "".join(x[0] for x in self.symbols)
                                       + "".join(p[0] for p, (_, u) in self.phrases.items() if u))
        self.candidates = self._first_stage()
        self._compiled: dict[str, regex.Pattern] = {}
        self._fast = _FastPath(self)

    def _alternation(self, loose: bool, standalone_only: bool = True, only=None, lists: dict | None = None,
                     name: str = "") -> str:
        """The unit spellings as one pattern, longest first. Strict, they are a named list of
        `regex` (``\\L<name>``, passed to compile in `lists`): matched by set lookup, longest
        first and shorter on backtracking, exactly as the sorted alternation, but compiled in
        a fraction of the time (the alternation was most of a 69 KB pattern)."""
        names = self.units.spellings(standalone_only, only)
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
        elif self.implied:
            # a figure in 亿 with no unit: the scanner asks whether a word before it implies one
            ranged += r"|(?<=[亿億])(?P<bare>)"
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

    def overlong(self, text: str, loose: bool):
        """The numerals of more than MAX_PIECES pieces in `text` (numerals.overlong; their
        first MAX_PIECES). Found by their own pass, kept out of the main pattern, where trying
        them at every failing position cost a third of the scan; and only where one C-speed
        search finds a run of numeral characters that long (starting where a numeral can: a
        comma or a space, which are everywhere, starts no try)."""
        if not _LONG_RUN.search(text):
            return iter(())
        return self._lazy("overlong-loose" if loose else "overlong").finditer(text)

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
        # where a match can start (a digit, a numeral, a sign) and what a number's run holds
        self._starts = starts = frozenset("0123456789０１２３４５６７８９" + _ALL_CN + "负負-−－")
        run_chars = starts | frozenset("点點几幾余餘多")
        run = _char_class(run_chars)
        follow = {a[0] for a in self.units.spellings()} | set("个和与與跟及/／又分 \t至到~～〜—–-－−")
        if self.implied:   # a run with 亿 in it may stand alone (百亿: a unit implied by a word before it)
            follow |= set("亿億")
        follow_cls = _char_class(follow)
        lits = ["https://", "http://", "www."] + list(self.symbols) + [p for p, (_, u) in self.phrases.items() if u]
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
        first = _char_class(by_first)
        return re.compile(rf"[{first}{run}](?:(?P<lit>{lit})|(?<=[{run}])(?<![{run}]{{2}})"
                          rf"(?:(?<=[0-9０-９])|[{run}]*?[0-9０-９]|[{run}]*?(?=[{follow_cls}]))[{run}]*+)")

    def matches(self, text: str):
        """The matches of `strict` over `text`, found in two stages (see `_first_stage`).
        At an ASCII digit, `_FastPath` reads the commonest shape (digits, 万/亿, a unit)
        itself and calls the grammar only where it cannot be sure."""
        others_match, ranged, others = self.others.match, self.ranged.match, self._other_firsts
        starts, fast, slow = self._starts, self._fast.match, _SLOW
        fast_firsts = self._fast.firsts
        pos = 0   # where the last match ended: finditer never starts inside a match
        for c in self.candidates.finditer(text):
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
            p = s if s >= pos else pos
            while p < e:
                c = text[p]
                if c in fast_firsts:   # an ASCII or lone Chinese digit: no other alternative starts here
                    m = fast(text, p)
                    if m is slow:
                        m = ranged(text, p)
                    if m:
                        yield m
                        p = pos = m.end()
                        continue
                elif c in starts:
                    # the full pattern tries the other alternatives first, then the last
                    m = (others_match(text, p) or ranged(text, p)) if c in others else ranged(text, p)
                    if m:
                        yield m
                        p = pos = m.end()
                        continue
                p += 1




_ASCII_DIGITS = frozenset("0123456789")
_SLOW = object()   # the fast path cannot tell: ask the grammar


class _FastMatch(tuple):
    """What `_FastPath` found, read like the grammar's match by `quantities.Scanner`:
    (start, end, groups), the groups those of `ranged` with only n1 (the number) and u1
    (its unit) set. A tuple: made at C speed (this is made for most quantities). Each
    `_FastPath` has its own subclass, whose `re` is its grammar's `ranged`."""

    __slots__ = ()
    re = None

    def start(self, group=0) -> int:
        return self[0]

    def end(self, group=0) -> int:
        return self[1]

    def span(self, group=0) -> tuple[int, int]:
        return self[0], self[1]

    def groups(self) -> tuple:
        return self[2]

    def group(self, name=0):
        if name == 0:
            raise NotImplementedError   # nothing reads the whole match
        return self[2][self.re.groupindex[name] - 1]


class _FastPath:
    """The commonest quantity, read without the grammar: ASCII digits (with one decimal
    part) and up to three of 万/亿, or one Chinese digit; then a unit spelling, and nothing
    after it that could go on (a range, a per-unit, smaller coins, 半). The grammar costs
    ~6 µs a match in `regex` (its look-arounds, the atomic number and its maximality
    check, the unit list); two stdlib `re` matches without look-arounds and a few set
    lookups cost a fraction of that. Hand-written because no library matches a grammar's
    common case and proves it equal to the whole.

    It answers exactly what `Grammar.ranged.match(text, p)` answers, or `_SLOW` wherever a
    character could make the grammar take another way: any character before the number
    that a look-behind of the number's head reads (a digit, a letter, a space, a point or a
    comma, a power, a sign), any character after it that could continue the number, its
    fraction or the match (a numeral, a space, a point, 余/多/几, 分/又//, a connector, 个多,
    和/与 of 在X和Y之间 within the look-ahead's reach). Only when no unit spelling begins
    after such a number does it answer None, the grammar's own answer there: every branch
    of `ranged` needs a unit, a connector or 和/与 at that point. `tests/test_two_stage.py`
    compares it with `ranged.match` at every digit of every corpus text and of generated
    strings."""

    def __init__(self, grammar: "Grammar"):
        from .numerals import _ALL_CN
        self.pattern = grammar.ranged
        self.implied = grammar.implied
        units = grammar.units.spellings()   # the grammar's units list, longest first
        self.by_first: dict[str, tuple[str, ...]] = {}
        for u in units:
            self.by_first[u[0]] = self.by_first.get(u[0], ()) + (u,)
        # powers that begin no unit spelling (千米, 百分点 keep their powers out of the number)
        powers = _char_class(c for c in "万萬亿億" if c not in grammar._prefixed)
        ascii_letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
        digits = "0123456789０１２３４５６７８９"
        spaces = " \t\u3000"
        # a lone Chinese digit that starts none of the grammar's other alternatives
        cn_digits = frozenset("一二三四五六七八九两") - grammar._other_firsts
        self.firsts = _ASCII_DIGITS | cn_digits
        # the number, then the gap before its unit: spaces between the digits and 万/亿
        # belong to the number (500 万), other spaces to the gap (3 公里)
        number = (rf"[0-9]+(?:\.[0-9]+)?(?:[ \t]*[{powers}]{{1,3}})?|[{_char_class(cn_digits)}]" if powers
                  else rf"[0-9]+(?:\.[0-9]+)?|[{_char_class(cn_digits)}]")
        # ... unless 和/与 follows soon: the grammar's 在X和Y之间 looks ahead for it
        self.number = re.compile(rf"(?:{number})(?![^，。；、\n]{{0,8}}?[和与與跟及])()[ \t]*")
        # after a digit or a Latin letter no number starts (the head's first look-behind)
        self.inside = frozenset(digits + ascii_letters)
        self.digits = frozenset(digits)
        # before an ASCII digit: what the head's look-behinds read (a space or a tab only
        # after a digit: 1 9 9 8, a number typeset spaced); before a Chinese digit: any digit,
        # letter or space. Before either: a numeral, 点, 余/多/几 or a sign
        numeral = _ALL_CN + "零〇○余餘多几幾点點负負-−－"
        self.before = frozenset(spaces + ".,．，/／^" + numeral)
        self.before_cn = frozenset(digits + ascii_letters + spaces + numeral)
        connectors = "至到~～〜—–-－−"
        # what may not follow the number: more of it, its fraction, a space, a connector
        self.after_number = frozenset(digits + spaces + ".,．eE^" + _ALL_CN + "零〇○余餘多几幾点點/／又分"
                                      + connectors)
        # what may not follow the unit (after spaces): a per-unit, a range, smaller coins, 半
        self.after_unit = re.compile(rf"[ \t\u3000]*[{_char_class(set(digits + _ALL_CN + '零〇○又半/／每' + connectors))}]")
        self.letters = frozenset(ascii_letters)   # km: not inside a word (the grammar backtracks)
        index, n = self.pattern.groupindex, self.pattern.groups
        n1, u1 = index["n1"] - 1, index["u1"] - 1
        assert n1 < u1
        self.none1, self.none2, self.none3 = (None,) * n1, (None,) * (u1 - n1 - 1), (None,) * (n - u1 - 1)
        self.made = type("_FastMatch", (_FastMatch,), {"__slots__": (), "re": self.pattern})

    def match(self, text: str, p: int):
        if p:
            b = text[p - 1]
            if text[p] in _ASCII_DIGITS:
                if b in self.inside:
                    return None
                if b in self.before and (b not in " \t" or (p > 1 and text[p - 2] in self.digits)):
                    return _SLOW
            elif b in self.before_cn:
                return _SLOW
        m = self.number.match(text, p)
        if m is None:   # 和/与 ahead
            return _SLOW
        e, u = m.end(1), m.end()
        if u >= len(text):   # nothing follows: no unit, connector or 和
            return _SLOW if self.implied and text[e - 1] in "亿億" else None
        c = text[u]
        if c in self.after_number:
            return _SLOW
        if c == "个" and text.startswith(("个多", "个余"), u):
            return _SLOW
        for unit in self.by_first.get(c, ()):
            if text.startswith(unit, u):
                break
        else:   # no unit: none, or one a word before a figure in 亿 implies (the grammar's to say)
            return _SLOW if self.implied and text[e - 1] in "亿億" else None
        ue = u + len(unit)
        if unit[-1] in self.letters or self.after_unit.match(text, ue):
            return _SLOW
        return self.made((p, ue, (*self.none1, text[p:e], *self.none2, unit, *self.none3)))
