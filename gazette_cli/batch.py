"""Many issues at once: paths, directories and globs → one result or one error per file.

`expand` turns what the user named into files: a directory is searched recursively (hidden
folders skipped, symbolic links to folders not followed, a file reached twice read once), a
glob is expanded by gazette itself (`'issues/**/*.pdf'`), `-` is standard input, and
--include/--exclude patterns select among the files found. `run` reads and extracts each
file, in this process or in `jobs` worker processes, and yields one `FileResult` per file in
the order of the files: a file that cannot be read, or that meets a bug of ours, is that
file's error and the batch goes on. `process` is the one place where that is decided.
"""
from __future__ import annotations

import glob
import os
import sys
from collections import deque
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Iterable, Iterator

from .errors import GazetteError
from .records import as_dicts
from .inputs import SUFFIXES, STDIN, read_issue
from .inputs import _load as load_bytes

COMMANDS = ("extract", "quantities", "explain")


@dataclass(frozen=True)
class Task:
    """What to do with each file; plain data, so that it can go to worker processes, which
    load the rules and units once from it."""

    command: str = "extract"
    rules: tuple[str, ...] = ()
    default_rules: bool = True
    packs: tuple[str, ...] = ()
    reflow: bool = True
    all_numbers: bool = False
    unclaimed: bool = False


@dataclass
class FileResult:
    """One file's records and warnings, or its error (a one-line message naming the file)."""

    path: str
    records: list[dict] = field(default_factory=list)     # at the export edge: what exporters and the store write
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    size: int = 0
    format: str = ""
    encoding: str = ""
    reason: str = ""
    #: the number of pages (paged formats) and what the file says about itself (date,
    #: title): what a store keeps about the issue
    pages: int | None = None
    meta: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Item:
    """A file to read, or a name that gave none (its error)."""

    path: str
    error: str | None = None
    note: str | None = None


def _version() -> str:
    try:
        from importlib.metadata import version
        return version("gazette")
    except Exception:  # not installed (run from a source tree)
        return "unknown version"


def _selected(path: str, root: str | None, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    name = os.path.basename(path)
    rel = os.path.relpath(path, root) if root else path

    def hit(pats):
        return any(fnmatch(name, p) or fnmatch(rel, p) or fnmatch(path, p) for p in pats)

    if include:
        if not hit(include):
            return False
    elif root is not None and not name.lower().endswith(SUFFIXES):
        return False
    return not hit(exclude)


def _walk(root: str) -> Iterator[str]:
    """Files under a directory, sorted, without hidden folders or links to folders."""
    for here, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if not f.startswith("."):
                yield os.path.join(here, f)


def expand(paths: Iterable[str | Path], include: Iterable[str] = (), exclude: Iterable[str] = ()) -> list[Item]:
    """The files that `paths` name, in order, each once."""
    include, exclude = tuple(include), tuple(exclude)
    items: list[Item] = []
    seen: set[tuple[int, int]] = set()

    def add(path: str) -> None:
        try:
            st = os.stat(path)
        except OSError:
            items.append(Item(path))          # reading it gives the precise error
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return
        seen.add(key)
        items.append(Item(path))

    for p in paths:
        s = str(p)
        if s == STDIN:
            items.append(Item(STDIN))
        elif os.path.isdir(s):
            found = [f for f in _walk(s) if os.path.isfile(f) and _selected(f, s, include, exclude)]
            if not found:
                items.append(Item(s, note=f"{s}: no issue files in this directory"
                                  + (" (none match --include/--exclude)" if include or exclude else "")))
            for f in found:
                add(f)
        elif not os.path.exists(s) and glob.has_magic(s):
            found = sorted(f for f in glob.glob(s, recursive=True)
                           if os.path.isfile(f) and _selected(f, None, include, exclude))
            if not found:
                items.append(Item(s, error=f"{s}: no file matches this pattern"))
            for f in found:
                add(f)
        else:
            add(s)
    return items


# the per-process state of a worker: the task's runner, built once
_RUNNERS: dict[Task, object] = {}


def prepare(task: Task, ruleset=None, units=None):
    """Load the rules and units a task needs (once per process) and return its runner:
    text, path, warn → records. A ruleset or units already loaded can be handed in."""
    runner = _RUNNERS.get(task)
    # a runner is kept per task, and stands for the rules and units it was built with: other
    # rules handed in with an equal task (another RuleSet in the same process) get their own
    if runner is not None and (ruleset is None or getattr(runner, "ruleset", ruleset) is ruleset) \
            and (units is None or getattr(runner, "units", units) is units):
        return runner
    from .extraction import explain_text, extract_text, quantities_text

    if task.command not in COMMANDS:
        raise ValueError(f"unknown command {task.command!r}")
    if task.command == "quantities":
        if units is None:
            from .units import load_units
            units = load_units()

        def runner(text, path, warn):
            return quantities_text(text, path=path, units=units, all_numbers=task.all_numbers,
                                   reflow=task.reflow, warn=warn)
    else:
        if ruleset is None:
            from .rules import load_rules
            ruleset = load_rules(list(task.rules), default=task.default_rules, packs=task.packs)
        fn = extract_text if task.command == "extract" else explain_text

        def runner(text, path, warn):
            records = fn(text, path=path, ruleset=ruleset, reflow=task.reflow, warn=warn)
            if task.unclaimed:
                records = [r for r in records if r.rule is None]
            return records
    runner.ruleset, runner.units = ruleset, units
    _RUNNERS[task] = runner
    return runner


def process(path: str, task: Task, data: bytes | None = None, ruleset=None) -> FileResult:
    """Read and extract one file (with `ruleset` when given, else the task's rules). Never
    raises: a bad file, and any bug of ours met on it, become that file's error (the one
    place where that happens)."""
    name = "<stdin>" if path == STDIN else path
    try:
        if data is None:
            data = load_bytes(path)
        issue = read_issue(path, data)
        warnings = list(issue.warnings)
        # every value is a JSON number within numerals.MAX_DIGITS (the scan refuses larger
        # ones), so every record can be written by every exporter: nothing is checked twice
        records = prepare(task, ruleset=ruleset)(issue.text, issue.path, warnings.append)
        from .extraction import place   # loaded by prepare already
        meta = {k: issue.meta[k] for k in ("date", "title") if issue.meta.get(k)}
        return FileResult(issue.path, as_dicts(place(records, issue)), warnings, None, len(data),
                          issue.format, issue.encoding, issue.reason, len(issue.page_starts) or None, meta)
    except GazetteError as exc:
        return FileResult(name, error=str(exc))
    except Exception as exc:  # a bug of ours: this file's error, the batch goes on
        msg = str(exc).splitlines()[0][:300] if str(exc) else ""
        return FileResult(name, error=f"{name}: internal error: {type(exc).__name__}: {msg} "
                                      f"(please report this with the file; gazette {_version()})")


def _init_worker(task: Task) -> None:
    try:
        prepare(task)
    except Exception:  # a rule error was already reported by the parent; process() repeats it per file
        pass


def _job(args) -> FileResult:
    path, task, data = args
    return process(path, task, data)


def default_jobs(files: int) -> int:
    """The worker processes when --jobs is not given: one per core, no more than files."""
    return min(os.cpu_count() or 1, files) if files > 1 else 1


def files_of(paths: Iterable[str | Path], include: Iterable[str] = (), exclude: Iterable[str] = (),
             note=None) -> list[Item]:
    """`expand`, less the notes (a directory with no issue in it …), each handed to
    `note(text)` when given."""
    items = []
    for it in expand([str(p) for p in paths], include, exclude):
        if it.note:
            if note:
                note(it.note)
        else:
            items.append(it)
    return items


def results(items: list[Item], task: Task, *, jobs: int | None = None, ruleset=None,
            units=None) -> Iterator[FileResult]:
    """`run` in `jobs` worker processes (`default_jobs` when None). The rules or units
    handed in are used here with one job and inherited by forked workers."""
    jobs = default_jobs(len(items)) if jobs is None else jobs
    prepare(task, ruleset=ruleset, units=units)
    return run(items, task, jobs)


def collect(items: list[Item], task: Task, *, jobs: int | None = None, ruleset=None, units=None,
            on_result=None) -> tuple[list[dict], int]:
    """Run `task` on every item (see `results`): (every record, in order; the number of
    files that failed). `on_result(result)` is called per file as it comes."""
    records: list[dict] = []
    failed = 0
    for res in results(items, task, jobs=jobs, ruleset=ruleset, units=units):
        failed += bool(res.error)
        records.extend(res.records)
        if on_result:
            on_result(res)
    return records, failed


def run(items: Iterable[Item], task: Task, jobs: int = 1) -> Iterator[FileResult]:
    """One FileResult per item, in order. With jobs > 1 the files are read in worker
    processes; a worker that dies makes the file it was reading an error."""
    items = list(items)
    stdin = None
    if any(it.path == STDIN and not it.error and not it.note for it in items):
        stdin = sys.stdin.buffer.read()
    work = list(enumerate(items))
    if jobs <= 1 or sum(1 for it in items if not (it.error or it.note)) <= 1:
        for _, it in work:
            yield _direct(it, task, stdin)
        return
    yield from _parallel(work, task, jobs, stdin)


def unread(it: Item) -> FileResult:
    """The result of a name that gave no file to read: its error, or its note as a warning."""
    return FileResult(it.path, error=it.error, warnings=[it.note] if it.note else [])


def _direct(it: Item, task: Task, stdin: bytes | None) -> FileResult:
    if it.error or it.note:
        return unread(it)
    return process(it.path, task, stdin if it.path == STDIN else None)


# a line with numbers, units and keywords, so that whatever is built on first use is built
_WARM_UP_TEXT = "全年发放贷款1.5亿元，完成造林三万亩，满意率达95%。\n"


def _warm_for_fork(task: Task) -> None:
    """Where workers are forked (Linux), build the task's runner, and everything it builds
    on its first text (the scanner, above all), here, once: every worker then starts with
    it, instead of each building its own. Elsewhere (spawn, forkserver) each worker builds
    it once, in _init_worker."""
    import multiprocessing
    if multiprocessing.get_start_method() != "fork":
        return
    try:
        prepare(task)(_WARM_UP_TEXT, "<warm-up>", lambda warning: None)
    except Exception:  # a rule error: each file reports it, as without the warm-up
        pass


def _parallel(work, task: Task, jobs: int, stdin: bytes | None) -> Iterator[FileResult]:
    # only a parallel run needs these (9 ms of imports that a one-file run skips)
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    _warm_for_fork(task)
    done: dict[int, FileResult] = {}
    todo = deque(work)
    nxt = 0
    window = jobs * 4          # files in flight, and results held back to keep the order
    pool = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(task,))
    running: dict = {}
    try:
        while todo or running:
            while todo and len(running) < window and todo[0][0] < nxt + window:
                i, it = todo.popleft()
                if it.error or it.note:
                    done[i] = _direct(it, task, None)
                else:
                    data = stdin if it.path == STDIN else None
                    running[pool.submit(_job, (it.path, task, data))] = (i, it)
            if running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                suspects = []
                for fut in finished:
                    i, it = running.pop(fut)
                    try:
                        done[i] = fut.result()
                    except BrokenProcessPool:
                        suspects.append((i, it))
                if suspects:
                    # every file in flight failed with the pool: retry each alone to find the one
                    suspects += list(running.values())
                    running.clear()
                    pool.shutdown(wait=True, cancel_futures=True)
                    for j, jt in suspects:
                        done[j] = _alone(jt, task, stdin)
                    pool = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(task,))
            while nxt in done:
                yield done.pop(nxt)
                nxt += 1
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _alone(it: Item, task: Task, stdin: bytes | None) -> FileResult:
    """Read one file in a worker of its own: its result, or the error that it killed it."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(1, initializer=_init_worker, initargs=(task,)) as pool:
        try:
            return pool.submit(_job, (it.path, task, stdin if it.path == STDIN else None)).result()
        except BrokenProcessPool:
            return FileResult(it.path, error=f"{it.path}: the worker process reading this file died "
                                             f"(a crash or out of memory); please report this with the file")
