"""Qualifier words: 约, 超过, 最高, 左右, 以上 … before or after a number, and the max/min words
that govern a number a few words later. The words are data (the `qualifiers` part of the
units file's `scanner:` section); this is how they are found around a number."""
from __future__ import annotations

import re

#: 等于 X: both bounds are X
EXACT_WORDS = ("等于",)
#: what may stand between a qualifier word and the number: 达到为 …
_GLUE = ("", "为", "达", "有", "了", "是")
_CLAUSE_END = frozenset("，,。；;！？!?：:\n、")


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


