"""What an issue says about itself: its date, from the file name or the masthead."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

# 2025-02-14, 2025_02_14, 2025.02.14, 20250214, 2025年2月14日 (not inside a longer number)
_NAME_DATE = re.compile(r"(?<!\d)(20\d\d|19\d\d)([-_.]?)(\d\d)\2(\d\d)(?!\d)|(\d{4})年(\d{1,2})月(\d{1,2})日")
# a masthead line: 2025年2月14日 星期五 (the weekday tells it from a date in the news)
_MASTHEAD = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:星期|周)[一二三四五六日天]")
MASTHEAD_LINES = 10


def _valid(y, m, d) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def issue_date(name: str, text: str, meta: dict) -> tuple[str | None, str]:
    """(YYYY-MM-DD, where it was found) or (None, "")."""
    for m in _NAME_DATE.finditer(Path(name).name):
        g = m.groups()
        found = _valid(g[0], g[2], g[3]) if g[0] else _valid(g[4], g[5], g[6])
        if found:
            return found, "file name"
    head = "\n".join(text.lstrip()[:2000].splitlines()[:MASTHEAD_LINES])
    m = _MASTHEAD.search(head)
    if m:
        found = _valid(*m.groups())
        if found:
            return found, "masthead"
    if meta.get("date"):
        return meta["date"], "metadata"
    return None, ""
