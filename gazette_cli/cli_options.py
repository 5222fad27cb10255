"""The command-line options shared by cli.py and cli_store.py, defined once."""
import typer

from . import export

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
