"""What cli.py and cli_store.py share, defined once: the command-line options, the console
on standard error, and the helpers that turn the library's results and errors into output,
one-line messages and exit codes (0 ok, 1 a data or rule error, 2 a usage error)."""
from __future__ import annotations

import sys

import typer

from . import batch, export, output as outputs
from .errors import DataFileError, GazetteError
from .rules import load_rules

FormatOpt = typer.Option(None, "--format", "-f", help=f"Output format: {', '.join(export.FORMATS)} (default: table, or from --output's suffix).")
OutputOpt = typer.Option(None, "--output", "-o", help="Write to this file (written whole or not at all).")
RulesOpt = typer.Option(None, "--rules", "-r", help="A rule file or directory to add (repeatable); same id replaces a default rule.")
NoDefaultOpt = typer.Option(False, "--no-default-rules", help="Use only the rules given with --rules.")
PackOpt = typer.Option(None, "--pack", "-p", help="Add a shipped rule pack by name (repeatable), e.g. extended.")
NoReflowOpt = typer.Option(False, "--no-reflow", help="Treat every line on its own (do not undo hard wraps).")
IncludeOpt = typer.Option(None, "--include", help="Only files matching this pattern, e.g. '*.pdf' (repeatable; in directories and globs).")
ExcludeOpt = typer.Option(None, "--exclude", help="Skip files matching this pattern (repeatable).")
JobsOpt = typer.Option(None, "--jobs", "-j", help="Worker processes (default: the number of CPUs when there are several files).")
QuietOpt = typer.Option(False, "--quiet", "-q", help="No progress bar and no closing summary line.")


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


def stdout_console():
    """Standard output (a rich Console); wide enough for a table when it goes to a file or pipe."""
    from rich.console import Console
    return Console(highlight=False, width=None if sys.stdout.isatty() else 200)

FilesHelp = "Issue files (text, PDF, HTML, .docx), directories, globs such as 'issues/**/*.pdf', or - for standard input."


def report(res) -> bool:
    """Print one file's warnings and error on stderr; True when the file failed."""
    for w in res.warnings:
        err.print(f"gazette: warning: {w}", markup=False)
    if res.error:
        err.print(f"gazette: {res.error}", markup=False)
    return bool(res.error)


def note(text: str) -> None:
    err.print(f"gazette: {text}", markup=False)


def fail(msg: str, code: int = 1):
    err.print(f"gazette: {msg}", markup=False)
    raise typer.Exit(code)


def load_ruleset(rules, no_default, packs=None):
    if no_default and not rules and not packs:
        fail("--no-default-rules needs at least one --rules PATH or --pack NAME", 2)
    try:
        return load_rules(rules or [], default=not no_default, packs=packs or ())
    except DataFileError as exc:
        for p in exc.problems:
            err.print(str(p), markup=False)
        fail(f"{len(exc.problems)} problem(s) in the rule files; nothing extracted (see `gazette rules check`)")


def show(records: list[dict], fmt: str, cols: list[str], title: str | None = None) -> None:
    """Records to standard output: a rich table, or any text format (as UTF-8 bytes, the same
    bytes `--output` writes, whatever encoding the terminal or PYTHONIOENCODING names)."""
    if fmt == "table":
        stdout_console().print(export.rich_table(export.cleaned(records), cols, title=title))
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
        fail(f"--format {fmt} writes a binary file: give --output FILE", 2)
    else:
        fail(f"unknown format {fmt!r} (choose from {', '.join(export.FORMATS)})", 2)


def format_of(output: str | None, fmt: str | None) -> str:
    """The output format (from --format or --output's suffix); a usage error exits 2."""
    try:
        return export.format_for(output, fmt)
    except ValueError as exc:
        fail(str(exc), 2)


def check_output(output: str | None, inputs=()) -> None:
    """Before any work: --output must name a file we may write, and none of the inputs."""
    if not output:
        return
    same = outputs.same_file(output, inputs)
    if same is not None:
        fail(f"{output}: is one of the inputs ({same}); name another output file", 2)
    try:
        outputs.check_target(output)
    except GazetteError as exc:
        fail(str(exc))


def emit(records: list[dict], fmt: str, output: str | None, cols: list[str], title: str | None = None) -> None:
    """Records to --output (whole or not at all), else to standard output."""
    if not output:
        show(records, fmt, cols, title)
        return
    try:
        export.write(records, output, fmt, cols)
    except GazetteError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{output}: cannot write ({exc.strerror or exc})")
    err.print(f"gazette: {len(records)} record(s) written to {output}", markup=False)


def make_task(command, rules, no_default, packs, no_reflow, **kw) -> batch.Task:
    """The task as plain data, for the worker processes to load the same rules from."""
    return batch.Task(command, rules=tuple(str(r) for r in rules or ()), default_rules=not no_default,
                      packs=tuple(packs or ()), reflow=not no_reflow, **kw)


def check_jobs(jobs: int | None) -> int | None:
    """--jobs as given (None: the default); less than 1 is a usage error."""
    if jobs is not None and jobs < 1:
        fail("--jobs must be at least 1", 2)
    return jobs
