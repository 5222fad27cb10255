"""The command line: parse arguments, call the library, turn its errors into one-line
messages. Exit codes: 0 ok, 1 a data or rule error, 2 a usage error."""
from __future__ import annotations

import codecs
import sys
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console

from . import __version__, export, output as outputs
from .errors import DataFileError, GazetteError, InputError
from .extraction import explain as explain_file
from .extraction import extract as extract_file
from .extraction import quantities as quantities_file
from .extraction import quantities_text
from .checking import check_rules
from .rules import load_rules
from .units import load_units

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Turn Chinese government newspaper and gazette issues into tables of policy metrics.")
rules_app = typer.Typer(no_args_is_help=True, help="Check and list rule files.")
app.add_typer(rules_app, name="rules")
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _out() -> Console:
    """Standard output; wide enough for a table when it goes to a file or pipe."""
    return Console(highlight=False, width=None if sys.stdout.isatty() else 200)

FormatOpt = typer.Option(None, "--format", "-f", help=f"Output format: {', '.join(export.FORMATS)} (default: table, or from --output's suffix).")
OutputOpt = typer.Option(None, "--output", "-o", help="Write to this file (written whole or not at all).")
RulesOpt = typer.Option(None, "--rules", "-r", help="A rule file or directory to add (repeatable); same id replaces a default rule.")
NoDefaultOpt = typer.Option(False, "--no-default-rules", help="Use only the rules given with --rules.")
PackOpt = typer.Option(None, "--pack", "-p", help="Add a shipped rule pack by name (repeatable), e.g. extended.")
NoReflowOpt = typer.Option(False, "--no-reflow", help="Treat every line on its own (do not undo hard wraps).")


def _fail(msg: str, code: int = 1):
    err.print(f"gazette: {msg}", markup=False)
    raise typer.Exit(code)


def _expand(files: List[Path]) -> list[Path]:
    out = []
    for f in files:
        if f.is_dir():
            found = sorted(p for p in f.rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".text"))
            if not found:
                err.print(f"gazette: {f}: no .txt issue files in this directory", markup=False)
            out.extend(found)
        else:
            out.append(f)
    return out


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


def _run_batch(files, run, fmt, output, columns, title):
    fmt = _format(output, fmt)
    paths = _expand(files)
    _check_output(output, paths)
    records, failed = [], 0
    for f in paths:
        try:
            result = run(f)
        except InputError as exc:
            failed += 1
            err.print(f"gazette: {exc}", markup=False)
            continue
        for w in result.warnings:
            err.print(f"gazette: warning: {w}", markup=False)
        records.extend(result.records)
    _emit(records, fmt, output, export.columns_for(records, columns), title)
    if failed:
        raise typer.Exit(1)


@app.command()
def extract(files: List[Path] = typer.Argument(..., help="Issue text files (UTF-8 or GB18030) or directories."),
            format: Optional[str] = FormatOpt, output: Optional[str] = OutputOpt,
            rules: Optional[List[Path]] = RulesOpt, no_default_rules: bool = NoDefaultOpt,
            pack: Optional[List[str]] = PackOpt, no_reflow: bool = NoReflowOpt):
    """Extract the policy metrics of issues as a table."""
    ruleset = _load_ruleset(rules, no_default_rules, pack)
    _run_batch(files, lambda f: extract_file(f, ruleset=ruleset, reflow=not no_reflow),
               format, output, export.METRIC_COLUMNS, "policy metrics")


@app.command()
def quantities(files: List[Path] = typer.Argument(..., help="Issue text files or directories."),
               format: Optional[str] = FormatOpt, output: Optional[str] = OutputOpt,
               no_reflow: bool = NoReflowOpt,
               all_numbers: bool = typer.Option(False, "--all-numbers", help="Also list bare numbers (unit null).")):
    """List every quantity (number with unit, or percentage) in issues."""
    try:
        units = load_units()
    except DataFileError as exc:
        _fail(str(exc))
    _run_batch(files, lambda f: quantities_file(f, units=units, all_numbers=all_numbers, reflow=not no_reflow),
               format, output, export.QUANTITY_COLUMNS, "quantities")


@app.command()
def explain(files: List[Path] = typer.Argument(..., help="Issue text files or directories."),
            format: Optional[str] = FormatOpt, output: Optional[str] = OutputOpt,
            rules: Optional[List[Path]] = RulesOpt, no_default_rules: bool = NoDefaultOpt,
            pack: Optional[List[str]] = PackOpt, no_reflow: bool = NoReflowOpt,
            unclaimed: bool = typer.Option(False, "--unclaimed", help="Only the quantities no rule claimed: what the rules miss.")):
    """Show every quantity with the rule that claimed it, the other rules that matched, or none."""
    ruleset = _load_ruleset(rules, no_default_rules, pack)
    cols = ["file", "line", "column", "text", "value", "unit", "qualifier", "metric", "rule", "also_matched", "context"]

    def run(f):
        result = explain_file(f, ruleset=ruleset, reflow=not no_reflow)
        if unclaimed:
            result.records = [r for r in result.records if r["rule"] is None]
        return result

    _run_batch(files, run, format, output, cols, "quantities and the rules that claim them")


@app.command()
def normalize(text: str = typer.Argument(..., help="An expression, e.g. 9.97亿株 or 百分之八十五."),
              format: Optional[str] = FormatOpt, output: Optional[str] = OutputOpt):
    """Show what the normalizer makes of one expression."""
    format = _format(output, format)
    _check_output(output)
    records = quantities_text(text, path="<text>", all_numbers=True, reflow=False)
    cols = ["text", "value", "unit", "qualifier", "min", "max", "column"]
    records = [{c: r.get(c) for c in cols} for r in records]
    if not records:
        _fail(f"no number found in {text!r}")
    _emit(records, format, output, cols)


@rules_app.command("check")
def rules_check(paths: Optional[List[Path]] = typer.Argument(None, help="Rule files or directories (default: the shipped pack)."),
                no_default_rules: bool = typer.Option(False, "--no-default-rules", help="Check the given files alone, without the default pack."),
                pack: Optional[List[str]] = PackOpt):
    """Validate rule files and run their examples; print every problem as file:line: rule: what."""
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
