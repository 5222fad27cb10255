"""Where the shipped data files (rules/ and its units file) live, installed or in a checkout."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path


def default_rules_dir() -> Path:
    """The default rule pack: $GAZETTE_RULES_DIR, else rules/ beside the package (a checkout
    or an editable install), else the copy installed as the `gazette_rules` package."""
    env = os.environ.get("GAZETTE_RULES_DIR")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent / "rules"
    if (here / "units.yaml").is_file():
        return here
    try:
        spec = importlib.util.find_spec("gazette_rules")
    except (ImportError, ValueError):
        spec = None
    for loc in (spec.submodule_search_locations or []) if spec else []:
        if (Path(loc) / "units.yaml").is_file():
            return Path(loc)
    return here


def default_units_file() -> Path:
    return default_rules_dir() / "units.yaml"
