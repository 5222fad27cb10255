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
    index = _KeywordIndex(text, rs)
    n = len(text)
    asks = [(n // 2, n), (0, n // 3), (n // 4, 3 * n // 4), (0, n), (1, 2), (n // 3, n // 3 + 7), (0, n)]
    for lo, hi in asks:
        assert index(lo, hi) == rs.keyword_hits(text, lo, hi), (lo, hi)


def test_a_split_trie_matches_what_the_flat_one_matches():
    import re
    words = ["造林", "植树造林", "植树", "贷款", "贷款支持", "贷"] + [chr(0x3400 + i) + "林" for i in range(100)]
    flat, split = re.compile(trie_regex(words)), re.compile(trie_regex(words, 4))
    text = "".join(TEXTS) + "".join(chr(0x3400 + i) + "林" for i in range(0, 100, 7))
    for pos in range(len(text)):
        a, b = flat.match(text, pos), split.match(text, pos)
        assert (a and a.group()) == (b and b.group()), pos
