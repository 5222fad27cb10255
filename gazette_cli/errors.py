"""The errors gazette reports to its users: one line each, never a traceback."""
from __future__ import annotations

from dataclasses import dataclass


class GazetteError(Exception):
    """A problem with the user's data or rules (exit code 1)."""


class InputError(GazetteError):
    """An issue file that cannot be read: missing, binary, undecodable."""


@dataclass(frozen=True)
class Problem:
    """One problem in a data file (units or rules), located as `file:line: rule: what`
    (`file: what` for a problem with the whole file, such as a missing one)."""

    file: str
    line: int
    what: str
    rule: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.rule}: {self.what}" if self.rule else f"{where}: {self.what}"


class DataFileError(GazetteError):
    """A units or rules file with problems; carries all of them, not the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
