"""The attribution's shortcuts give what the plain definitions give: sentence ends found in
two passes, keyword hits searched stretch by stretch and kept, the keyword trie split into
look-ahead halves. Each is checked against the plain way on the same texts."""
import pytest

from gazette_cli.attribution import _SENTENCE_END, Sentences, _KeywordIndex, _sentence_ends
from gazette_cli.rules import RuleSet, load_rules, trie_regex

TEXTS = [
    "",
    "完成造林3万亩。贷款余额1.2亿元；同比增长9.97%！\n新造林3.05万亩?",
    "He said so. 贷款3亿元.其中农行1亿元.2024年.“人才贷”.（二）.5.5万亩",
    "植树造林植树造林贷款支持小额贷款信贷资金贷款\n" * 3,
    "a.b 造林. 9.97 。.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_sentence_ends_are_those_of_the_one_pattern(text):
    assert _sentence_ends(text) == [m.start() for m in _SENTENCE_END.finditer(text)]
    assert Sentences(text).periods().ends == [m.start() for m in _SENTENCE_END.finditer(text) if text[m.start()] not in ";；"]


@pytest.mark.parametrize("text", TEXTS)
def test_keyword_hits_asked_in_any_order_are_those_of_one_search(text):
    rs = load_rules(packs=("extended",))
    index = _KeywordIndex(text, rs.keyword_starts)
    n = len(text)
    asks = [(n // 2, n), (0, n // 3), (n // 4, 3 * n // 4), (0, n), (1, 2), (n // 3, n // 3 + 7), (0, n)]
    for lo, hi in asks:
        assert index(lo, hi) == rs.keyword_hits(text, lo, hi), (lo, hi)


@pytest.mark.parametrize("text", TEXTS)
def test_the_search_of_some_units_finds_their_rules_hits(text):
    """RuleSet.keywords_of(units) finds the hits of every keyword of the rules in those
    units, and no other: the full search's hits of those words."""
    rs = load_rules(packs=("extended",))
    unit_sets = [frozenset({u}) for u in sorted(rs.rule_units)] + [frozenset(rs.rule_units), frozenset({"亩", "株"})]
    for units in unit_sets:
        words = {k for r in rs.rules if r.unit in units for k in r.keywords}
        assert rs.keywords_of(units).starts(text, 0, len(text)) == \
            [h for h in rs.keyword_starts(text, 0, len(text)) if h[2] in words], units
    assert "亩" in rs.units_taking("公顷") and "亩" in rs.units_taking("亩") and rs.units_taking(None) == frozenset()


def test_a_split_trie_matches_what_the_flat_one_matches():
    import re
    words = ["造林", "植树造林", "植树", "贷款", "贷款支持", "贷"] + [chr(0x3400 + i) + "林" for i in range(100)]
    flat, split = re.compile(trie_regex(words)), re.compile(trie_regex(words, 4))
    text = "".join(TEXTS) + "".join(chr(0x3400 + i) + "林" for i in range(0, 100, 7))
    for pos in range(len(text)):
        a, b = flat.match(text, pos), split.match(text, pos)
        assert (a and a.group()) == (b and b.group()), pos


# -- patterns tried only where they can start ---------------------------------------------------
START_CASES = [
    ("{K}[^。]{0,3}?{Q}", "K"), ("{K}(?:a|b){Q}", "K"), ("{K}[|]{Q}", "K"), ("{K}[]|]{Q}", "K"),
    ("{K}[^]|]{Q}", "K"), ("{K}\\|{Q}", "K"), ("{K}(?P<x>a|b){Q}", "K"), ("{K}(?=a|b){Q}", "K"),
    ("{Q}的?(?:草方格|沙障)", "Q"), ("(?<!每){Q}沙障", "Q"), ("(?<!每[^，)]{0,4})(?<=\\D){K}[^。]{0,9}{Q}", "K"),
    ("(?<!a|b){K}x{Q}", "K"),
    ("{K}a|b{Q}", None), ("{Q}x|y", None), ("{K}(?i)a{Q}", None), ("(?<!a){K}a|b{Q}", None),
    ("(?<!a{K}{Q}", None), ("(?=a){K}{Q}", None), ("{K}a)|b{Q}", None),
    ("{K}(?|(a)|(b)){Q}", None), ("a{K}{Q}", None),
]


@pytest.mark.parametrize("src,start", START_CASES)
def test_where_a_pattern_can_start(src, start):
    from gazette_cli.rules import pattern_start
    assert pattern_start(src) == start


def _bench_rules(tmp_path):
    """The benchmark's 200 firing rules (frequent words of the samples as keywords, a
    {K}-pattern every fourth rule) and some of our own that start with {Q} or neither."""
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root))
    from benchmarks.bench import corpus_bigrams, write_extra_rules
    texts = [p.read_text("utf-8") for p in sorted((root / "tests" / "corpus" / "tuned").glob("*.txt"))[:20]]
    own = tmp_path / "own.yaml"
    own.write_text(
        "rules:\n"
        "  - id: own.q\n    metric: seedling_count\n    keywords: [株]\n    patterns: ['{Q}[^。；]{0,6}?(?:苗|树)']\n"
        "  - id: own.k\n    metric: afforestation_area\n    keywords: [造林, 人工造林, 林]\n"
        "    patterns: ['{K}[^。；！？]{0,20}?(?:{N}[、，]){0,3}{Q}']\n"
        "  - id: own.none\n    metric: loan_amount\n    keywords: [贷款]\n    patterns: ['(?:发放|贷款)[^。]{0,9}?{Q}']\n"
        "  - id: own.behind\n    metric: seedling_count\n    keywords: [栽植, 植树]\n"
        "    patterns: ['(?<!每[^，。]{0,3}){K}[^。；]{0,12}?{Q}', '(?<![每亩])(?<=[，。、\\s]){Q}[^。；]{0,6}?(?:苗|树)']\n",
        encoding="utf-8")
    return [write_extra_rules(tmp_path / "bench", 200, corpus_bigrams(texts)), own], texts


def test_patterns_tried_where_they_start_claim_what_a_search_claims(tmp_path):
    """The same claims as the plain way, a search of every sentence for every pattern."""
    from gazette_cli.extraction import explain_text
    paths, texts = _bench_rules(tmp_path)
    fast = load_rules(paths, packs=("extended",))
    assert sum(s is not None for r in fast.rules for s in r.pattern_starts) >= 50
    plain = load_rules(paths, packs=("extended",))
    for r in plain.rules:
        r.pattern_starts = [None] * len(r.patterns)
    texts = texts + [t for t in TEXTS if t]
    by_pattern = 0
    for text in texts:
        a = [(x.text, x.metric, x.rule, x.reason, x.also_matched) for x in explain_text(text, ruleset=fast)]
        b = [(x.text, x.metric, x.rule, x.reason, x.also_matched) for x in explain_text(text, ruleset=plain)]
        assert a == b
        by_pattern += sum(x[3] is not None and x[3].startswith("pattern") for x in a)
    assert by_pattern >= 30
