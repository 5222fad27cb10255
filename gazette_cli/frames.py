"""Records as pandas DataFrames, with the dtypes an analyst expects.

``extract_frame(paths)`` runs the same batch as ``gazette extract`` and gives its rows;
``read_store(path)`` gives the rows of a store. Both have the same columns: the record
fields (``file``, ``page``, ``line``, ``column``, ``metric``, ``value``, ``value_text``,
``unit``, ``qualifier``, ``min``, ``max``, ``text``, ``context``, ``rule``,
``written_value``, ``written_unit``, ``issue_date``, ``source``), then any other field.
``issue_date`` is datetime64, the numbers float64 (``value_text`` keeps the exact number:
float64 holds integers exactly only up to 2**53), ``metric`` and ``unit`` categoricals,
line numbers nullable Int64.
"""
from __future__ import annotations

import json
import os
from typing import Iterable

from . import batch
from .errors import GazetteError
from .export import as_float
from .records import NUMBERS, TABLE_COLUMNS
from .store import Store, exact_text

COLUMNS = list(TABLE_COLUMNS)
_INTS = ("page", "line", "column")
_CATEGORIES = ("metric", "unit", "qualifier")


def typed(df):
    """Apply the dtypes of the module's docstring to a frame of records (in place, returned)."""
    import pandas as pd

    for c in COLUMNS:
        if c not in df.columns:
            df[c] = None
    for c in NUMBERS:
        df[c] = pd.to_numeric(df[c].map(as_float) if df[c].dtype == object else df[c], errors="coerce").astype("float64")
    for c in _INTS:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("Int64")
    for c in _CATEGORIES:
        df[c] = df[c].astype("category")
    df["issue_date"] = pd.to_datetime(df["issue_date"], errors="coerce").astype("datetime64[ns]")
    for c in ("file", "value_text", "text", "context", "rule", "written_unit", "source"):
        df[c] = df[c].astype("string")
    rest = [c for c in df.columns if c not in COLUMNS]
    return df[COLUMNS + rest]


def to_frame(records: list[dict]):
    """Records (dicts, as the batch layer gives them) → a typed DataFrame."""
    import pandas as pd

    rows = []
    for r in records:
        row = dict(r)
        row["value_text"] = exact_text(r.get("value"))
        rows.append(row)
    df = pd.DataFrame(rows) if rows else pd.DataFrame(columns=COLUMNS)
    return typed(df)


def task_for(rules=None, *, packs=(), reflow: bool = True) -> tuple[batch.Task, object]:
    """(the batch Task, the loaded RuleSet) for `rules`: None (the default pack), a path
    or list of paths added to it, or a RuleSet (its files, loaded alone)."""
    from .rules import RuleSet, load_rules

    if isinstance(rules, RuleSet):
        task = batch.Task("extract", rules=tuple(rules.sources), default_rules=False, reflow=reflow)
        return task, rules
    if isinstance(rules, (str, os.PathLike)):
        rules = [rules]
    task = batch.Task("extract", rules=tuple(str(r) for r in rules or ()), packs=tuple(packs), reflow=reflow)
    return task, load_rules(list(task.rules), default=True, packs=task.packs)


def extract_records(paths: Iterable[str | os.PathLike], *, rules=None, jobs: int | None = None,
                    errors: list[str] | None = None) -> list[dict]:
    """The records `gazette extract PATHS` gives, in the same order. A file that cannot be
    read is skipped, its one-line message appended to `errors` (raised when None)."""
    task, ruleset = task_for(rules)
    items = batch.files_of([paths] if isinstance(paths, (str, os.PathLike)) else paths)
    failed: list[str] = []
    records, _ = batch.collect(items, task, jobs=jobs, ruleset=ruleset,
                               on_result=lambda res: res.error and failed.append(res.error))
    if failed:
        if errors is None:
            raise GazetteError(failed[0] + (f" (and {len(failed) - 1} more file(s) failed)" if len(failed) > 1 else ""))
        errors.extend(failed)
    return records


def extract_frame(paths, *, rules=None, jobs: int | None = None):
    """The records of `gazette extract PATHS` as a typed DataFrame (see the module's
    docstring). `rules`: None, rule file paths added to the default pack, or a RuleSet.
    Raises GazetteError naming the first file that could not be read."""
    return to_frame(extract_records(paths, rules=rules, jobs=jobs))


def read_store(path: str | os.PathLike):
    """The records of a store as a typed DataFrame, in issue order, with the issue's hash
    in an `issue` column; fields kept in `extra` come back as columns."""
    import pandas as pd

    with Store(path) as store:
        df = store.frame("records")
    extra = df.pop("extra") if "extra" in df.columns else None
    df = df.drop(columns=["seq"])
    issue = df.pop("issue")
    if extra is not None and extra.notna().any():
        more = pd.DataFrame([json.loads(x) if isinstance(x, str) else {} for x in extra], index=df.index)
        for c in more.columns:
            df[c] = more[c]
    df = typed(df)
    df["issue"] = issue.astype("string")
    return df
