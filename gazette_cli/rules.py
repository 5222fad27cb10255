"""Rules: YAML rule files that map the quantities of an issue to policy metrics.

A rule file declares metrics (with their canonical unit) and rules. A rule claims a
quantity when one of its keywords stands near it in the same clause, or when one of its
regex patterns matches the sentence with ``{Q}`` at the quantity. The syntax is
documented in rules/README.md and at the top of every shipped rule file.

Files load in groups: the default pack (rules/*.yaml), then each optional pack named in
``packs`` (rules/<pack>/*.yaml), then each user path. A rule whose id an earlier group
defined replaces it in place; the same id twice in one group is a problem.

Loading never executes anything from a file (YAML safe loader, patterns compiled by the
``regex`` module and run with a time limit). Every problem in every file is collected and
reported as ``file:line: rule-id: what is wrong``; ``checking.check_rules`` adds failing examples and
patterns that run away on long monotonous text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import regex

from .compiled import compile_pattern
from .datafile import LineDict, LineList, load_yaml, word_list
from .errors import DataFileError, Problem
from .resources import default_rules_dir
from .units import QUALIFIERS, Units, load_units

FILE_FIELDS = {"metrics", "rules"}
METRIC_FIELDS = {"unit", "description"}
RULE_FIELDS = {"id", "metric", "unit", "keywords", "patterns", "before", "after", "exclude", "not_after",
               "not_before", "unless", "near", "respectively", "totals", "scope", "columns", "topic", "context", "echo", "priority", "description", "examples", "counterexamples"}
SCOPE_FIELDS = {"after", "before", "stop", "skip", "through"}
TOPIC_FIELDS = {"words", "within", "min", "with"}
CONTEXT_FIELDS = {"words", "within", "min"}
RESPECTIVELY_FIELDS = {"words", "shared", "measures"}
TOPIC_WITHIN = ("section", "heading", "paragraph", "document")
EXAMPLE_FIELDS = {"text", "value", "unit", "qualifier", "min", "max"}
#: every quantity of a sentence stands as this one character when patterns run
SENTINEL = "\ue000"
PLACEHOLDERS = {"{Q}": f"(?P<Q>{SENTINEL})", "{N}": SENTINEL}
DEFAULT_BEFORE = 12
DEFAULT_AFTER = 4
#: a pattern may run this long on one sentence before the rule is skipped there
PATTERN_TIMEOUT = 0.2


@dataclass
class Metric:
    name: str
    unit: str | None
    description: str = ""
    file: str = ""
    line: int = 0


@dataclass
class Example:
    text: str
    line: int
    expect: dict | None = None       # None: a counterexample


@dataclass
class Rule:
    id: str
    metric: str
    unit: str
    keywords: tuple[str, ...]
    patterns: list = field(default_factory=list)        # compiled
    pattern_lines: list = field(default_factory=list)    # the line of each pattern
    pattern_starts: list = field(default_factory=list)   # of each pattern: "K", "Q" or None (see pattern_start)
    before: int = DEFAULT_BEFORE
    after: int = DEFAULT_AFTER
    exclude: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()
    near: bool = True                    # False: no claim by distance (only columns, scope, topic)
    resp_words: tuple[str, ...] = ()     # respectively: 分别 — the k-th item takes the k-th figure
    resp_shared: tuple[str, ...] = ()    # …均 — every item takes the one figure
    resp_measures: tuple[str, ...] = ()  # words that make an item name a measure of its own
    resp_re: object = None
    unless: list = field(default_factory=list)          # compiled: patterns that veto a claim
    unless_lines: list = field(default_factory=list)
    unless_trigger: object = None        # characters one of which any unless match holds (a prefilter)
    scope_after: int = 0                 # scope: how far a keyword's list runs on after it
    scope_before: int = 0                # …and back before it (a list that ends at the keyword)
    scope_stop: tuple[str, ...] = ()     # words that end a list besides `exclude`
    scope_skip: tuple[str, ...] = ()     # words that keep their clause's quantity out of a list
    scope_through: tuple[str, ...] = ()  # words that, opening a sentence, carry a list on from the last
    columns: bool = False                # a keyword in a table's column header claims the column
    echo: bool = False                   # a title line's figure that repeats one the rule claimed takes its metric
    totals: tuple[str, ...] = ()         # row labels of a table's total row (合计): it takes its column's rule
    topic_words: tuple[str, ...] = ()    # topic: words that make a section about the metric
    topic_within: str = "section"
    topic_min: int = 1
    topic_with: tuple[str, ...] = ()     # words one of which must stand in the figure's clause
    context_words: tuple[str, ...] = ()  # context: the rule claims only where these occur …
    context_within: str = "paragraph"    # … in the figure's paragraph, section or document
    context_min: int = 1
    context_re: object = None
    topic_re: object = None              # the topic words as one pattern
    priority: int = 0
    description: str = ""
    examples: list = field(default_factory=list)
    file: str = ""
    line: int = 0
    order: int = 0


def trie_regex(words, fanout: int = 0) -> str:
    """One regex alternation for many literal words, as a trie: cost grows with the text,
    hardly with the number of words.

    With `fanout`, a node with more branches than that is split in two halves, the first
    behind a look-ahead for the range of its first characters, and so on down: `re` tries the branches
    of an alternation one by one, so a flat node of 400 first characters costs 400 tests at
    every position, a split one about log2(400 / fanout) tests and `fanout` at most."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def branches(items) -> str:
        if fanout and len(items) > fanout:
            # the guard is the range from the first half's lowest first character to its
            # highest (the branches are sorted): a character in it that starts no branch
            # fails in the first half and then in the second, whose characters are all
            # higher; a range compiles and tests faster than a class of many characters
            half = len(items) // 2
            span = f"{re.escape(items[0][0])}-{re.escape(items[half - 1][0])}"
            return f"(?:(?=[{span}]){branches(items[:half])}|{branches(items[half:])})"
        alts = [re.escape(ch) + build(child) for ch, child in items]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    def build(node) -> str:
        end = "" in node
        items = [(ch, child) for ch, child in sorted(node.items()) if ch != ""]
        if not items:
            return ""
        body = branches(items)
        return f"(?:{body})?" if end else body

    return build(trie) or "(?!)"


class KeywordSearch:
    """Every occurrence of a set of keywords, found in C: all of them as one trie in stdlib
    `re`, one finditer finding the longest keyword at every position, overlapping ones too
    (贷款 inside 小额贷款). Each match is the keyword's first character, the trie read in a
    look-ahead from behind it: a pattern that opens with a character class lets `re` skip
    in a tight loop to the characters a keyword starts with, and the match moves on one
    character."""

    def __init__(self, words):
        words = sorted(set(words))
        wordset = set(words)
        #: the longest keyword at a position hides its prefixes there (植树造林 hides 植树):
        #: word → [itself, its prefixes]
        self.prefixes: dict[str, list[str]] = {
            w: [w[:i] for i in range(len(w), 0, -1) if w[:i] in wordset] for w in words}
        first = "".join(sorted({re.escape(w[0]) for w in words}))
        self._re = re.compile(f"[{first}](?<=(?=({trie_regex(words, 16)})).)") if words else None
        self._longest = max(map(len, words), default=0)
        #: the longest keyword at a position → (length, word) of every keyword that starts there
        self._spans = {w: tuple((len(p), p) for p in ps) for w, ps in self.prefixes.items()}

    def starts(self, text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """Every keyword occurrence that starts in text[lo:hi], wherever it ends, as
        (start, end, word): by start, the longest first at one start. Stretches of text
        searched apart give together what one search over them all gives."""
        out: list[tuple[int, int, str]] = []
        if self._re is None:
            return out
        spans = self._spans
        # a keyword that starts before hi ends within the longest keyword's length of it
        for m in self._re.finditer(text, lo, min(len(text), hi + self._longest - 1)):
            s = m.start()
            if s >= hi:
                break
            for n, w in spans[m.group(1)]:
                out.append((s, s + n, w))
        return out


class RuleSet:
    """Loaded rules with the index the extraction uses: keyword → rules."""

    def __init__(self, rules: list[Rule], metrics: dict[str, Metric], units: Units, sources: list[str]):
        self.rules = rules
        self.metrics = metrics
        self.units = units
        self.sources = sources
        self.by_keyword: dict[str, list[Rule]] = {}
        for r in rules:
            for k in r.keywords:
                self.by_keyword.setdefault(k, []).append(r)
        #: the units the rules report in, and per set of them the search of their rules' keywords
        self.rule_units = frozenset(r.unit for r in rules)
        self._searches: dict[frozenset, KeywordSearch] = {}
        self._taking: dict[str | None, frozenset] = {}
        self._compatible: dict[tuple[str, str], bool] = {}
        self._takes: dict[tuple, bool] = {}
        self._stops: dict[str, frozenset[str]] = {}
        self.scoped = [r for r in rules if r.scope_after or r.scope_before]
        self.topical = [r for r in rules if r.topic_words]
        self.columned = [r for r in rules if r.columns]
        self.echoing = [r for r in rules if r.echo]
        self.contextual = any(r.context_words for r in rules)
        self.vetoing = any(r.unless for r in rules)
        self.totaling = [r for r in rules if r.totals]
        #: a line that opens with a total word (合计 …): without one, no table has a total row
        total_words = sorted({w for r in self.totaling for w in r.totals}, key=len, reverse=True)
        self.totals_re = re.compile("\n[ \t\u3000]*(?:" + "|".join(map(re.escape, total_words)) + ")") if total_words else None
        #: a 。 before one of the rules' scope.through words (。其中，…) does not end a list
        through = sorted({w for r in self.scoped for w in r.scope_through}, key=len, reverse=True)
        # …and neither does a line break before one, with or without a 。 (…4800亩。\n按树种分：…)
        self.scope_through = re.compile("[。\n](?=[ \t\u3000\n]*(?:" + "|".join(map(re.escape, through)) + "))") if through else None
        #: the highest priority of a rule with a scope (a list claim beats no claim above it)
        self.scope_top = max((r.priority for r in self.scoped), default=0)
        #: keyword → the rules that have it, each once, in file order (all rules; those with a scope)
        self.rules_by_word: dict[str, tuple[Rule, ...]] = {
            w: tuple({r.id: r for r in rs}.values()) for w, rs in self.by_keyword.items()}
        self.scoped_by_word: dict[str, tuple[Rule, ...]] = {
            w: s for w, s in ((w, tuple(r for r in rs if r.scope_after or r.scope_before))
                              for w, rs in self.rules_by_word.items()) if s}
        #: rule id → what the attribution compiles from the rule when it first meets it
        self.compiled: dict[str, object] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def unit_fits(self, rule: Rule, unit: str | None) -> bool:
        """Can a quantity in `unit` report this rule's metric (same unit or dimension)?"""
        return self.fits_unit(rule.unit, unit)

    def fits_unit(self, rule_unit: str, unit: str | None) -> bool:
        """unit_fits for a rule in `rule_unit` (cached per pair)."""
        if unit is None:
            return False
        key = (rule_unit, unit)
        ok = self._compatible.get(key)
        if ok is None:
            ok = unit == rule_unit or self.units.convertible(unit, rule_unit)
            self._compatible[key] = ok
        return ok

    def takes_unit(self, unit: str | None, among: str = "rules") -> bool:
        """Does any rule (of `among`: rules, scoped, topical) take quantities in `unit`?
        (cached; most quantities are not metrics)"""
        key = (unit, among)
        ok = self._takes.get(key)
        if ok is None:
            ok = any(self.unit_fits(r, unit) for r in getattr(self, among))
            self._takes[key] = ok
        return ok

    def stops_for(self, rule: Rule, hits) -> list[tuple[int, int, str]]:
        """The hits that end `rule`'s lists: keywords, not its own, of a rule for another
        metric in a unit of the same kind (贷款 ends a list of areas only if some area
        metric has it; 银行 of an interest-rate rule does not end a list of loans)."""
        words = self._stops.get(rule.id)
        if words is None:
            words = self._stops[rule.id] = frozenset(
                k for r in self.rules if r.metric != rule.metric and self.unit_fits(rule, r.unit)
                for k in r.keywords if k not in rule.keywords)
        return [h for h in hits if h[2] in words]

    def keyword_hits(self, text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """Every keyword occurrence in text[lo:hi] as (start, end, word), also one hidden
        inside a longer keyword (贷款 in 贷款支持). One search per occurrence: the cost
        follows the text, hardly the number of keywords."""
        return [h for h in self.keyword_starts(text, lo, hi) if h[1] <= hi]

    @property
    def keywords(self) -> KeywordSearch:
        """The search of every rule's keywords: that of all the rules' units."""
        return self.keywords_of(self.rule_units)

    @property
    def prefixes(self) -> dict[str, list[str]]:
        return self.keywords.prefixes

    def keyword_starts(self, text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """KeywordSearch.starts of every rule's keywords."""
        return self.keywords.starts(text, lo, hi)

    def units_taking(self, unit: str | None) -> frozenset:
        """The rule units a quantity in `unit` can report (cached)."""
        got = self._taking.get(unit)
        if got is None:
            got = self._taking[unit] = frozenset(u for u in self.rule_units if self.fits_unit(u, unit))
        return got

    def keywords_of(self, units: frozenset) -> KeywordSearch:
        """The search of the keywords of the rules in `units` (one per set, made when first
        asked): a sentence of areas is never searched for the words of loans, so a big rule
        set costs what its rules for the sentence's units cost."""
        found = self._searches.get(units)
        if found is None:
            found = self._searches[units] = KeywordSearch(
                k for r in self.rules if r.unit in units for k in r.keywords)
        return found

    def subset(self, rule: Rule) -> "RuleSet":
        return RuleSet([rule], {rule.metric: self.metrics[rule.metric]}, self.units, self.sources)


def _rule_files(path: Path) -> list[Path]:
    """The rule files of a path: the file itself, or the .yaml/.yml files directly in a
    directory (not its subdirectories: those are packs, loaded by name)."""
    if path.is_dir():
        return sorted(p for p in path.iterdir()
                      if p.is_file() and p.suffix in (".yaml", ".yml") and p.name not in ("units.yaml", "units.yml"))
    return [path]


def available_packs() -> list[str]:
    """The optional rule packs shipped beside the default one (subdirectories of rules/)."""
    root = default_rules_dir()
    try:
        return sorted(d.name for d in root.iterdir() if d.is_dir() and _rule_files(d))
    except OSError:
        return []


def _close(word, choices) -> str:
    """' (did you mean 'x'?)' when `word` looks like a misspelling of one of `choices`."""
    if not isinstance(word, str):
        return ""
    import difflib   # only for a message about an unknown word
    near = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f"; did you mean {near[0]!r}?" if near else ""


def _unknown_field(key, allowed) -> str:
    near = _close(key, allowed)
    if near:
        return f"unknown field {key!r}{near}"
    return f"unknown field {key!r} (allowed: {', '.join(sorted(allowed))})"


def _unit_problem(unit, units: Units) -> str | None:
    """What is wrong with a unit name written in a rule file, or None."""
    if not isinstance(unit, str) or not unit:
        return f"unit must be a unit name from {Path(units.path).name}, got {unit!r}"
    if unit in units.units:
        return None
    if unit in units.by_alias:
        return f"unit {unit!r} is a spelling of {units.by_alias[unit].name!r}: write unit: {units.by_alias[unit].name}"
    if len(unit) > 1 and unit[0] in "十百千万亿兆" and unit[1:] in units.by_alias:
        base = units.by_alias[unit[1:]].name
        return (f"unknown unit {unit!r}: {unit[0]} is part of the number, not of the unit "
                f"(write unit: {base}; 5万元 is 50000 {base})")
    return f"unknown unit {unit!r} (not in {Path(units.path).name}{_close(unit, units.units)})"


def _parse_file(path: Path, units: Units, problems: list[Problem]):
    """(metrics, raw rule entries) of one file; problems appended."""
    name = str(path)
    data, errs = load_yaml(path)
    problems.extend(errs)
    if errs:
        return {}, []
    if data is None:
        return {}, []
    if not isinstance(data, LineDict):
        problems.append(Problem(name, getattr(data, "line", 1) or 1,
                                "a rule file is a mapping with `metrics:` and/or `rules:` (see rules/README.md)"))
        return {}, []
    for key in data:
        if key not in FILE_FIELDS:
            problems.append(Problem(name, data.line_of(key), f"top-level {_unknown_field(key, FILE_FIELDS)}"))
    metrics: dict[str, Metric] = {}
    raw_metrics = data.get("metrics")
    if raw_metrics is None:
        raw_metrics = LineDict()
    if not isinstance(raw_metrics, LineDict):
        problems.append(Problem(name, data.line_of("metrics"), "`metrics:` must map metric names to {unit: …}"))
        raw_metrics = LineDict()
    for mname, spec in raw_metrics.items():
        line = raw_metrics.line_of(mname)
        if not isinstance(spec, LineDict):
            problems.append(Problem(name, line, f"metric {mname}: must be a mapping such as {{unit: 元, description: …}}, got {spec!r}"))
            continue
        for key in spec:
            if key not in METRIC_FIELDS:
                problems.append(Problem(name, spec.line_of(key), f"metric {mname}: {_unknown_field(key, METRIC_FIELDS)}"))
        unit = spec.get("unit")
        if unit is not None:
            what = _unit_problem(unit, units)
            if what:
                problems.append(Problem(name, spec.line_of("unit"), f"metric {mname}: {what}"))
                unit = None
        metrics[str(mname)] = Metric(str(mname), unit, str(spec.get("description") or ""), name, line)
    rules = data.get("rules") or []
    if not isinstance(rules, list):
        problems.append(Problem(name, data.line_of("rules"), "`rules:` must be a list of rules, each starting with `- id: …`"))
        rules = []
    return metrics, rules


def _pattern_list(entry, key: str, kind: str, label: str, keywords, file: str, problems) -> tuple[list, list, list]:
    """(sources, compiled, lines) of a rule's list of regexes (`patterns` or `unless`); a
    single string is a list of one."""
    sources = entry.get(key, [])
    sources = [sources] if isinstance(sources, str) else ([] if sources is None else sources)
    if not isinstance(sources, list):
        problems.append(Problem(file, entry.line_of(key), f"{key} must be a list of regexes", label))
        sources = []
    compiled, lines = [], []
    for i, src in enumerate(sources, 1):
        at = _line_of_item(sources, i - 1, entry.line_of(key))
        lines.append(at)
        compiled.append(_compile_pattern(src, label, keywords, file, at, i, problems, kind))
    return sources, compiled, lines


def _compile_pattern(src, rule_id: str, keywords, file: str, line: int, index: int, problems,
                     kind: str = "pattern") -> object | None:
    where = f"{kind} {index}"
    if not isinstance(src, str) or not src:
        problems.append(Problem(file, line, f"{where} must be a non-empty text, got {src!r}", rule_id))
        return None
    n = src.count("{Q}")
    body = src
    for ph, rx in PLACEHOLDERS.items():
        body = body.replace(ph, rx)
    body = body.replace("{K}", "(?:" + "|".join(regex.escape(k) for k in sorted(keywords, key=len, reverse=True)) + ")")
    if n == 1:
        try:    # the usual case, read from the disk cache of compiled patterns at a warm start
            return compile_pattern(body)
        except regex.error:
            pass
    # something is wrong: compile with same-length stand-ins, so an error position is a position in `src`
    try:
        regex.compile(src.replace("{Q}", "QQQ").replace("{N}", "NNN").replace("{K}", "KKK"))
    except regex.error as exc:
        pos = getattr(exc, "pos", None)
        at = f" at position {pos}: {src[:pos]}⟨here⟩{src[pos:]}" if pos is not None else ""
        problems.append(Problem(file, line, f"{where} does not compile: {getattr(exc, 'msg', exc)}{at}", rule_id))
        return None
    if n != 1:
        what = ("has no {Q}: mark where the claimed quantity stands with {Q}" if n == 0
                else f"has {n} {{Q}}: a pattern claims one quantity, mark the others with {{N}}")
        problems.append(Problem(file, line, f"{where} {what}", rule_id))
        return None
    try:
        return regex.compile(body)
    except regex.error as exc:  # e.g. a group of its own named Q
        problems.append(Problem(file, line, f"{where} does not compile once {{Q}}, {{N}} and {{K}} are filled in: "
                                f"{getattr(exc, 'msg', exc)} (is a group named Q?)", rule_id))
        return None


def pattern_start(src) -> str | None:
    """"K" when every match of a rule pattern starts with one of the rule's keywords (the
    pattern opens with {K}, perhaps after look-behinds, and has no `|` outside a group), "Q"
    when it starts on the claimed quantity ({Q}); else None. The claims pass tries such a
    pattern only where a keyword or a quantity starts, not at every character of the sentence.

    A hand-written look at the top level of the pattern (escapes, classes, groups), since
    neither `re` nor `regex` says where a pattern's matches can start; any doubt is None."""
    if not isinstance(src, str):
        return None
    i = 0
    while src.startswith(("(?<!", "(?<="), i):      # look-behinds take no character
        i = _group_end(src, i)
        if i is None:
            return None
    head = src[i:i + 3]
    if head not in ("{K}", "{Q}") or _group_end(src, i, top=True) is not None:
        return None
    return head[1]


def _group_end(src: str, i: int, top: bool = False) -> int | None:
    """Past the group that opens at src[i] (None when it does not close); with `top`, the
    pattern from i is read to its end instead and None means it has no `|` at its top level
    (and no inline flags or branch reset, which change how it reads), anything else that it may."""
    depth, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":                       # a class: up to its closing ], which may come first
            i += 2 if src[i + 1:i + 2] == "^" else 1
            i += 1                         # a ] right after [ or [^ is a member
            while i < n and src[i] != "]":
                i += 2 if src[i] == "\\" else 1
        elif c == "(":
            if src[i + 1:i + 3] == "?|" or (src[i + 1:i + 2] == "?" and src[i + 2:i + 3].isalpha()
                                            and src[i + 2:i + 3] != "P"):
                return i if top else None  # branch reset or inline flags: not worth reading
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0 and not top:
                return i + 1
            if depth < 0:
                return i if top else None
        elif c == "|" and depth == 0 and top:
            return i
        i += 1
    return None


def _unless_trigger(sources, keywords) -> re.Pattern | None:
    """A character class that every match of every `unless` pattern must hold one character
    of (每 in 每(?:亩|穴)…{Q}; one of 密株亩… in (?:密度|株行距|亩均)…{Q}), so that a sentence
    without one is never masked and searched; None when a pattern has no such character or
    cannot be read (then every sentence is searched)."""
    try:
        import re._parser as sre_parse      # Python 3.11+
    except ImportError:                       # pragma: no cover
        import sre_parse
    found: set[str] = set()
    for src in sources:
        body = src.replace("{Q}", SENTINEL).replace("{N}", SENTINEL)
        body = body.replace("{K}", "(?:" + "|".join(re.escape(k) for k in sorted(keywords, key=len, reverse=True)) + ")")
        try:
            chars = _required_chars(sre_parse.parse(body))
        except Exception:                     # syntax of `regex` that `re` does not read
            return None
        if not chars:
            return None
        found |= chars
    return re.compile("[" + "".join(re.escape(c) for c in sorted(found)) + "]")


def _required_chars(items) -> frozenset | None:
    """The smallest set of characters one of which every match of the parsed sequence holds."""
    best = None
    for op, av in items:
        got = _required_of(op, av)
        if got and (best is None or len(got) < len(best)):
            best = got
    return best


def _required_of(op, av) -> frozenset | None:
    try:
        import re._constants as c             # Python 3.11+
    except ImportError:                       # pragma: no cover
        import sre_constants as c
    if op is c.LITERAL:
        ch = chr(av)
        return None if ch == SENTINEL else frozenset(ch)
    if op is c.IN:
        if any(o is not c.LITERAL for o, _ in av):
            return None
        chars = frozenset(chr(v) for _, v in av)
        return None if SENTINEL in chars else chars
    if op is c.SUBPATTERN:
        return _required_chars(av[-1])
    if op is c.BRANCH:
        sets = [_required_chars(b) for b in av[1]]
        return None if any(x is None for x in sets) else frozenset().union(*sets)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) or op is getattr(c, "POSSESSIVE_REPEAT", None):
        return _required_chars(av[2]) if av[0] >= 1 else None
    if op is getattr(c, "ATOMIC_GROUP", None):
        return _required_chars(av)
    return None


def _line_of_item(container, index: int, default: int) -> int:
    return container.line_of(index) if isinstance(container, LineList) else default


def _parse_rule(entry, file: str, line: int, metrics: dict[str, Metric], units: Units,
                problems: list[Problem], order: int) -> Rule | None:
    if not isinstance(entry, LineDict):
        problems.append(Problem(file, line, f"a rule must be a mapping (id: …, metric: …, keywords: …), got {entry!r}"))
        return None
    line = entry.line
    rid = entry.get("id")
    label = rid if isinstance(rid, str) and rid else f"(rule at line {line})"
    before = len(problems)
    for key in entry:
        if key not in RULE_FIELDS:
            problems.append(Problem(file, entry.line_of(key), _unknown_field(key, RULE_FIELDS), label))
    for key in ("id", "metric") + (() if "topic" in entry else ("keywords",)):
        if key not in entry:
            problems.append(Problem(file, line, f"missing field {key!r}", label))
    if "id" in entry and (not isinstance(rid, str) or not rid or any(c.isspace() for c in rid)):
        problems.append(Problem(file, entry.line_of("id"), f"id must be a name without spaces, got {rid!r}", label))
    metric = entry.get("metric")
    if "metric" in entry and not isinstance(metric, str):
        problems.append(Problem(file, entry.line_of("metric"), f"metric must be a metric name, got {metric!r}", label))
        metric = None
    elif "metric" in entry and metric not in metrics:
        problems.append(Problem(file, entry.line_of("metric"),
                                f"unknown metric {metric!r} (declare it under `metrics:`{_close(metric, metrics)})", label))
    unit = entry.get("unit") or (metrics[metric].unit if metric in metrics else None)
    if "unit" in entry:
        what = _unit_problem(entry["unit"], units)
        if what:
            problems.append(Problem(file, entry.line_of("unit"), what, label))
        elif metric in metrics and metrics[metric].unit and not (
                unit == metrics[metric].unit or units.convertible(unit, metrics[metric].unit)):
            problems.append(Problem(file, entry.line_of("unit"),
                                    f"unit {unit!r} does not convert to {metrics[metric].unit!r}, the unit of metric {metric}", label))
    elif unit is None and metric in metrics:
        problems.append(Problem(file, line, f"no unit: give the rule or its metric {metric!r} a `unit`", label))
    raw_kw = entry.get("keywords")
    keywords = word_list(raw_kw) if "keywords" in entry else []
    if keywords is None or ("keywords" in entry and not keywords):
        problems.append(Problem(file, entry.line_of("keywords"), f"keywords must be a non-empty list of words, got {raw_kw!r}", label))
        keywords = []

    def words(key: str) -> list[str]:
        """A field that lists words: its words ([] when absent), or [] and a problem."""
        found = word_list(entry.get(key) or [])
        if found is None:
            problems.append(Problem(file, entry.line_of(key), f"{key} must be a list of words, got {entry.get(key)!r}", label))
            return []
        return found

    def flag(key: str, default: bool) -> bool:
        """A true/false field: its value, or the default and a problem."""
        v = entry.get(key, default)
        if not isinstance(v, bool):
            problems.append(Problem(file, entry.line_of(key), f"{key} must be true or false, got {v!r}", label))
            return default
        return v

    exclude, not_after, not_before, totals = words("exclude"), words("not_after"), words("not_before"), words("totals")
    if any(len(w) > 4 for w in not_after):
        problems.append(Problem(file, entry.line_of("not_after"), "not_after words are at most 4 characters long", label))
        not_after = []
    near, columns, echo = flag("near", True), flag("columns", False), flag("echo", False)
    ints = {}
    for key, default in (("before", DEFAULT_BEFORE), ("after", DEFAULT_AFTER), ("priority", 0)):
        v = entry.get(key, default)
        if not isinstance(v, int) or isinstance(v, bool) or (key != "priority" and not 0 <= v <= 200):
            problems.append(Problem(file, entry.line_of(key), f"{key} must be a whole number{' from 0 to 200' if key != 'priority' else ''}, got {v!r}", label))
            v = default
        ints[key] = v
    pattern_sources, compiled, lines = _pattern_list(entry, "patterns", "pattern", label, keywords, file, problems)
    sources, unless, unless_lines = _pattern_list(entry, "unless", "unless pattern", label, keywords, file, problems)
    trigger = _unless_trigger(sources, keywords) if unless and all(unless) else None
    scope = _parse_scope(entry, file, label, problems)
    scope.update(_parse_respectively(entry, file, label, problems))
    topic = _parse_topic(entry, file, label, problems)
    context = _parse_context(entry, file, label, problems)
    examples = _parse_examples(entry, file, label, problems)
    if len(problems) > before:
        return None
    return Rule(id=rid, metric=metric, unit=unit, keywords=tuple(keywords), patterns=compiled,
                pattern_lines=lines, pattern_starts=[pattern_start(src) for src in pattern_sources], before=ints["before"], after=ints["after"],
                exclude=tuple(exclude), not_after=tuple(not_after), not_before=tuple(not_before),
                near=near, totals=tuple(totals), unless=unless, unless_trigger=trigger, unless_lines=unless_lines, columns=columns, echo=echo, **scope, **topic, **context,
                priority=ints["priority"], description=str(entry.get("description") or ""),
                examples=examples, file=file, line=line, order=order)


def _sub_mapping(entry: LineDict, key: str, allowed: set, file: str, label: str, problems: list[Problem],
                 example: str) -> LineDict | None:
    """The mapping under `key` (None when absent); problems for a wrong shape or field."""
    raw = entry.get(key)
    if raw is None:
        return None
    if not isinstance(raw, LineDict):
        problems.append(Problem(file, entry.line_of(key), f"{key} must be a mapping such as {example}, got {raw!r}", label))
        return None
    for k in raw:
        if k not in allowed:
            problems.append(Problem(file, raw.line_of(k), f"{key}: {_unknown_field(k, allowed)}", label))
    return raw


def _whole(raw: LineDict, key: str, default: int, lo: int, hi: int, where: str, file, label, problems) -> int:
    v = raw.get(key, default)
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        problems.append(Problem(file, raw.line_of(key), f"{where}.{key} must be a whole number from {lo} to {hi}, got {v!r}", label))
        return default
    return v


def _parse_scope(entry: LineDict, file: str, label: str, problems: list[Problem]) -> dict:
    raw = _sub_mapping(entry, "scope", SCOPE_FIELDS, file, label, problems, "{after: 60, before: 20, stop: [另外]}")
    if raw is None:
        return {}
    out = {"scope_after": _whole(raw, "after", 0, 0, 400, "scope", file, label, problems),
           "scope_before": _whole(raw, "before", 0, 0, 400, "scope", file, label, problems)}
    for key in ("stop", "skip", "through"):
        out[f"scope_{key}"] = tuple(_words(raw, key, "scope", file, label, problems))
    if "after" not in raw and "before" not in raw:
        problems.append(Problem(file, entry.line_of("scope"), "scope needs `after` or `before` (characters a list may run)", label))
    return out


def _parse_respectively(entry: LineDict, file: str, label: str, problems: list[Problem]) -> dict:
    raw = _sub_mapping(entry, "respectively", RESPECTIVELY_FIELDS, file, label, problems,
                       "{words: [分别], shared: [均], measures: [率, 度]}")
    if raw is None:
        return {}
    out = {f"resp_{key}": tuple(_words(raw, key, "respectively", file, label, problems))
           for key in ("words", "shared", "measures")}
    triggers = out["resp_words"] + out["resp_shared"]
    if not triggers:
        problems.append(Problem(file, entry.line_of("respectively"),
                                "respectively needs `words` (分别) or `shared` (均)", label))
        return {}
    out["resp_re"] = re.compile("|".join(re.escape(w) for w in sorted(triggers, key=len, reverse=True)))
    return out


def _parse_topic(entry: LineDict, file: str, label: str, problems: list[Problem]) -> dict:
    raw, out = _words_where(entry, "topic", TOPIC_FIELDS, "section", file, label, problems,
                            "{words: [植树, 苗木], within: section}")
    if raw is not None:
        out["topic_with"] = tuple(_words(raw, "with", "topic", file, label, problems))
    return out


def _parse_context(entry: LineDict, file: str, label: str, problems: list[Problem]) -> dict:
    return _words_where(entry, "context", CONTEXT_FIELDS, "paragraph", file, label, problems,
                        "{words: [银行, 金融机构], within: paragraph}")[1]


def _words_where(entry: LineDict, key: str, fields: set, within_default: str, file: str, label: str,
                 problems: list[Problem], example: str) -> tuple[LineDict | None, dict]:
    """A field of words and where to look for them (topic, context): the raw mapping and
    the rule attributes `{key}_words`, `{key}_within`, `{key}_min`, `{key}_re`."""
    raw = _sub_mapping(entry, key, fields, file, label, problems, example)
    if raw is None:
        return None, {}
    words = word_list(raw.get("words"))
    if not words:
        problems.append(Problem(file, raw.line_of("words"), f"{key}.words must be a non-empty list of words, got {raw.get('words')!r}", label))
        words = []
    within = raw.get("within", within_default)
    allowed = TOPIC_WITHIN + (("table",) if key == "context" else ())
    if within not in allowed:
        problems.append(Problem(file, raw.line_of("within"), f"{key}.within must be one of {', '.join(allowed)}, got {within!r}", label))
        within = within_default
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))) if words else None
    return raw, {f"{key}_words": tuple(words), f"{key}_within": within, f"{key}_re": pattern,
                 f"{key}_min": _whole(raw, "min", 1, 1, 100, key, file, label, problems)}


def _words(raw: LineDict, key: str, where: str, file: str, label: str, problems: list[Problem]) -> list[str]:
    words = word_list(raw.get(key) or [])
    if words is None:
        problems.append(Problem(file, raw.line_of(key), f"{where}.{key} must be a list of words, got {raw.get(key)!r}", label))
        return []
    return words


def _parse_examples(entry: LineDict, file: str, label: str, problems: list[Problem]) -> list[Example]:
    out: list[Example] = []
    raw = entry.get("examples", []) or []
    if not isinstance(raw, list):
        problems.append(Problem(file, entry.line_of("examples"), "examples must be a list of {text: …, value: …}", label))
        raw = []
    for i, ex in enumerate(raw):
        at = _line_of_item(raw, i, entry.line_of("examples"))
        if not isinstance(ex, LineDict) or not isinstance(ex.get("text"), str) or not ex.get("text").strip():
            problems.append(Problem(file, at, "an example needs `text` (and the `value` it must give), "
                                    "e.g. {text: 完成投资5亿元, value: 500000000}", label))
            continue
        bad = len(problems)
        for key in ex:
            if key not in EXAMPLE_FIELDS:
                problems.append(Problem(file, ex.line_of(key), f"example: {_unknown_field(key, EXAMPLE_FIELDS)}", label))
        if "value" not in ex and "min" not in ex and "max" not in ex:
            problems.append(Problem(file, at, "an example needs the `value` it must give", label))
        for key in ("value", "min", "max"):
            v = ex.get(key)
            if key in ex and v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                problems.append(Problem(file, ex.line_of(key), f"example: {key} must be a number (in the metric's unit) or null, got {v!r}", label))
            elif isinstance(v, float) and (v != v or abs(v) == float("inf")):  # .nan equals nothing; no text gives .inf
                problems.append(Problem(file, ex.line_of(key), f"example: {key} must be a finite number (in the metric's unit) or null, got {v!r}", label))
        if "qualifier" in ex and ex["qualifier"] is not None and ex["qualifier"] not in QUALIFIERS:
            problems.append(Problem(file, ex.line_of("qualifier"),
                                    f"example: qualifier must be one of {', '.join(QUALIFIERS)} or null, got {ex['qualifier']!r}", label))
        if "unit" in ex and not isinstance(ex["unit"], str):
            problems.append(Problem(file, ex.line_of("unit"), f"example: unit must be a unit name, got {ex['unit']!r}", label))
        if len(problems) > bad:
            continue
        out.append(Example(ex["text"], at, {k: ex[k] for k in ("value", "unit", "qualifier", "min", "max") if k in ex}))
    raw = entry.get("counterexamples", []) or []
    if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
        problems.append(Problem(file, entry.line_of("counterexamples"), "counterexamples must be a list of texts", label))
        raw = []
    for i, text in enumerate(raw):
        out.append(Example(text, _line_of_item(raw, i, entry.line_of("counterexamples") + 1 + i), None))
    return out


def load_rules(paths=None, *, default: bool = True, packs=(), units: Units | None = None) -> RuleSet:
    """Load rules: the default pack (unless ``default=False``), then each named optional
    pack (``packs=("extended",)``: the files in rules/extended/), then each file or
    directory of ``paths``. A rule whose id was loaded by an earlier one of these replaces
    it; the same id twice within one of them is a problem. Raises DataFileError listing
    every problem of every file."""
    ruleset, problems = _load(paths, default=default, packs=packs, units=units)
    if problems:
        raise DataFileError(problems)
    return ruleset


def _groups(paths, default: bool, packs, problems: list[Problem]) -> list[list[Path]]:
    """The files to load, in groups: a rule of a later group may replace one of an earlier."""
    groups: list[list[Path]] = []
    root = default_rules_dir()
    if default:
        groups.append(_rule_files(root))
    if isinstance(packs, str):
        packs = [packs]
    for name in packs or ():
        d = root / str(name)
        if not name or "/" in str(name) or "\\" in str(name) or str(name).startswith(".") or not d.is_dir() \
                or not _rule_files(d):
            have = available_packs()
            problems.append(Problem(str(root), 0, f"unknown rule pack {name!r} (available: {', '.join(have) or 'none'})"))
            continue
        groups.append(_rule_files(d))
    for p in paths or []:
        p = Path(p)
        if not p.exists():
            problems.append(Problem(str(p), 0, "no such rule file or directory"))
            continue
        files = _rule_files(p)
        if not files:
            problems.append(Problem(str(p), 0, "no .yaml rule files in this directory"))
        groups.append(files)
    return groups


def _load(paths, *, default: bool, packs=(), units: Units | None) -> tuple[RuleSet | None, list[Problem]]:
    units = units or load_units()
    problems: list[Problem] = []
    groups = _groups(paths, default, packs, problems)
    parsed = []          # (group index, file, raw entries)
    metrics: dict[str, Metric] = {}
    loaded: set[Path] = set()
    for g, group in enumerate(groups):
        for f in group:
            if f.resolve() in loaded:  # a file named twice (a default file given again): load it once
                continue
            loaded.add(f.resolve())
            m, raw = _parse_file(f, units, problems)
            for name, metric in m.items():
                prev = metrics.get(name)
                if prev is not None and prev.unit and metric.unit and prev.unit != metric.unit:
                    problems.append(Problem(metric.file, metric.line,
                                            f"metric {name}: unit {metric.unit!r} differs from {prev.unit!r} "
                                            f"declared at {prev.file}:{prev.line} (a metric has one unit)"))
                    continue
                if prev is None or metric.unit or not prev.unit:
                    metrics[name] = metric
            parsed.append((g, f, raw))
    rules: dict[str, Rule] = {}
    group_of: dict[str, int] = {}
    order = 0
    for g, f, raw in parsed:
        for i, entry in enumerate(raw):
            order += 1
            rule = _parse_rule(entry, str(f), _line_of_item(raw, i, 0), metrics, units, problems, order)
            if rule is None:
                continue
            prev = rules.get(rule.id)
            if prev is not None:
                if group_of[rule.id] == g:
                    problems.append(Problem(rule.file, rule.line, f"duplicate id (first defined at {prev.file}:{prev.line})", rule.id))
                    continue
                rule.order = prev.order  # replaces the earlier rule in its place
            rules[rule.id] = rule
            group_of[rule.id] = g
    sources = [str(f) for _, f, _ in parsed]
    return RuleSet(list(rules.values()), metrics, units, sources), _sorted(problems, sources)


def _sorted(problems: list[Problem], files=()) -> list[Problem]:
    """Problems file by file (in load order, then in the order met), line by line."""
    rank: dict[str, int] = {f: i for i, f in enumerate(files)}
    for p in problems:
        rank.setdefault(p.file, len(rank))
    return sorted(problems, key=lambda p: (rank[p.file], p.line))
