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
`regex` trusts compiled code (a damaged one can crash it), so a file is read only when its
SHA-256 checksum matches and only from a folder of this user's that nobody else can write
to; and only ``regex._regex.compile`` may be called while loading (a restricted unpickler).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import sys
from pathlib import Path

import regex

from .datafile import cache_dir, store_cache_file   # one cache folder and one way to write it

_VERSION = 2   # bump when what is stored changes
#: a stored pattern: this tag, the SHA-256 of the pickle, the pickle
_MAGIC = b"gazette-pattern-2\n"
_KEEP = 512    # patterns kept: the scanner's few and each rule pattern; each edit of a units or rules file makes new ones


class _OnlyRegex(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("regex._regex", "compile"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"not a compiled pattern: {module}.{name}")


def _key(source: str, flags: int, lists: dict) -> str:
    # JSON of every part: no separator inside a spelling can make two keys one
    parts = [_VERSION, regex.__version__, sys.version.split()[0], flags, source,
             sorted((name, sorted(items)) for name, items in lists.items())]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _trusted(folder: Path) -> bool:
    """Only a folder of this user's that nobody else may write to: `regex` trusts the
    compiled code it is given (a damaged one can crash it), so a file there must be one
    this user wrote; the checksum catches damage, this catches planting."""
    try:
        st = folder.stat()
    except OSError:
        return False
    return (not hasattr(os, "getuid") or st.st_uid == os.getuid()) and not st.st_mode & 0o022


def compile_pattern(source: str, flags: int = 0, **lists) -> regex.Pattern:
    """``regex.compile(source, flags, **lists)``, read from the disk cache when it is there."""
    folder = cache_dir()
    if folder is None:
        return regex.compile(source, flags, **lists)
    folder = folder / "patterns"
    path = folder / f"{_key(source, flags, lists)}.pickle"
    try:
        if _trusted(folder):
            with open(path, "rb") as f:
                raw = f.read()
            head, digest, data = raw[:len(_MAGIC)], raw[len(_MAGIC):len(_MAGIC) + 32], raw[len(_MAGIC) + 32:]
            if head == _MAGIC and hashlib.sha256(data).digest() == digest:   # whole and undamaged
                pattern = _OnlyRegex(io.BytesIO(data)).load()
                if isinstance(pattern, regex.Pattern) and pattern.pattern == source:
                    return pattern
    except Exception:   # noqa: BLE001 -- missing, partial, corrupt or foreign: compile afresh
        pass
    pattern = regex.compile(source, flags, **lists)
    try:
        data = pickle.dumps(pattern, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:   # noqa: BLE001 -- not picklable: no cache, no error
        return pattern
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:   # a read-only home: run without the cache
        return pattern
    if _trusted(folder):
        store_cache_file(path, _MAGIC + hashlib.sha256(data).digest() + data, _KEEP)
    return pattern
