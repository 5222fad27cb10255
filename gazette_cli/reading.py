"""Kept for imports from before gazette_cli.inputs: `read_issue`, `Issue` and `decode`."""
from .inputs import Issue, read_issue  # noqa: F401
from .inputs.text import MAX_BAD_SHARE, decode  # noqa: F401
