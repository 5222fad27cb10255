"""Attribution: which rule (and so which metric) claims each quantity of a text.

The stage between the scan (``quantities``) and the records (``extraction``). It talks to
the loaded ``RuleSet`` only: every way a rule can claim a quantity is a field of the rule
(documented in rules/README.md), never a case written here for one kind of sentence.

A rule claims a quantity in its unit in one of five ways, tried in this order of strength:

``near``     one of its keywords stands within ``before``/``after`` characters of the
             quantity in the same clause, with none of its ``exclude`` words between;
``pattern``  one of its regex ``patterns`` matches the sentence with ``{Q}`` on it;
``scope``    one of its keywords governs a list the quantity stands in
             (防沙治沙共完成人工造林120万亩、封山育林80万亩、工程固沙10万亩): the list runs on over
             ，、；： and 其中 to the end of the sentence, and ends early at an ``exclude`` word, a
             ``scope.stop`` word or a keyword of another metric;
``column``   one of its keywords heads the column of a flattened table the quantity
             stands in (承办单位 受理量 办结率 满意率 / 市人社局 1862件 99.6% 98.7%);
``topic``    no other claim, and the section the quantity stands in is about the rule's
             subject (its ``topic.words`` occur there): 云杉 300万株 under 二、育苗情况.

A rule with ``context`` keeps its claims only where the quantity's paragraph (section,
document) mentions one of its context words. When several rules claim one quantity the
winner has the higher ``priority``, then the stronger way (near and pattern before column
and scope before topic), then the closer match, then file order. The cost follows the quantities found and the sentences that hold them, not
the number of rules times the length of the text.
"""
from __future__ import annotations

import re
import warnings as _warnings
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from .quantities import Quantity
from .reflow import ROW_ITEM, WIDE_GAP
from .rules import PATTERN_TIMEOUT, SENTINEL, Rule, RuleSet
from .tables import Tables

#: an ASCII full stop where a web copy has it for 。: after a Chinese character, a closing
#: quote/bracket or a percent sign (占14.6%.全县…) and not before a digit (never the point of 9.97)
_ASCII_STOP = r"\.(?<=[\u3400-\u9fff”’\"')）%％]\.)(?!\d)"   # the look-behind after the dot: `re` skips to dots
#: what ends a sentence for the near test and the record's context (found by
#: _sentence_ends, faster, in two passes)
_SENTENCE_END = re.compile(rf"[。；;！？!?\n]|{_ASCII_STOP}")
#: the ways of claiming, strongest first (the rank in the precedence)
HOW_RANK = {"near": 0, "pattern": 0, "column": 1, "scope": 1, "topic": 2, "echo": 2}


class RuleTimeoutWarning(UserWarning):
    """A rule's pattern hit its time limit on a sentence and was skipped there."""


@dataclass
class Claim:
    """One rule's claim on one quantity: how it was made, from which keyword, how close."""

    rule: Rule
    distance: int
    how: str = "near"
    keyword: str | None = None
    at: int | None = None          # a list claim: where its governing keyword starts

    def key(self):
        return (-self.rule.priority, HOW_RANK[self.how], self.distance, self.rule.order)

    def reason(self) -> str:
        """As `explain` shows it: ``near 造林 (1)``, ``scope 防沙治沙 (23)``, ``pattern (14)``."""
        word = f" {self.keyword}" if self.keyword else ""
        return f"{self.how}{word} ({self.distance})"


#: the last character of a line whose list goes on on the next line (a period does not end there)
_LIST_GOES_ON = frozenset("：:；;，,、")


class Sentences:
    """Sentence ends of one text, found once (when first asked for); bounds looked up by
    bisection."""

    def __init__(self, text: str, ends: list[int] | None = None):
        self.text = text
        self._ends = ends
        self._periods: dict = {}           # the scope.through pattern → the periods

    @property
    def ends(self) -> list[int]:
        if self._ends is None:
            self._ends = _sentence_ends(self.text)
        return self._ends

    def periods(self, through: "re.Pattern | None" = None) -> "Sentences":
        """The sentences a list may run through: these sentence ends less ；and ; (found
        once, from the ends already found, not by another pass over the text), less the 。
        of a numbered lead phrase and a 。 that `through` matches at (the rules'
        scope.through words: 。其中，…)."""
        found = self._periods.get(through)
        if found is None:
            text = self.text
            # （二）普惠小微贷款。余额41.6亿元: the 。 of a lead phrase does not end the list
            leads = set()
            if "。" in text:
                leads.update(m.end() - 1 for m in _LEAD.finditer(text))
                first = _LEAD.match("\n" + text[:_LEAD_LONGEST])   # the text's first line
                if first:
                    leads.add(first.end() - 2)
            if through is not None and ("。" in text or "\n" in text):
                leads.update(m.start() for m in through.finditer(text))
            # a line that ends in a list's separator (…分别为： / 农业银行：8.2亿元； / …) goes on
            # with the list on the next line
            leads.update(i for i in self.ends if text[i] == "\n" and i and text[i - 1] in _LIST_GOES_ON)
            # …and so does a line of a list written one item a line (东城区 312.5亿元，同比增长10.6% /
            # 临河县 168.3亿元，…: reflow.ROW_ITEM keeps their breaks)
            leads.update(m.start() for m in ROW_ITEM.finditer(text))
            ends = [i for i in self.ends if text[i] not in ";；" and i not in leads]
            found = self._periods[through] = Sentences(text, ends)
        return found

    def bounds(self, start: int, end: int, limit: int = 300) -> tuple[int, int]:
        """The sentence around text[start:end]: after the previous sentence end, up to and
        including the next (a line break is not included); at most `limit` characters
        each way."""
        ends = self.ends
        k = bisect_left(ends, start)
        lo = ends[k - 1] + 1 if k else 0
        lo = max(lo, start - limit, 0)
        k = bisect_left(ends, end, k)
        if k < len(ends) and ends[k] < end + limit:
            hi = ends[k]
            if self.text[hi] != "\n":
                hi += 1
        else:
            hi = min(len(self.text), end + limit)
        return lo, hi


#: a numbered lead phrase that opens a paragraph as a sentence of its own and names the
#: subject of what follows — （二）普惠小微贷款。 一是国土绿化。 3.创业担保贷款。 — does not end a
#: list (its 。 is the last character of the match; the first line is matched with a "\n" put in front)
_LEAD = re.compile(r"\n[ \t\u3000]*(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}(?:、|是)|\d{1,2}[、.．])"
                   r"[^，,：:；;。！？!?\d\n]{2,16}。")
_LEAD_LONGEST = 30

#: the one-character sentence ends (_SENTENCE_END less the ASCII stop): a plain character
#: class, which `re` scans about twice as fast as the alternation
_END_CHARS = re.compile(r"[。；;！？!?\n]")
_ASCII_STOP_RE = re.compile(_ASCII_STOP)


def _sentence_ends(text: str) -> list[int]:
    """The offsets _SENTENCE_END matches at, in order (every match is one character, so the
    ends of its two alternatives can be found apart and merged)."""
    ends = list(map(_MATCH_START, _END_CHARS.finditer(text)))
    if "." in text:
        dots = list(map(_MATCH_START, _ASCII_STOP_RE.finditer(text)))
        if dots:
            ends = sorted(ends + dots)      # two sorted runs: one merge
    return ends


_MATCH_START = re.Match.start


class _Doc:
    """What the passes of one `attribute` call share about its text, each part found when
    first needed: the sentences, the sections and tables, and the keyword hits."""

    def __init__(self, text: str, ruleset: RuleSet, sentences: Sentences):
        self.text = text
        self.ruleset = ruleset
        self.sentences = sentences
        #: the keyword hits of the rules of each set of units asked for, and of every rule
        self._hits_of: dict[frozenset, _KeywordIndex] = {}
        self.hits = self.hits_of(ruleset.rule_units)
        self._sections: _Sections | None = None
        self._tables: Tables | None | bool = False
        self.spaced = " " in text or "\t" in text or "\u3000" in text
        #: (end index, sentence start, sentence end) of each group of figures the near pass
        #: looked at, in order: the unless pass finds a figure's sentence here
        self.groups: list[tuple[int, int, int]] = []
        #: rule id → figures a `respectively` list gives to another item than the rule's
        self.paired_out: dict[str, set[int]] = {}

    def hits_of(self, units: frozenset) -> "_KeywordIndex":
        """The hits of the keywords of the rules in `units` (RuleSet.keywords_of)."""
        found = self._hits_of.get(units)
        if found is None:
            found = self._hits_of[units] = _KeywordIndex(self.text, self.ruleset.keywords_of(units).starts)
        return found

    @property
    def sections(self) -> "_Sections":
        if self._sections is None:
            self._sections = _Sections(self.text)
        return self._sections

    @property
    def tables(self) -> "Tables | None":
        """The flattened tables (None when the text has no spaced line at all)."""
        if self._tables is False:
            self._tables = Tables(self.text) if self.spaced else None
        return self._tables


class _KeywordIndex:
    """The keyword hits of one text, searched stretch by stretch as the passes ask for
    them and kept, so that the near pass and the list pass (whose periods hold its
    sentences) search no character twice. A stretch holds every keyword that *starts* in
    it (searched a keyword's length beyond its end); a question about [lo, hi) takes
    those that start and end inside."""

    def __init__(self, text: str, starts):
        self.text = text
        self.starts = starts                     # KeywordSearch.starts
        self.los: list[int] = []                 # the stretches searched, sorted, disjoint
        self.his: list[int] = []
        self.found: list[list] = []              # the hits of each stretch (by start)

    def __call__(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """As RuleSet.keyword_hits(text, lo, hi)."""
        los, his = self.los, self.his
        k = bisect_right(his, lo)                # the first stretch that ends after lo
        if k < len(los) and los[k] <= lo and his[k] >= hi:      # asked before: no search
            hits = self.found[k]
        else:
            hits = []
            pos = lo
            while pos < hi:
                if k < len(los) and los[k] <= pos:               # a stretch already searched
                    hits += self.found[k]
                    pos = his[k]
                    k += 1
                    continue
                end = min(hi, los[k]) if k < len(los) else hi
                new = self.starts(self.text, pos, end)
                los.insert(k, pos)
                his.insert(k, end)
                self.found.insert(k, new)
                hits += new
                pos = end
                k += 1
        return [h for h in hits if lo <= h[0] and h[1] <= hi]


class _Sections:
    """The sections of a text for topic evidence: a heading line (short, no sentence
    punctuation inside or at its end) opens a section that runs to the next heading."""

    #: opens with the line break itself, so that `re` skips from break to break in C (the
    #: text gets a break in front to match its first line)
    _HEADING = re.compile(r"\n[ \t\u3000]*+([^\n]{2,40}+)(?=\n|$)")   # possessive: no backtracking

    def __init__(self, text: str):
        self.text = text
        headings = [m.start() for m in self._HEADING.finditer("\n" + text) if _is_heading(m.group(1))]
        #: a text that opens with no heading has an untitled first section
        self.titled = [True] * len(headings)
        if not headings or headings[0] != 0:
            headings.insert(0, 0)
            self.titled.insert(0, False)
        self.starts = headings
        self._paragraph_ends: list[int] | None = None     # found when first asked for
        self._topic: dict[tuple, str | None] = {}

    def bounds(self, pos: int, within: str) -> tuple[int, int]:
        """The section (or paragraph, document, or the section's heading line) around `pos`."""
        if within == "heading":
            k = bisect_right(self.starts, pos) - 1
            if not self.titled[k]:
                return 0, 0
            start = self.starts[k]
            end = self.text.find("\n", start)
            return start, len(self.text) if end < 0 else end
        if within == "document":
            return 0, len(self.text)
        if within == "paragraph":
            if self._paragraph_ends is None:
                self._paragraph_ends = [m.start() for m in _LINE_BREAK.finditer(self.text)]
            ends = self._paragraph_ends
            k = bisect_left(ends, pos)
            return (ends[k - 1] + 1 if k else 0), (ends[k] if k < len(ends) else len(self.text))
        k = bisect_right(self.starts, pos) - 1
        hi = self.starts[k + 1] if k + 1 < len(self.starts) else len(self.text)
        return self.starts[k], hi

    def about(self, rule: Rule, pos: int) -> str | None:
        """The first topic word of the rule in the section around `pos` when the section
        holds at least ``topic.min`` of them, else None."""
        return self.mentions(rule.topic_re, rule.topic_within, rule.topic_min, pos)

    def mentions(self, pattern: re.Pattern, within: str, least: int, pos: int) -> str | None:
        """The first match of `pattern` in the part (`within`) around `pos` when that part
        holds at least `least` of them, else None (cached per part and pattern)."""
        lo, hi = self.bounds(pos, within)
        key = (pattern.pattern, within, lo)
        if key not in self._topic:
            found = pattern.findall(self.text, lo, hi)
            self._topic[key] = found[0] if len(found) >= least else None
        return self._topic[key]


_LINE_BREAK = re.compile(r"\n")
_ENUMERATOR = re.compile(r"^[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．]")


_NOT_IN_HEADING = re.compile(r"[。；;！？!?，,]")


def _is_heading(line: str) -> bool:
    """A line that reads as a title: no sentence punctuation, and after its number (二、 (3)
    1.) no digit and no colon, so that a table row (`云杉 300万株`) or a breakdown
    (`城区:420亩`) is not one."""
    line = line.strip()
    if len(line) < 2 or _NOT_IN_HEADING.search(line):
        return False
    rest = _ENUMERATOR.sub("", line)
    return not re.search(r"[\d:：]|[ \t\u3000]{2}", rest)


def attribute(text: str, qs: list[Quantity], ruleset: RuleSet, warn=None, locate=None,
              sentences: Sentences | None = None) -> list[list[Claim]]:
    """For each quantity, every rule that claims it (best first)."""
    claims: list[list[Claim]] = [[] for _ in qs]
    if not ruleset.rules or not qs:
        return claims
    # most quantities are in no rule's unit (years, counts, dates): with none left, no pass runs
    takes = _unit_flags(ruleset.takes_unit)
    wanted = [k for k, q in enumerate(qs) if takes(q.unit)]
    if not wanted:
        return claims
    doc = _Doc(text, ruleset, sentences or Sentences(text))
    contextual = ruleset.contextual
    if ruleset.by_keyword:
        _near_and_patterns(doc, qs, claims, warn, locate, wanted)
        if contextual:   # before lists: a claim out of context settles nothing
            _in_context(doc, qs, claims)
        if ruleset.scoped:
            _scopes(doc, qs, claims)
    if doc.spaced:
        _header_vetoes(doc, qs, claims)
    if ruleset.columned:
        _columns(doc, qs, claims)
    if ruleset.totaling and doc.spaced and ruleset.totals_re.search(text):
        _totals(doc, qs, claims)
    if ruleset.topical:
        _topics(doc, qs, claims)
    if contextual:
        _in_context(doc, qs, claims)
    if ruleset.vetoing:
        _vetoes(doc, qs, claims, wanted)
    if doc.paired_out:
        for k, found in enumerate(claims):
            if found:
                found[:] = [c for c in found if k not in doc.paired_out.get(c.rule.id, ())]
    if ruleset.echoing:   # last: a title repeats a figure its rule kept
        _echoes(doc, qs, claims)
    for c in claims:
        if len(c) > 1:
            c.sort(key=Claim.key)
    return claims


def _unit_flags(test):
    """`test` (a unit → bool question) asked once per unit of a text."""
    flags: dict = {}

    def flag(unit) -> bool:
        ok = flags.get(unit)
        if ok is None:
            ok = flags[unit] = test(unit)
        return ok
    return flag


def _in_context(doc: _Doc, qs: list[Quantity], claims) -> None:
    """Drop the claims of a rule with `context` where the figure's paragraph (section,
    document) does not mention the context's words, nor, for a list claim, the paragraph of
    the keyword that governs the list (a list written one item a line: 农发行:4.2亿元 under
    签约金额合计…,分别为:)."""
    for k, found in enumerate(claims):
        if not found or not any(c.rule.context_words for c in found):
            continue
        found[:] = [c for c in found if not c.rule.context_words or _in_its_context(doc, c.rule, qs[k].start)
                    or (c.at is not None and _in_its_context(doc, c.rule, c.at))]


def _in_its_context(doc: _Doc, rule: Rule, pos: int) -> bool:
    """Does the part of the text around `pos` that the rule's context names mention its
    words? ``within: table`` is a table's header line and the two lines before it (its
    caption, the sentence that says 见下表) for a figure in a table, else its paragraph."""
    within = rule.context_within
    if within == "table":
        span = doc.tables.caption(pos) if doc.tables is not None else None
        if span is not None:
            return len(rule.context_re.findall(doc.text, *span)) >= rule.context_min
        within = "paragraph"
    return doc.sections.mentions(rule.context_re, within, rule.context_min, pos) is not None


_NO_VETO: frozenset = frozenset()


def _vetoes(doc: _Doc, qs: list[Quantity], claims, wanted: list[int]) -> None:
    """Drop the claims of a rule one of whose ``unless`` patterns matches the figure's
    sentence with ``{Q}`` on the figure (每亩补植30至50株: a planting density, not a number of
    seedlings). Only the claimed figures of such rules are looked at, sentence by sentence."""
    text, ruleset = doc.text, doc.ruleset
    bounds = doc.sentences.bounds
    fits_unit = ruleset.fits_unit
    lo = hi = -1
    groups, g = doc.groups, 0
    vetoed: dict[str, set] = {}          # in the current sentence: rule id → the vetoed indices
    masked: dict[str, tuple] = {}        # in the current sentence: unit → the masked sentence
    starts = None
    for k in wanted:                     # no other figure has a claim
        found = claims[k]
        if not found:
            continue
        for c in found:
            if c.rule.unless:
                break
        else:
            continue
        q = qs[k]
        if not lo <= q.text_start < hi:
            while g < len(groups) and groups[g][0] <= k:
                g += 1
            if g < len(groups) and groups[g][1] <= q.text_start < groups[g][2]:
                lo, hi = groups[g][1], groups[g][2]
            else:
                lo, hi = bounds(q.text_start, q.end)
            vetoed.clear()
            masked.clear()
        keep = []
        for c in found:
            rule = c.rule
            if rule.unless:
                out = vetoed.get(rule.id)
                if out is None and rule.unless_trigger is not None and not rule.unless_trigger.search(text, lo, hi):
                    out = vetoed[rule.id] = _NO_VETO
                if out is None:
                    m = masked.get(rule.unit)
                    if m is None:
                        if starts is None:
                            starts = [x.text_start for x in qs]
                        unit = rule.unit
                        fits = [i for i in range(bisect_left(starts, lo), bisect_left(starts, hi))
                                if fits_unit(unit, qs[i].unit)]
                        m = masked[unit] = _mask(text, lo, hi, qs, fits)
                    out = vetoed[rule.id] = set(_veto_hits(*m, rule))
                if k in out:
                    continue
            keep.append(c)
        if len(keep) != len(found):
            found[:] = keep


def _near_and_patterns(doc: _Doc, qs, claims, warn, locate, wanted: list[int]) -> None:
    """Rules are tried only on sentences that hold a quantity in a unit some rule takes
    (`wanted`, by index), and only the rules whose keywords occur there."""
    text, ruleset = doc.text, doc.ruleset
    timed_out: set[str] = set()
    groups = doc.groups
    for lo, hi, group, hits, units in _sentence_groups(doc, qs, doc.sentences, wanted):
        groups.append((group.stop, lo, hi))
        masked: dict[str, tuple] = {}
        fitting = _Fitting(ruleset, qs, group)
        for rule, raw in _candidates_with_hits(ruleset.rules_by_word, hits, units):
            if rule.id in timed_out:  # a runaway pattern is skipped for the rest of the text
                continue
            fits = fitting(rule.unit)
            if rule.patterns:
                if rule.unit not in masked:
                    masked[rule.unit] = _mask(text, lo, hi, qs, fits)
                if not _pattern_claims(rule, *masked[rule.unit], fits, claims, lo, qs, raw):
                    timed_out.add(rule.id)
                    at = f"line {locate(lo)[0]}" if locate else f"offset {lo}"
                    _warn(warn, f"rule {rule.id} ({rule.file}:{rule.line}): pattern took over {PATTERN_TIMEOUT}s "
                                f"on the sentence at {at}; rule skipped for the rest of the text")
                continue
            mine = _own(text, rule, raw)
            if not mine:
                continue
            if rule.resp_re is not None:
                _respective(doc, lo, hi, qs, group, fits, rule, mine, claims)
            if not rule.near:
                continue
            prepared = _prepared(ruleset, rule)
            for k in fits:
                found = _proximity(text, qs[k], rule, mine, prepared)
                if found is not None:
                    _add(claims[k], Claim(rule, found[0], "near", found[1]))


#: what ends the list of items before 分别/均 (a list runs over 、和与及 only)
_ITEM_LIST_START = re.compile(r"[，,。；;：:！？!?\n]")
_ITEM_SEP = re.compile(r"[、和与及]")
_FIGURE_SEP = frozenset("、和与及")
_DIGIT = re.compile(r"\d")


def _respective(doc: _Doc, lo: int, hi: int, qs, group, fits, rule: Rule, mine, claims) -> None:
    """`respectively`: 安全感、满意率、知晓率分别为96.3%、95.1%、88.2% — the items named before
    分别 take the figures after it one by one, so the item with the rule's keyword claims its
    figure and the others' figures are not the rule's (whatever else would claim them); before
    均 (办结率、满意率均为100%) every item takes the one figure. An item that names no measure of
    its own (城镇 in 城镇和农村居民满意度分别为…) shares the next item's."""
    text = doc.text
    fitting = set(fits)
    for m in rule.resp_re.finditer(text, lo, hi):
        start = lo
        for b in _ITEM_LIST_START.finditer(text, max(lo, m.start() - 60), m.start()):
            start = b.end()
        seps = [c.start() for c in _ITEM_SEP.finditer(text, start, m.start())]
        # 和/与/及 join the last item (甲、乙和丙); one before a 、 is inside a word (参与, 给与)
        last = max((c for c in seps if text[c] == "、"), default=start - 1)
        seps = [c for c in seps if text[c] == "、" or c > last]
        figures, pos = [], m.end()
        for k in group:
            q = qs[k]
            if q.text_start < pos:
                continue
            gap = text[pos:q.text_start]
            if figures:
                ok = len(gap.strip()) <= 1 and (not gap.strip() or gap.strip() in _FIGURE_SEP)
            else:
                ok = len(gap) <= 8 and not _DIGIT.search(gap) and not _CLAUSE_END.search(gap)
            if not ok:
                break
            figures.append(k)
            pos = q.end
        if not figures:
            continue
        # more items than figures: a 和/与/及 is more likely inside a word (参与) than a join
        joins = [c for c in seps if text[c] != "、"]
        while joins and len(seps) + 1 > len(figures) > 1:
            seps.remove(joins.pop(0))
        cuts = [start] + [c + 1 for c in seps] + [m.start() + 1]
        items = [(cuts[i], cuts[i + 1] - 1) for i in range(len(cuts) - 1)]
        if len(items) < 2:
            continue
        # mine / another measure / none (shares the next item's)
        status = []
        for a, b in items:
            word = next((h[2] for h in mine if a <= h[0] and h[1] <= b), None)
            if word:
                status.append(word)
            elif rule.resp_measures and any(w in text[a:b] for w in rule.resp_measures):
                status.append(False)
            else:
                status.append(None)
        # items that name neither the rule's measure nor another one (东乡、西乡分别完成造林2.1万亩、
        # 1.8万亩: places, not measures) leave the figures to the rule's other tests
        if all(s is None for s in status):
            continue
        for i in range(len(status) - 2, -1, -1):
            if status[i] is None:
                status[i] = status[i + 1]
        shared = m.group() in rule.resp_shared
        if shared and len(figures) != 1:
            continue
        out = doc.paired_out.setdefault(rule.id, set())
        for i, (a, b) in enumerate(items):
            k = figures[0] if shared else (figures[i] if i < len(figures) else None)
            if k is None:
                break
            if status[i]:
                if k in fitting:
                    out.discard(k)
                    _add(claims[k], Claim(rule, qs[k].text_start - b, "pattern", status[i]))
            elif not shared and not any(c.rule is rule and c.how == "pattern" for c in claims[k]):
                out.add(k)


class _Fitting:
    """The quantities of one group that a rule's unit can report, per rule unit (found once
    for all the rules of that unit)."""

    def __init__(self, ruleset: RuleSet, qs: list[Quantity], group):
        self.fits_unit = ruleset.fits_unit
        self.units = [(k, qs[k].unit) for k in group]
        self.by_unit: dict[str, list[int]] = {}

    def __call__(self, unit: str) -> list[int]:
        found = self.by_unit.get(unit)
        if found is None:
            fits_unit = self.fits_unit
            found = self.by_unit[unit] = [k for k, u in self.units if fits_unit(unit, u)]
        return found


def _sentence_groups(doc: _Doc, qs: list[Quantity], sentences: Sentences, wanted: list[int], limit: int = 300):
    """(lo, hi, the indices of the quantities, the keyword hits, the rule units they take)
    of each sentence that holds a quantity of `wanted` (indices, in order) and a keyword;
    the rest of the text is never searched. A group runs from a wanted quantity to the end
    of its sentence. Only the keywords of the rules in units that a quantity of the group
    can report are searched for: a big rule set costs what its rules of those units cost."""
    n = len(qs)
    bounds = sentences.bounds
    taking = doc.ruleset.units_taking
    after = 0                     # the first quantity not yet in a group
    for i in wanted:
        if i < after:
            continue
        q = qs[i]
        lo, hi = bounds(q.text_start, q.end, limit)
        j = i + 1
        while j < n and qs[j].start < hi:
            j += 1
        after = j
        units = taking(q.unit)
        for k in range(i + 1, j):
            u = qs[k].unit
            if u != q.unit:
                units = units | taking(u)
        hits = doc.hits_of(units)(lo, hi)
        if hits:
            yield lo, hi, range(i, j), hits, units


def _candidates_with_hits(by_word, hits, units: frozenset) -> list[tuple[Rule, list]]:
    """The rules with a keyword among `hits` and a unit among `units`, in file order, each
    with the hits of its own keywords (in the order of `hits`). One pass over the hits: the
    cost follows the hits, not the number of rules."""
    found: dict[str, tuple[Rule, list] | None] = {}     # None: a rule in another unit
    get = found.get
    for h in hits:
        for r in by_word.get(h[2], ()):
            entry = get(r.id, False)
            if entry is False:
                if r.unit not in units:
                    found[r.id] = None
                    continue
                entry = found[r.id] = (r, [])
            elif entry is None:
                continue
            entry[1].append(h)
    out = [e for e in found.values() if e is not None]
    if len(out) > 1:
        out.sort(key=_by_order)
    return out


def _by_order(entry) -> int:
    return entry[0].order


def _own(text: str, rule: Rule, hits):
    """own_hits for hits already known to be the rule's keywords."""
    if not rule.not_after and not rule.not_before:
        return hits
    return [h for h in hits
            if not (rule.not_after and text.endswith(rule.not_after, max(0, h[0] - 4), h[0]))
            and not (rule.not_before and _followed_by(text, h[1], rule.not_before))]


def own_hits(text: str, rule: Rule, hits):
    """The hits of `rule`'s keywords, less those cancelled by a `not_after` word before
    them (不良贷款) or a `not_before` word after them (贷款贴息)."""
    return _own(text, rule, [h for h in hits if h[2] in rule.keywords])


def _followed_by(text: str, pos: int, words) -> bool:
    """Does one of `words` start at `pos`, perhaps after a closing quote (“人才贷”风险金)?"""
    if pos < len(text) and text[pos] in "”’\"'」』":
        pos += 1
    return text.startswith(words, pos)


def _pattern_claims(rule: Rule, sentence: str, where: dict[int, int], fits: list[int],
                    claims: list[list[Claim]], lo: int = 0, qs=(), hits=()) -> bool:
    """Run a rule's patterns on a masked sentence (it starts at `lo` of the text) and record
    what {Q} lands on; False when a pattern hits the time limit (the rest of its patterns are
    not run). A pattern that opens with {K} is tried only where one of the rule's keywords
    starts (`hits`, in the text), one that opens with {Q} only on the masked quantities: the
    matches a search of the whole sentence finds, without running the pattern at every
    character of it."""
    starts = rule.pattern_starts
    for i, pattern in enumerate(rule.patterns):
        start = starts[i] if i < len(starts) else None
        try:
            if start is None:
                found = pattern.finditer(sentence, overlapped=True, timeout=PATTERN_TIMEOUT)
            else:
                at = list(where) if start == "Q" else _masked_starts(hits, lo, where, qs)
                found = [m for m in (pattern.match(sentence, p, timeout=PATTERN_TIMEOUT) for p in at) if m]
            for m in found:
                k = where.get(m.start("Q"))
                if k is not None and k in fits:
                    _add(claims[k], Claim(rule, len(m.group()) - 1, "pattern"))
        except TimeoutError:
            return False
    return True


def _masked_starts(hits, lo: int, where: dict[int, int], qs) -> list[int]:
    """Where the keyword hits (text offsets, by start) stand in the masked sentence that
    starts at `lo`, each start once; a hit inside a masked quantity has no place there."""
    out: list[int] = []
    shift, masked = 0, iter(where.items())     # characters the masks before a hit removed
    nxt = next(masked, None)
    for h in hits:
        t = h[0]
        while nxt is not None and qs[nxt[1]].end <= t:
            q = qs[nxt[1]]
            shift += q.end - q.text_start - 1
            nxt = next(masked, None)
        if nxt is not None and qs[nxt[1]].text_start <= t:
            continue                           # inside the quantity's mask
        p = t - lo - shift
        if not out or out[-1] != p:
            out.append(p)
    return out


def _warn(warn, msg: str) -> None:
    if warn:
        warn(msg)
    else:
        _warnings.warn(msg, RuleTimeoutWarning, stacklevel=4)


def _add(claims: list[Claim], new: Claim) -> None:
    """Keep one claim per rule: the strongest way, then the closest."""
    for i, c in enumerate(claims):
        if c.rule is new.rule:
            if (HOW_RANK[new.how], new.distance) < (HOW_RANK[c.how], c.distance):
                claims[i] = new
            return
    claims.append(new)


def _mask(text: str, lo: int, hi: int, qs: list[Quantity], group) -> tuple[str, dict[int, int]]:
    """The sentence with each quantity of `group` (those in the rule's unit) replaced by
    SENTINEL; masked offset → quantity index. Other quantities stay as written."""
    parts, where, pos, cur = [], {}, lo, 0
    for k in group:
        q = qs[k]
        if q.text_start < pos:
            continue
        parts.append(text[pos:q.text_start])
        cur += q.text_start - pos
        where[cur] = k
        parts.append(SENTINEL)
        cur += 1
        pos = q.end
    parts.append(text[pos:hi])
    return "".join(parts), where


_CLAUSE_CHARS = "，,。；;！？!?：:\n、"
_BLOCKERS: dict[tuple, re.Pattern] = {}


def _blocker(words: tuple[str, ...], chars: str = _CLAUSE_CHARS) -> re.Pattern:
    """One pattern for what may not stand between keyword and quantity: one of `chars` or
    one of the words (the longest first)."""
    key = (words, chars)
    p = _BLOCKERS.get(key)
    if p is None:
        alts = ([f"[{re.escape(chars)}]"] if chars else []) + [re.escape(x) for x in sorted(words, key=len, reverse=True)]
        p = _BLOCKERS[key] = re.compile("|".join(alts) or "(?!)")
    return p


def _gap(q: Quantity, start: int, end: int) -> tuple[int, int, str] | None:
    """(lo, hi, side) of the text between a keyword at [start, end) and the quantity."""
    if end <= q.text_start:
        return end, q.text_start, "before"
    if start >= q.end:
        return q.end, start, "after"
    return None


def _proximity(text: str, q: Quantity, rule: Rule, hits, prepared: "_Prepared | None" = None) -> tuple[int, str] | None:
    """(characters between, keyword) of the nearest keyword of `rule` within its reach
    (before or after, same clause, no excluded word between), or None."""
    best = None
    prepared = prepared or _Prepared(rule)
    blocked = prepared.near_block
    tail = None
    q_start, q_end = q.text_start, q.end
    before, after = rule.before, rule.after
    for start, end, word in hits:
        if end <= q_start:                 # _gap, inline: this runs for every hit near a figure
            lo, hi, reach = end, q_start, before
        elif start >= q_end:
            lo, hi, reach = q_end, start, after
        else:
            continue
        if hi - lo > reach or (best is not None and hi - lo >= best[0]) or blocked(text, lo, hi):
            continue
        # the noun the quantity sizes may say it is something else (约120万株缺口, 约1800亩新造林地
        # 出现牛羊啃食): then no keyword claims it; looked at once, for the first keyword in reach
        if tail is None:
            tail = _tail_hit(text, q_end, prepared.exclude, 8) or ""
        if tail:
            return None
        best = (hi - lo, word)
    return best


class _Prepared:
    """What the attribution asks of one rule again and again, compiled once per rule set:
    the patterns of its excluded words (with and without the clause breaks), of the words
    that end its lists, and of its topic.with words."""

    __slots__ = ("rule", "near_block", "exclude", "scope_end", "topic_with")

    def __init__(self, rule: Rule):
        self.rule = rule
        self.near_block = _blocker(rule.exclude).search
        self.exclude = _blocker(rule.exclude, "").search if rule.exclude else None
        # an excluded word ends a list, unless scope.skip names it: then it keeps out only
        # the quantity of its own clause (…6.7亿元，同比增长14.6%，新发放2.4亿元)
        self.scope_end = _blocker(tuple(w for w in rule.exclude + rule.scope_stop if w not in rule.scope_skip), "").search
        self.topic_with = _blocker(rule.topic_with, "").search if rule.topic_with else None


def _prepared(ruleset: RuleSet, rule: Rule) -> _Prepared:
    p = ruleset.compiled.get(rule.id)
    if p is None or p.rule is not rule:
        p = ruleset.compiled[rule.id] = _Prepared(rule)
    return p


# ---- scope: a keyword governs the list that follows it (or the one that ends at it) ----

#: a list that ends at its keyword (…、丙镇600亩等5个乡镇完成造林) runs back over 、 only
_BACK_BREAKS = "，,。；;！？!?：:\n"
_BACK_BREAK_RE = re.compile(f"[{re.escape(_BACK_BREAKS)}]").search


def _settled(claims: list[Claim], priority: int) -> bool:
    """Has a figure a near or pattern claim that no list claim of this priority can beat?"""
    return any(HOW_RANK[c.how] == 0 and c.rule.priority >= priority for c in claims)


def _scopes(doc: _Doc, qs: list[Quantity], claims) -> None:
    text, ruleset = doc.text, doc.ruleset
    top = ruleset.scope_top
    # a figure a keyword already claims nearby (or a pattern) is settled: no list claim can
    # beat it, so lists are traced only for the figures still open (a list claim settles
    # nothing: they can be listed before the pass)
    scope_takes = _unit_flags(lambda unit: ruleset.takes_unit(unit, "scoped"))
    opens = [k for k, q in enumerate(qs) if scope_takes(q.unit) and not _settled(claims[k], top)]
    if not opens:
        return
    # a rule's stops are keywords of rules in units of its dimension: in the group's units too
    periods = doc.sentences.periods(ruleset.scope_through)
    for lo, hi, group, hits, units in _sentence_groups(doc, qs, periods, opens, limit=600):
        fitting = _Fitting(ruleset, qs, group)
        for rule, raw in _candidates_with_hits(ruleset.scoped_by_word, hits, units):
            fits = fitting(rule.unit)
            todo = [k for k in fits if not _settled(claims[k], rule.priority)]
            if not todo:
                continue
            mine = _own(text, rule, raw)
            if not mine:
                continue
            stops = ruleset.stops_for(rule, hits)
            back = _governing_back(text, mine, [qs[k] for k in group])
            prepared = _prepared(ruleset, rule)
            for k in todo:
                found = scope_of(text, qs[k], rule, mine, stops, back, prepared)[0]
                if found is not None:
                    _add(claims[k], Claim(rule, found[0], "scope", found[1], found[2]))


_CLAUSE_END = re.compile(rf"[，,。；;！？!?：:\n、]|{_ASCII_STOP}")   # a sentence end ends a clause too
#: where the noun phrase after a quantity ends: its clause, or a bracket that opens an aside
_TAIL_END = re.compile(rf"[，,。；;！？!?：:\n、（(]|{_ASCII_STOP}")


def _governing_back(text: str, hits, near: list[Quantity]) -> set:
    """The hits that may govern a list before them: those with no quantity of their own,
    in any unit, in the clause after them (…98%、群众满意率稳定在92%: 满意率 has its figure;
    …低产林改造3.7万亩、义务植树1500万株: 义务植树 names the trees, not the list)."""
    out = set()
    for h in hits:
        m = _CLAUSE_END.search(text, h[1])
        end = m.start() if m else len(text)
        if not any(h[1] <= q.text_start < end for q in near):
            out.add(h)
    return out


def scope_of(text: str, q: Quantity, rule: Rule, mine, stops, back=None,
             prepared: _Prepared | None = None) -> tuple[tuple[int, str] | None, str | None]:
    """((distance, keyword, its start) of the nearest keyword whose list reaches `q`, or None;
    what ended the nearest list that did not reach it, for `explain`). A list before its
    keyword is governed only by a hit in `back` (all hits when None)."""
    best, why = None, None
    prepared = prepared or _Prepared(rule)
    end_words = prepared.scope_end
    for start, end, word in mine:
        gap = _gap(q, start, end)
        if gap is None:
            continue
        lo, hi, side = gap
        if side == "after" and back is not None and (start, end, word) not in back:
            continue
        reach = rule.scope_after if side == "before" else rule.scope_before
        if hi - lo > reach:
            if reach and why is None:
                why = f"too far for its scope: {hi - lo} > scope.{'after' if side == 'before' else 'before'} {reach}"
            continue
        stop = _BACK_BREAK_RE(text, lo, hi) if side == "after" else None
        stop = stop or end_words(text, lo, hi)
        other = _first_within(stops, lo, hi)
        if stop is not None or other is not None:
            why = why or f"scope of {word} ended at {other or stop.group()!r}"
            continue
        skip = _skipped(text, lo, q.text_start, rule.scope_skip) if side == "before" else None
        if skip:
            why = why or f"in the scope of {word}, but {skip!r} stands in its clause (scope.skip)"
            continue
        # the noun the figure sizes: its clause after a list's keyword, 8 characters before one
        tail = _tail_hit(text, q.end, prepared.exclude, 16 if side == "before" else 8)
        if tail:
            why = why or f"in the scope of {word}, but {tail!r} follows it in its clause"
            continue
        if best is None or hi - lo < best[0]:
            best = (hi - lo, word, start)
    return best, why


def _first_within(hits, lo: int, hi: int) -> str | None:
    """The word of the first hit (sorted by start) that lies inside [lo, hi), or None."""
    k = bisect_left(hits, (lo,))
    while k < len(hits) and hits[k][0] < hi:
        if hits[k][1] <= hi:
            return hits[k][2]
        k += 1
    return None


_CLAUSE_BREAK = re.compile(r"[，,；;、：:（(\n]")   # a line break too: a list written one item a line


def _tail_excluded(text: str, end: int, words, reach: int = 16) -> str | None:
    """An excluded word in what follows a quantity up to its clause's end (the noun it
    sizes: 2亿元应急转贷资金), or None."""
    return _tail_hit(text, end, _blocker(words, "").search if words else None, reach)


def _tail_hit(text: str, end: int, excluded, reach: int = 16) -> str | None:
    """_tail_excluded with the words' pattern compiled (its `search`; None for no words)."""
    if excluded is None:
        return None
    m = _TAIL_END.search(text, end, end + reach)
    hi = m.start() if m else min(len(text), end + reach)
    found = excluded(text, end, hi)
    return found.group() if found else None


def _skipped(text: str, lo: int, hi: int, words) -> str | None:
    """The first of `words` in the clause that ends at `hi` (not before `lo`), or None."""
    if not words:
        return None
    start = lo
    for m in _CLAUSE_BREAK.finditer(text, lo, hi):
        start = m.end()
    m = _blocker(words, "").search(text, start, hi)
    return m.group() if m else None


# ---- columns: a keyword heads the table column a quantity stands in ----

#: the longest column header `_header_vetoes` reads as a label, and what a label never holds
#: (Tables itself reads a caption with a space in it as a header at times, and columns and
#: totals then take what they find there: a check in Tables would change what they claim)
_HEADER_LONGEST = 16
_SENTENCE_MARK = re.compile(r"[，。；,;.!?！？]").search


def _header_vetoes(doc: _Doc, qs: list[Quantity], claims) -> None:
    """Drop the claims on a table cell whose column header holds one of the claiming rule's
    `exclude` words: the row's label may name the subject (涉农贷款  112.37  10.26), the header
    says what the cell measures (较年初增加)."""
    text = doc.text
    line_end = -1
    for k, found in enumerate(claims):
        if not found or qs[k].start < line_end:
            continue
        cell = doc.tables.header_cell(qs[k].start)
        if cell is None:
            line_end = text.find("\n", qs[k].start) % (len(text) + 1)
            continue
        if cell[1] - cell[0] > _HEADER_LONGEST or _SENTENCE_MARK(text, *cell):
            continue   # no label: prose with a space in it (村, 2.31万户…) read as cells
        kept = [c for c in found if (x := _prepared(doc.ruleset, c.rule).exclude) is None or not x(text, *cell)]
        if len(kept) != len(found):
            found[:] = kept


def _columns(doc: _Doc, qs: list[Quantity], claims) -> None:
    if not doc.spaced:
        return
    text, ruleset = doc.text, doc.ruleset
    line_end = -1           # the figures of a line that holds no table are passed at once
    for k, q in enumerate(qs):
        if q.start < line_end or not ruleset.takes_unit(q.unit, "columned"):
            continue
        cell = doc.tables.header_cell(q.start)
        if cell is None:
            line_end = text.find("\n", q.start) % (len(text) + 1)
            continue
        hits = doc.hits(*cell)   # kept: every figure of a column asks for the same header cell
        row = text.rfind("\n", 0, q.start) + 1
        for rule in ruleset.columned:
            if not ruleset.unit_fits(rule, q.unit):
                continue
            mine = own_hits(text, rule, hits)
            if not mine:
                continue
            blocked = _prepared(ruleset, rule).exclude
            if blocked is None or (not blocked(text, *cell) and not blocked(text, row, q.text_start)):
                _add(claims[k], Claim(rule, 0, "column", mine[0][2]))


def _totals(doc: _Doc, qs: list[Quantity], claims) -> None:
    """A table's total row (its first cell one of a rule's `totals`: 合计, 总计) takes the rule
    that claims every figure above it in its column (人工造林 9.6万亩 … 合计 27.9万亩)."""
    text, ruleset, tables = doc.text, doc.ruleset, doc.tables
    starts = None
    for k, q in enumerate(qs):
        if claims[k] or not ruleset.takes_unit(q.unit):
            continue
        cell = tables.header_cell(q.start)
        if cell is None:
            continue
        row = text.rfind("\n", 0, q.start) + 1
        cells = tables.cells[row]
        label = text[cells[0][0]:cells[0][1]].strip()
        col = next(i for i, (a, b) in enumerate(cells) if a <= q.start < b)
        if col == 0:
            continue
        for rule in ruleset.totaling:
            if not label.startswith(rule.totals) or not ruleset.unit_fits(rule, q.unit):
                continue
            if starts is None:
                starts = [x.start for x in qs]
            above = []
            for r in tables.rows[row]:
                if r >= row:
                    break
                a, b = tables.cells[r][col]
                above += range(bisect_left(starts, a), bisect_left(starts, b))
            if above and all(any(c.rule is rule for c in claims[j]) for j in above):
                _add(claims[k], Claim(rule, 0, "column", label))


# ---- topic: the section is about the rule's subject ----

def _topics(doc: _Doc, qs: list[Quantity], claims) -> None:
    text, ruleset = doc.text, doc.ruleset
    rules_for: dict[str | None, list[Rule]] = {}     # the topical rules that take a unit
    for k, q in enumerate(qs):
        if claims[k]:
            continue
        rules = rules_for.get(q.unit)
        if rules is None:
            rules = rules_for[q.unit] = [r for r in ruleset.topical if ruleset.unit_fits(r, q.unit)]
        if not rules:
            continue
        tables = doc.tables
        if tables is not None and tables.header_cell(q.start) is not None:
            continue  # a table cell: its column header says what it is
        sections = doc.sections
        for rule in rules:
            word = sections.about(rule, q.start)
            if word is None:
                continue
            prepared = _prepared(ruleset, rule)
            if prepared.exclude is not None and prepared.exclude(text, *doc.sentences.bounds(q.text_start, q.end)):
                continue
            if prepared.topic_with is not None and not prepared.topic_with(text, _clause_start(text, q.text_start), q.text_start):
                continue
            _add(claims[k], Claim(rule, q.start - sections.bounds(q.start, rule.topic_within)[0], "topic", word))


#: the longest line that reads as a title for `echo`
_TITLE_LONGEST = 40


def _echoes(doc: _Doc, qs: list[Quantity], claims) -> None:
    """`echo`: a figure no rule claimed, on a line that reads as a title (short, no sentence
    punctuation, no run of blanks as between table cells: 腾格里沙漠东缘再添6.8万亩“绿色屏障”), takes the metric of a rule with `echo` that
    claimed the same value in the same unit elsewhere in the text (完成工程固沙6.8万亩) — unless
    the title holds one of the rule's excluded words."""
    text, ruleset = doc.text, doc.ruleset
    for k, q in enumerate(qs):
        if claims[k] or q.value is None:
            continue
        lo = text.rfind("\n", 0, q.start) + 1
        hi = text.find("\n", q.end)
        hi = len(text) if hi < 0 else hi
        line = text[lo:hi].strip()
        if len(line) > _TITLE_LONGEST or _NOT_IN_HEADING.search(line) or WIDE_GAP.search(line):
            continue
        for rule in ruleset.echoing:
            if not ruleset.unit_fits(rule, q.unit):
                continue
            prepared = _prepared(ruleset, rule)
            if prepared.exclude is not None and prepared.exclude(text, lo, hi):
                continue
            source = next((j for j, found in enumerate(claims)
                           if j != k and qs[j].unit == q.unit and qs[j].value == q.value
                           and any(c.rule is rule for c in found)), None)
            if source is not None:
                _add(claims[k], Claim(rule, abs(qs[source].start - q.start), "echo", None))
                break


_LIST_CLAUSE_START = re.compile(r"[，,；;。：:！？!?\n]")


def _clause_start(text: str, start: int, limit: int = 40) -> int:
    """Where the clause of a list item begins: its list (split at 、) counts as one clause
    (分别完成4.6万亩、4.1万亩: 完成 governs both)."""
    lo = max(0, start - limit)
    for m in _LIST_CLAUSE_START.finditer(text, lo, start):
        lo = m.end()
    return lo


def _clause(text: str, start: int, end: int, limit: int = 40) -> tuple[int, int]:
    """The clause around text[start:end], at most `limit` characters each way."""
    lo = max(0, start - limit)
    for m in _CLAUSE_END.finditer(text, lo, start):
        lo = m.end()
    m = _CLAUSE_END.search(text, end, end + limit)
    return lo, (m.start() if m else min(len(text), end + limit))


# ---- why not: what kept each rule from an unclaimed quantity ----

def why_not(text: str, q: Quantity, ruleset: RuleSet, sentences: Sentences,
            qs: list[Quantity] | None = None) -> list[str]:
    """For an unclaimed quantity, one line per rule that takes its unit: the nearest
    keyword of the rule and what stopped it (`explain`). `qs`: all the text's quantities,
    so that an unless pattern sees the sentence as the claims pass saw it ({N} on the other
    figures in the rule's unit)."""
    out = []
    lo, hi = sentences.bounds(q.text_start, q.end)
    hits = ruleset.keyword_hits(text, lo, hi)
    plo, phi = sentences.periods(ruleset.scope_through).bounds(q.text_start, q.end, limit=600)
    period_hits = ruleset.keyword_hits(text, plo, phi)
    doc = None
    for rule in ruleset.rules:
        if not ruleset.unit_fits(rule, q.unit):
            continue
        why = _vetoed_by(text, q, rule, lo, hi, qs or [q], ruleset.fits_unit)
        if why is None:
            unmet = None
            if rule.context_words:
                doc = doc or _Doc(text, ruleset, sentences)
                if not _in_its_context(doc, rule, q.start):
                    unmet = (f"the {rule.context_within} does not mention {'/'.join(rule.context_words[:4])}"
                             + (f" {rule.context_min} times" if rule.context_min > 1 else "") + " (context)")
            why = _diagnose(text, q, rule, ruleset, hits, period_hits, unmet)
        out.append(f"{rule.id}: {why}")
    return out


def _vetoed_by(text: str, q: Quantity, rule: Rule, lo: int, hi: int, qs: list[Quantity], fits_unit) -> str | None:
    """'unless pattern N matches' when one of the rule's unless patterns matches the
    sentence with {Q} on `q` (masked as the claims pass masks it), else None."""
    if not rule.unless:
        return None
    group = [i for i, x in enumerate(qs) if (x is q or lo <= x.text_start < hi) and fits_unit(rule.unit, x.unit)]
    sentence, where = _mask(text, lo, hi, qs, group)
    i = _veto_hits(sentence, where, rule).get(next(k for k, x in enumerate(qs) if x is q))
    return f"unless pattern {i} matches: {sentence.replace(SENTINEL, '{Q}')[:60]!r}" if i else None


def _veto_hits(sentence: str, where: dict[int, int], rule: Rule) -> dict[int, int]:
    """Quantity index → the number of the first of the rule's unless patterns that matches
    the masked sentence with {Q} on it (a pattern that times out vetoes nothing)."""
    out: dict[int, int] = {}
    for n, pattern in enumerate(rule.unless, 1):
        try:
            for hit in pattern.finditer(sentence, overlapped=True, timeout=PATTERN_TIMEOUT):
                i = where.get(hit.start("Q"))
                if i is not None:
                    out.setdefault(i, n)
        except TimeoutError:
            continue
    return out


def _diagnose(text: str, q: Quantity, rule: Rule, ruleset: RuleSet, hits, period_hits, unmet: str | None = None) -> str:
    """What stopped `rule` from claiming `q`; `unmet`: its context, when that is not met."""
    mine = own_hits(text, rule, hits)
    if rule.patterns:
        if unmet and mine:
            return unmet
        return f"no pattern matched (keyword {mine[0][2]} in the sentence)" if mine else "no keyword in the sentence"
    reasons = []
    cancelled = [h for h in hits if h[2] in rule.keywords and h not in mine]
    if cancelled and not mine:
        h = cancelled[0]
        reasons.append(f"{h[2]} does not count before {text[h[1]:h[1] + 2]!r} or after {text[max(0, h[0] - 2):h[0]]!r} "
                       f"(not_before / not_after)")
    near = _nearest(q, mine)
    if near is not None:
        start, end, word = near
        lo, hi, side = _gap(q, start, end)
        reach = rule.before if side == "before" else rule.after
        if hi - lo > reach:
            reasons.append(f"{word} too far: {hi - lo} > {side} {reach}")
        else:
            m = _blocker(rule.exclude).search(text, lo, hi)
            if m is None:
                tail = _tail_excluded(text, q.end, rule.exclude, reach=8)
                reasons.append(f"{word} near, but {tail!r} follows the quantity (the noun it sizes)" if tail else
                               f"{word} near, but {unmet}" if unmet else
                               f"{word} near, but the rule claims nothing by distance (near: false)" if not rule.near else
                               f"{word} near, but a `respectively` list gives the figure to another item")
                unmet = None
            elif m.group() in _CLAUSE_CHARS:
                reasons.append(f"{word} in another clause ({m.group()!r} between)")
            else:
                reasons.append(f"{word} blocked by {m.group()!r}")
    if rule.scope_after or rule.scope_before:
        why = scope_of(text, q, rule, own_hits(text, rule, period_hits), ruleset.stops_for(rule, period_hits))[1]
        if why:
            reasons.append(why)
    if rule.topic_words and not reasons:
        reasons.append(f"no keyword in the sentence, and the {rule.topic_within} is not about "
                       f"{'/'.join(rule.topic_words[:3])}")
    if not reasons:
        return "no keyword in the sentence"     # the context is then beside the point
    if unmet:
        reasons.append(unmet)
    return "; ".join(reasons)


def _nearest(q: Quantity, hits):
    best, dist = None, None
    for h in hits:
        gap = _gap(q, h[0], h[1])
        if gap is not None and (dist is None or gap[1] - gap[0] < dist):
            best, dist = h, gap[1] - gap[0]
    return best
