"""Compiled patterns kept on disk between runs, so that a command starts in a fraction of a second.

The scanner's patterns are large, and the `regex` module parses a pattern in Python: the
quantity grammar took ~0.6 s to compile at every start, most of a one-issue run. A compiled
`regex` pattern pickles as the output of that parse (``regex._regex.compile`` and the code
it compiled), and loads in ~10 ms. So a compiled pattern is stored once per user, under a
key made of everything that decides it: the pattern text, its flags, its named lists, the
`regex` and Python versions. A changed units file gives a changed pattern and so a new key;
nothing stale can be read. Loading checks that the pattern read back is the one asked for.

Where: `datafile.cache_dir` (``$GAZETTE_CACHE_DIR``, else ``$XDG_CACHE_HOME/gazette``,
else ``~/.cache/gazette``; ``GAZETTE_NO_CACHE=1`` turns it off), in ``patterns/``. The cache is never required: an unreadable, corrupt
or unwritable cache is a miss, never an error. Files are written to a temporary name and
renamed into place, so concurrent writers and a killed run leave either a whole file or none.
Only ``regex._regex.compile`` may be called while loading (a restricted unpickler), so a
file planted in the cache cannot run other code.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
import sys
from pathlib import Path

import regex

from .datafile import cache_dir   # one cache folder for the parsed data files and the patterns

_VERSION = 1   # bump when what is stored changes
_KEEP = 32     # patterns kept: each edit of the units file makes a new set


class _OnlyRegex(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("regex._regex", "compile"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"not a compiled pattern: {module}.{name}")


def _key(source: str, flags: int, lists: dict) -> str:
    h = hashlib.sha256()
    for part in (str(_VERSION), regex.__version__, sys.version.split()[0], str(flags), source):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    for name in sorted(lists):
        h.update(name.encode() + b"\1" + "\1".join(sorted(lists[name])).encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()[:40]


def compile_pattern(source: str, flags: int = 0, **lists) -> regex.Pattern:
    """``regex.compile(source, flags, **lists)``, read from the disk cache when it is there."""
    folder = cache_dir()
    if folder is None:
        return regex.compile(source, flags, **lists)
    path = folder / "patterns" / f"{_key(source, flags, lists)}.pickle"
    try:
        with open(path, "rb") as f:
            pattern = _OnlyRegex(io.BytesIO(f.read())).load()
        if isinstance(pattern, regex.Pattern) and pattern.pattern == source:
            return pattern
    except Exception:   # noqa: BLE001 -- missing, partial, corrupt or foreign: compile afresh
        pass
    pattern = regex.compile(source, flags, **lists)
    _store(path, pickle.dumps(pattern, protocol=pickle.HIGHEST_PROTOCOL))
    return pattern


def _store(path: Path, data: bytes) -> None:
    tmp = None
    try:
        import tempfile   # only on a miss: a start that hits the cache skips its imports
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pickle")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
        tmp = None
        _prune(path.parent)
    except OSError:   # a read-only home, a full disk: run without the cache
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _prune(folder: Path) -> None:
    """Past _KEEP patterns the oldest written go (only after a write)."""
    entries = []
    for p in folder.glob("*.pickle"):
        try:
            entries.append((p.stat().st_mtime_ns, p))
        except OSError:
            pass
    for _, p in sorted(entries)[:-_KEEP] if len(entries) > _KEEP else ():
        try:
            p.unlink()
        except OSError:
            pass
