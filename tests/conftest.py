import json
import os
import tempfile
from pathlib import Path

import pytest

# the disk caches (compiled patterns, parsed data files) of a test run live in a folder of
# its own, never in the user's ~/.cache; commands the tests start inherit it
os.environ.setdefault("GAZETTE_CACHE_DIR", tempfile.mkdtemp(prefix="gazette-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "000_325790cf70597617.txt"
GOLD = Path(__file__).resolve().parent / "000_325790cf70597617.jsonl"


@pytest.fixture(scope="session")
def gold():
    return [json.loads(l) for l in GOLD.read_text(encoding="utf-8").splitlines() if l.strip()]


@pytest.fixture(scope="session")
def ruleset():
    from gazette_cli import load_rules

    return load_rules()
