"""The command line: parse arguments, call the library, turn its errors into one-line
messages. Exit codes: 0 ok, 1 a data or rule error, 2 a usage error."""
from __future__ import annotations

import codecs
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__, batch, export, output as outputs
from .cli_store import summary
from .cli_common import (ExcludeOpt, FilesHelp, FormatOpt, IncludeOpt, JobsOpt, NoDefaultOpt, NoReflowOpt, OutputOpt,
                         PackOpt, QuietOpt, RulesOpt, check_jobs, check_output, emit, err, fail, format_of,
                         load_ruleset, make_task, note, report)
from .errors import DataFileError, GazetteError
from .extraction import quantities_text
from .records import as_dicts
from .units import load_units

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Turn Chinese government newspaper and gazette issues into tables of policy metrics.")
rules_app = typer.Typer(no_args_is_help=True, help="Check and list rule files.")
app.add_typer(rules_app, name="rules")


def _progress(nfiles: int, quiet: bool):
    """A progress bar on stderr: only on a terminal, for more than one file, without --quiet."""
    if quiet or nfiles < 2 or not err.is_terminal:
        return None
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn  # only here: 8 ms of imports

    progress = Progress(TextColumn("{task.completed}/{task.total} files"), BarColumn(),
                        TextColumn("{task.fields[mb]:.1f} MB  {task.fields[records]} records  "
                                   "{task.fields[errors]} errors  {task.fields[rate]}"),
                        TimeRemainingColumn(), console=err.console(), transient=True)
    progress.add_task("read", total=nfiles, mb=0.0, records=0, errors=0, rate="")
    progress.start()
    return progress


def _run_batch(files, task: batch.Task, fmt, output, columns, title, include=None, exclude=None,
               jobs=None, quiet=False, ruleset=None, units=None):
    """Expand the paths, run the task on every file (in worker processes with --jobs), show
    or write the records; every bad file is named on stderr and makes the exit code 1."""
    fmt = format_of(output, fmt)
    jobs = check_jobs(jobs)
    items = batch.files_of(files, include or (), exclude or (), note=note)
    check_output(output, [it.path for it in items])
    progress = _progress(len(items), quiet)
    seen = {"records": 0, "failed": 0}

    def shown(res):
        seen["failed"] += report(res)
        seen["records"] += len(res.records)
        if progress:
            t = progress.tasks[0]
            rate = f"{(t.completed + 1) / t.elapsed:.1f} files/s" if t.elapsed else ""
            progress.update(t.id, advance=1, mb=t.fields["mb"] + res.size / 1e6, records=seen["records"],
                            errors=seen["failed"], rate=rate)

    try:   # the rules the CLI already loaded go with it
        records, failed = batch.collect(items, task, jobs=jobs, ruleset=ruleset, units=units, on_result=shown)
    finally:
        if progress:
            progress.stop()
    cols = export.columns_for(records, columns)
    if len(items) > 1 and not quiet:
        err.print(f"gazette: {len(items) - failed} file(s) read, {len(records)} record(s), {failed} file(s) failed", markup=False)
    emit(records, fmt, output, cols, title)
    if failed:
        raise typer.Exit(1)


@app.command()
def extract(files: List[Path] = typer.Argument(..., help=FilesHelp),
            format: Optional[str] = FormatOpt, output: Optional[str] = OutputOpt,
            rules: Optional[List[Path]] = RulesOpt, no_default_rules: bool = NoDefaultOpt,
            pack: Optional[List[str]] = PackOpt, no_reflow: bool = NoReflowOpt,
            include: Optional[List[str]] = IncludeOpt, exclude: Optional[List[str]] = ExcludeOpt,
            jobs: Optional[int] = JobsOpt, quiet: bool = QuietOpt,
            db: Optional[str] = typer.Option(None, "--db", help="Add the records to this store (.duckdb, or .sqlite/.db for SQLite) instead of printing them; unchanged issues are skipped."),
            force: bool = typer.Option(False, "--force", help="With --db: extract every issue again, even unchanged ones."),
            wait: float = typer.Option(0.0, "--wait", help="With --db: wait up to this many seconds for another process writing the store."),
            dask: Optional[str] = typer.Option(None, "--dask", help="Run on Dask: a scheduler address (tcp://host:8786), local:N (a local cluster of N processes), or processes/threads/sync.")):
    """Extract the policy metrics of issues as a table."""
    ruleset = load_ruleset(rules, no_default_rules, pack)
    task = make_task("extract", rules, no_default_rules, pack, no_reflow)
    if db is not None or dask is not None:
        from .cli_store import run_extract
        return run_extract(files, task, ruleset, db=db, force=force, wait=wait, dask=dask, fmt=format,
                           output=output, include=include, exclude=exclude, jobs=jobs, quiet=quiet)
    _run_batch(files, task, format, output, export.METRIC_COLUMNS, "policy metrics",
               include, exclude, jobs, quiet, ruleset=ruleset)


@app.command()
def quantities(files: List[Path] = typer.Argument(..., help=FilesHelp),
               format: Optional[str] = FormatOpt, output: Optional[str] = OutputOpt,
               no_reflow: bool = NoReflowOpt,
               all_numbers: bool = typer.Option(False, "--all-numbers", help="Also list bare numbers (unit null)."),
               include: Optional[List[str]] = IncludeOpt, exclude: Optional[List[str]] = ExcludeOpt,
               jobs: Optional[int] = JobsOpt, quiet: bool = QuietOpt):
    """List every quantity (number with unit, or percentage) in issues."""
    try:
        units = load_units()
    except DataFileError as exc:
        fail(str(exc))
    task = batch.Task("quantities", reflow=not no_reflow, all_numbers=all_numbers)
    _run_batch(files, task, format, output, export.QUANTITY_COLUMNS, "quantities",
               include, exclude, jobs, quiet, units=units)


@app.command()
def explain(files: List[Path] = typer.Argument(..., help=FilesHelp),
            format: Optional[str] = FormatOpt, output: Optional[str] = OutputOpt,
            rules: Optional[List[Path]] = RulesOpt, no_default_rules: bool = NoDefaultOpt,
            pack: Optional[List[str]] = PackOpt, no_reflow: bool = NoReflowOpt,
            unclaimed: bool = typer.Option(False, "--unclaimed", help="Only the quantities no rule claimed: what the rules miss."),
            include: Optional[List[str]] = IncludeOpt, exclude: Optional[List[str]] = ExcludeOpt,
            jobs: Optional[int] = JobsOpt, quiet: bool = QuietOpt):
    """Show every quantity with the rule that claimed it, the other rules that matched, or none."""
    ruleset = load_ruleset(rules, no_default_rules, pack)
    cols = ["file", "line", "column", "text", "value", "unit", "qualifier", "metric", "rule", "reason", "also_matched",
            "why_not", "context"]

    task = make_task("explain", rules, no_default_rules, pack, no_reflow, unclaimed=unclaimed)
    _run_batch(files, task, format, output, cols, "quantities and the rules that claim them",
               include, exclude, jobs, quiet, ruleset=ruleset)


@app.command()
def normalize(text: str = typer.Argument(..., help="An expression, e.g. 9.97亿株 or 百分之八十五."),
              format: Optional[str] = FormatOpt, output: Optional[str] = OutputOpt):
    """Show what the normalizer makes of one expression."""
    format = format_of(output, format)
    check_output(output)
    records = quantities_text(text, path="<text>", all_numbers=True, reflow=False)
    cols = ["text", "value", "unit", "qualifier", "min", "max", "column"]
    records = [{c: r.get(c) for c in cols} for r in as_dicts(records)]
    if not records:
        fail(f"no number found in {text!r}")
    emit(records, format, output, cols)


app.command()(summary)


@rules_app.command("check")
def rules_check(paths: Optional[List[Path]] = typer.Argument(None, help="Rule files or directories (default: the shipped pack)."),
                no_default_rules: bool = typer.Option(False, "--no-default-rules", help="Check the given files alone, without the default pack."),
                pack: Optional[List[str]] = PackOpt):
    """Validate rule files and run their examples; print every problem as file:line: rule: what."""
    from .checking import check_rules
    try:
        problems = check_rules(paths or [], default=not (no_default_rules and (paths or pack)), packs=tuple(pack or ()))
    except DataFileError as exc:  # the units file itself
        problems = exc.problems
    for p in problems:
        typer.echo(str(p))
    if problems:
        fail(f"{len(problems)} problem(s)")
    typer.echo("ok: no problems")


@rules_app.command("list")
def rules_list(rules: Optional[List[Path]] = RulesOpt, no_default_rules: bool = NoDefaultOpt,
               pack: Optional[List[str]] = PackOpt, format: Optional[str] = FormatOpt,
               output: Optional[str] = OutputOpt):
    """List the loaded rules: id, metric, unit, file, number of examples."""
    format = format_of(output, format)
    check_output(output, rules or ())
    ruleset = load_ruleset(rules, no_default_rules, pack)
    records = [{"id": r.id, "metric": r.metric, "unit": r.unit, "priority": r.priority,
                "keywords": len(r.keywords), "patterns": len(r.patterns), "examples": len(r.examples),
                "where": f"{r.file}:{r.line}"} for r in ruleset.rules]
    emit(records, format, output, ["id", "metric", "unit", "priority", "keywords", "patterns", "examples", "where"],
         f"{len(records)} rules")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gazette {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                          help="Show the version and exit.")):
    """Turn Chinese government newspaper and gazette issues into tables of policy metrics."""


def _unicode_streams() -> None:
    """Standard output and error that can write any text. A stream whose encoding cannot hold
    Chinese (PYTHONIOENCODING=ascii, a C locale) is switched to UTF-8; a file name's
    undecodable bytes are shown as `\\xff` instead of failing the write."""
    for stream in (sys.stdout, sys.stderr):
        try:
            name = codecs.lookup(getattr(stream, "encoding", None) or "ascii").name
        except LookupError:
            name = "ascii"
        whole = name.startswith(("utf-8", "utf-16", "utf-32")) or name == "gb18030"
        try:
            if whole:
                stream.reconfigure(errors="backslashreplace")
            else:
                stream.reconfigure(encoding="utf-8", errors="backslashreplace")
        except (AttributeError, ValueError, OSError):  # not a TextIOWrapper (a test runner's)
            pass


def main() -> None:
    """Entry point: no traceback reaches the user."""
    _unicode_streams()
    outputs.install_signal_handlers()
    try:
        app(standalone_mode=True)
    except KeyboardInterrupt:
        err.print("gazette: interrupted", markup=False)
        sys.exit(130)
    except GazetteError as exc:
        err.print(f"gazette: {exc}", markup=False)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # a bug of ours: still one line, with what to report
        err.print(f"gazette: internal error: {type(exc).__name__}: {exc} (please report this with the input)", markup=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
