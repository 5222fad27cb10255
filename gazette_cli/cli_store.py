"""The command line of the store, summaries and Dask: `gazette extract --db/--dask` and
`gazette summary`. Thin: the work is in store.py, frames.py, summary.py, distributed.py."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from . import batch, export
from .cli_common import (ExcludeOpt, FormatOpt, IncludeOpt, JobsOpt, NoDefaultOpt, OutputOpt, PackOpt, RulesOpt,
                         check_jobs, check_output, emit, err, fail, format_of, load_ruleset, make_task, note, report,
                         stdout_console)
from .errors import GazetteError
from .summary import GROUPS, PERIODS

QuietOpt = typer.Option(False, "--quiet", "-q", help="No closing summary line.")   # summary draws no progress


def run_extract(files, task: batch.Task, ruleset, *, db, force, wait, dask, fmt, output, include, exclude, jobs, quiet):
    """`gazette extract … --db STORE` and/or `--dask SCHEDULER`."""
    if db is None:
        return _run_dask(files, task, ruleset, dask, fmt, output, include, exclude, quiet)
    if fmt or output:
        fail("--db writes to the store, not to --format/--output; read it with `gazette summary --db` "
             "or gazette_cli.read_store()", 2)
    if wait < 0:
        fail("--wait must not be negative", 2)
    from .store import extract_to_store

    def shown(res, status):
        if status == "note":             # a name that gave no issue file
            for w in res.warnings:
                note(w)
        elif res is not None:
            report(res)

    try:
        run = None
        if dask is not None:
            from .distributed import runner
            run = runner(ruleset, task, dask)
        rep = extract_to_store([str(f) for f in files], db, task=task, ruleset=ruleset, jobs=check_jobs(jobs),
                               force=force, wait=wait, include=include or (), exclude=exclude or (), on_result=shown,
                               run=run)
    except GazetteError as exc:   # StoreBusy too
        fail(str(exc))
    if not quiet:
        from .store import Store
        with Store(db) as s:
            issues, records = s.counts()
        dup = f", {rep.duplicates} duplicate(s) of stored issues" if rep.duplicates else ""
        err.print(f"gazette: {rep.extracted} issue(s) extracted, {rep.unchanged} unchanged{dup}, {rep.failed} failed; "
                  f"{rep.added} record(s) added, {rep.removed} replaced; {db}: {issues} issue(s), {records} record(s)",
                  markup=False)
    if rep.failed:
        raise typer.Exit(1)


def _run_dask(files, task, ruleset, scheduler, fmt, output, include, exclude, quiet):
    from .distributed import runner

    fmt = format_of(output, fmt)
    items = batch.files_of(files, include or (), exclude or (), note=note)
    check_output(output, [it.path for it in items])
    records, failed = [], 0
    try:   # a name that gave no file is its error, in its place, as in a plain run
        results = list(runner(ruleset, task, scheduler)(items))
    except GazetteError as exc:
        fail(str(exc))
    for res in results:
        failed += report(res)
        records.extend(res.records)
    cols = export.columns_for(records, export.METRIC_COLUMNS)
    if not quiet:
        err.print(f"gazette: {len(results) - failed} file(s) read on dask ({scheduler}), {len(records)} record(s), "
                  f"{failed} file(s) failed", markup=False)
    emit(records, fmt, output, cols, "policy metrics")
    if failed:
        raise typer.Exit(1)


def summary(paths: Optional[List[Path]] = typer.Argument(None, help="Issue files, directories or globs to extract first, or a store (.duckdb, .sqlite, .db)."),
            db: Optional[str] = typer.Option(None, "--db", help="Summarize this store."),
            period: str = typer.Option("month", "--period", "-P", help=f"One of {', '.join(PERIODS)}."),
            by: Optional[List[str]] = typer.Option(None, "--by", help=f"Also group by {' or '.join(GROUPS)} (a period name sets --period)."),
            plot: Optional[str] = typer.Option(None, "--plot", help="Draw each metric over time into this .png or .svg file."),
            format: Optional[str] = FormatOpt, output: Optional[str] = OutputOpt,
            rules: Optional[List[Path]] = RulesOpt, no_default_rules: bool = NoDefaultOpt,
            pack: Optional[List[str]] = PackOpt, include: Optional[List[str]] = IncludeOpt,
            exclude: Optional[List[str]] = ExcludeOpt, jobs: Optional[int] = JobsOpt, quiet: bool = QuietOpt):
    """Count, sum, min and max of each metric per period (and source or file), from a store or from files."""
    from .summary import as_records, plot as draw, summarize
    from .store import is_store_name

    group = None
    for b in by or ():
        if b in PERIODS:
            period = b
        elif b in GROUPS:
            if group and group != b:
                fail(f"--by {group} and --by {b}: choose one", 2)
            group = b
        else:
            fail(f"--by {b!r}: choose from {', '.join(GROUPS + PERIODS)}", 2)
    if period not in PERIODS:
        fail(f"--period {period!r}: choose from {', '.join(PERIODS)}", 2)
    paths = [str(p) for p in paths or ()]
    stores = [p for p in paths if is_store_name(p)]
    if db:
        stores.insert(0, db)
    if len(stores) > 1 or (stores and len(paths) > len(stores) - (1 if db else 0)):
        fail("give one store, or issue files, not both", 2)
    if not stores and not paths:
        fail("give issue files or a store (--db archive.duckdb)", 2)
    fmt = format_of(output, format)
    check_output(output, paths)
    if plot:
        check_output(plot, paths)
        if not plot.lower().endswith((".png", ".svg", ".pdf")):
            fail(f"{plot}: --plot writes .png, .svg or .pdf", 2)
    failed = 0
    try:
        if stores:
            from .frames import read_store
            df = read_store(stores[0])
        else:
            from .frames import to_frame
            ruleset = load_ruleset(rules, no_default_rules, pack)
            task = make_task("extract", rules, no_default_rules, pack, False)
            records, failed = _records(paths, task, ruleset, include, exclude, jobs)
            df = to_frame(records)
    except GazetteError as exc:   # StoreBusy too
        fail(str(exc))
    table = summarize(df, period=period, by=group)
    rows = as_records(table)
    cols = list(table.columns.drop("start"))
    if not quiet and not rows:
        err.print("gazette: no records to summarize", markup=False)
    title = f"metrics per {period}" + (f" and {group}" if group else "")
    if fmt == "table" and not output:
        stdout_console().print(_table(rows, cols, title))
    else:
        emit(rows, fmt, output, cols, title)
    if plot:
        try:
            draw(table, plot, warn=lambda w: err.print(f"gazette: warning: {w}", markup=False))
        except (GazetteError, ValueError) as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"{plot}: cannot write ({exc.strerror or exc})")
        if not quiet:
            err.print(f"gazette: plot written to {plot}", markup=False)
    if failed:
        raise typer.Exit(1)


def _records(paths, task, ruleset, include, exclude, jobs) -> list[dict]:
    items = batch.files_of(paths, include or (), exclude or (), note=note)
    records, failed = batch.collect(items, task, jobs=check_jobs(jobs), ruleset=ruleset, on_result=report)
    if failed:
        err.print(f"gazette: {failed} file(s) failed; the summary leaves them out", markup=False)
    return records, failed


_NUMBERS = ("count", "sum", "min", "max", "approx", "at_least", "at_most", "ranges", "sum_low", "sum_high")


def _table(rows: list[dict], cols: list[str], title: str):
    """The summary in a terminal: numbers right-aligned with thousands separators, the mark
    before the sum, and the qualifier and range columns only when some row has one."""
    from rich.table import Table

    show = [c for c in cols if c not in _NUMBERS[4:] or any(r.get(c) for r in rows)]
    table = Table(title=title)
    for c in show:
        table.add_column(c, justify="right" if c in _NUMBERS else "left", no_wrap=True)
    for r in rows:
        table.add_row(*[export.format_number(r.get(c)) if c in _NUMBERS else export.clean(str(r.get(c) or ""))
                        for c in show])
    return table

