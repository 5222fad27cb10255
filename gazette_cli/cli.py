"""The command line: parse arguments, call the library, turn its errors into one-line
messages. Exit codes: 0 ok, 1 a data or rule error, 2 a usage error."""
from __future__ import annotations

import codecs
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__, batch, export, output as outputs
from .errors import DataFileError, GazetteError
from .extraction import quantities_text
from .records import as_dicts
from .cli_options import (ExcludeOpt, FormatOpt, IncludeOpt, JobsOpt, NoDefaultOpt, NoReflowOpt, OutputOpt, PackOpt,
                          QuietOpt, RulesOpt)
from .rules import load_rules
from .units import load_units

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Turn Chinese government newspaper and gazette issues into tables of policy metrics.")
rules_app = typer.Typer(no_args_is_help=True, help="Check and list rule files.")
app.add_typer(rules_app, name="rules")


class _Stderr:
    """The rich console on standard error, made on first use: a run that prints nothing
    there (one file, no warning) does not import rich.console (15-20 ms of a cold start)."""

    _console = None

    def console(self):
        if _Stderr._console is None:
            from rich.console import Console
            _Stderr._console = Console(stderr=True, highlight=False, soft_wrap=True)
        return _Stderr._console

    def __getattr__(self, name):
        return getattr(self.console(), name)


err = _Stderr()


def _out():
    """Standard output (a rich Console); wide enough for a table when it goes to a file or pipe."""
    from rich.console import Console
    return Console(highlight=False, width=None if sys.stdout.isatty() else 200)

FilesHelp = "Issue files (text, PDF, HTML, .docx), directories, globs such as 'issues/**/*.pdf', or - for standard input."


def _report(res) -> bool:
    """Print one file's warnings and error on stderr; True when the file failed."""
    for w in res.warnings:
        err.print(f"gazette: warning: {w}", markup=False)
    if res.error:
        err.print(f"gazette: {res.error}", markup=False)
    return bool(res.error)


def _note(text: str) -> None:
    err.print(f"gazette: {text}", markup=False)


def _fail(msg: str, code: int = 1):
    err.print(f"gazette: {msg}", markup=False)
    raise typer.Exit(code)


def _load_ruleset(rules, no_default, packs=None):
    if no_default and not rules and not packs:
        _fail("--no-default-rules needs at least one --rules PATH or --pack NAME", 2)
    try:
        return load_rules(rules or [], default=not no_default, packs=packs or ())
    except DataFileError as exc:
        for p in exc.problems:
            err.print(str(p), markup=False)
        _fail(f"{len(exc.problems)} problem(s) in the rule files; nothing extracted (see `gazette rules check`)")


def _show(records: list[dict], fmt: str, cols: list[str], title: str | None = None) -> None:
    """Records to standard output: a rich table, or any text format (as UTF-8 bytes, the same
    bytes `--output` writes, whatever encoding the terminal or PYTHONIOENCODING names)."""
    if fmt == "table":
        _out().print(export.rich_table(export.cleaned(records), cols, title=title))
    elif fmt in export.TEXT_FORMATS:
        data = export.render_bytes(records, fmt, cols)
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(data.decode("utf-8"))
        else:
            sys.stdout.flush()
            buffer.write(data)
            buffer.flush()
    elif fmt in export.BINARY_FORMATS:
        _fail(f"--format {fmt} writes a binary file: give --output FILE", 2)
    else:
        _fail(f"unknown format {fmt!r} (choose from {', '.join(export.FORMATS)})", 2)


def _format(output: str | None, fmt: str | None) -> str:
    """The output format (from --format or --output's suffix); a usage error exits 2."""
    try:
        return export.format_for(output, fmt)
    except ValueError as exc:
        _fail(str(exc), 2)


def _check_output(output: str | None, inputs=()) -> None:
    """Before any work: --output must name a file we may write, and none of the inputs."""
    if not output:
        return
    same = outputs.same_file(output, inputs)
    if same is not None:
        _fail(f"{output}: is one of the inputs ({same}); name another output file", 2)
    try:
        outputs.check_target(output)
    except GazetteError as exc:
        _fail(str(exc))


def _emit(records: list[dict], fmt: str, output: str | None, cols: list[str], title: str | None = None) -> None:
    """Records to --output (whole or not at all), else to standard output."""
    if not output:
        _show(records, fmt, cols, title)
        return
    try:
        export.write(records, output, fmt, cols)
    except GazetteError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{output}: cannot write ({exc.strerror or exc})")
    err.print(f"gazette: {len(records)} record(s) written to {output}", markup=False)


def _task(command, rules, no_default, packs, no_reflow, **kw) -> batch.Task:
    """The task as plain data, for the worker processes to load the same rules from."""
    return batch.Task(command, rules=tuple(str(r) for r in rules or ()), default_rules=not no_default,
                      packs=tuple(packs or ()), reflow=not no_reflow, **kw)


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
    fmt = _format(output, fmt)
    if jobs is not None and jobs < 1:
        _fail("--jobs must be at least 1", 2)
    items = batch.files_of(files, include or (), exclude or (), note=_note)
    _check_output(output, [it.path for it in items])
    progress = _progress(len(items), quiet)
    seen = {"records": 0, "failed": 0}

    def shown(res):
        seen["failed"] += _report(res)
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
    if any("page" in r for r in records) and "page" in cols and "file" in cols:
        cols.remove("page")
        cols.insert(cols.index("file") + 1, "page")
    if len(items) > 1 and not quiet:
        err.print(f"gazette: {len(items) - failed} file(s) read, {len(records)} record(s), {failed} file(s) failed", markup=False)
    _emit(records, fmt, output, cols, title)
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
    ruleset = _load_ruleset(rules, no_default_rules, pack)
    task = _task("extract", rules, no_default_rules, pack, no_reflow)
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
        _fail(str(exc))
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
    ruleset = _load_ruleset(rules, no_default_rules, pack)
    cols = ["file", "line", "column", "text", "value", "unit", "qualifier", "metric", "rule", "reason", "also_matched",
            "why_not", "context"]

    task = _task("explain", rules, no_default_rules, pack, no_reflow, unclaimed=unclaimed)
    _run_batch(files, task, format, output, cols, "quantities and the rules that claim them",
               include, exclude, jobs, quiet, ruleset=ruleset)


@app.command()
def normalize(text: str = typer.Argument(..., help="An expression, e.g. 9.97亿株 or 百分之八十五."),
              format: Optional[str] = FormatOpt, output: Optional[str] = OutputOpt):
    """Show what the normalizer makes of one expression."""
    format = _format(output, format)
    _check_output(output)
    records = quantities_text(text, path="<text>", all_numbers=True, reflow=False)
    cols = ["text", "value", "unit", "qualifier", "min", "max", "column"]
    records = [{c: r.get(c) for c in cols} for r in as_dicts(records)]
    if not records:
        _fail(f"no number found in {text!r}")
    _emit(records, format, output, cols)


from .cli_store import summary  # noqa: E402  (registers `gazette summary`)

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
        _fail(f"{len(problems)} problem(s)")
    typer.echo("ok: no problems")


@rules_app.command("list")
def rules_list(rules: Optional[List[Path]] = RulesOpt, no_default_rules: bool = NoDefaultOpt,
               pack: Optional[List[str]] = PackOpt, format: Optional[str] = FormatOpt,
               output: Optional[str] = OutputOpt):
    """List the loaded rules: id, metric, unit, file, number of examples."""
    format = _format(output, format)
    _check_output(output, rules or ())
    ruleset = _load_ruleset(rules, no_default_rules, pack)
    records = [{"id": r.id, "metric": r.metric, "unit": r.unit, "priority": r.priority,
                "keywords": len(r.keywords), "patterns": len(r.patterns), "examples": len(r.examples),
                "where": f"{r.file}:{r.line}"} for r in ruleset.rules]
    _emit(records, format, output, ["id", "metric", "unit", "priority", "keywords", "patterns", "examples", "where"],
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
