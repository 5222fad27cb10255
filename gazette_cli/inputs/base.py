"""What every reader returns: one issue's text, how it was decoded, and its map back to the
source (the line each PDF page starts on)."""
from __future__ import annotations

import importlib
from bisect import bisect_right
from dataclasses import dataclass, field

from ..errors import InputError


@dataclass
class Issue:
    """One issue's text as read from disk.

    `page_starts` holds, for a paged source (PDF), the 1-based line of `text` on which each
    page begins; it is empty for text, HTML and Word files. `reason` says how the format and
    encoding were chosen (shown by --verbose). `meta` holds what the file itself says about
    the issue: `title`, `date` (YYYY-MM-DD) when known."""

    path: str
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)
    format: str = "text"
    page_starts: list[int] = field(default_factory=list)
    reason: str = ""
    meta: dict = field(default_factory=dict)

    def page_line(self, line: int) -> tuple[int | None, int]:
        """(page, line within that page) of a 1-based line of `text`; (None, line) when the
        source has no pages."""
        if not self.page_starts:
            return None, line
        k = bisect_right(self.page_starts, line)
        if k == 0:
            return 1, line
        return k, line - self.page_starts[k - 1] + 1


def need(module: str, extra: str, what: str, name: str):
    """Import an optional dependency, or stop with a one-line message naming the extra."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputError(f"{name}: reading {what} needs the '{extra}' extra: "
                         f"pip install 'gazette[{extra}]'") from None
