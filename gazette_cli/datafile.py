"""Loading the YAML data files (units, rules) with the line of every entry kept.

PyYAML's safe loader builds plain data only: nothing in a data file can execute code.
Mappings come back as ``LineDict`` (a dict that knows the line it starts on and the line
of each of its keys), sequences as ``LineList`` (the line of each item), so that every
problem can be reported as ``file:line``. Only plain YAML data is built: a tag such as
``!!python/object`` is a syntax problem, never a call.

PyYAML's pure-Python parser reads the shipped units file in about 125 ms, a third of a
cold start's budget; libyaml's would take 25 ms but accepts files the pure-Python one
refuses (tabs, `?` inside a flow mapping, …) and words its errors differently. So the
parse stays pure-Python and what it builds from a file that loads without a problem is
kept in a disk cache (see _cache_get): read back in about 2 ms. A file with a problem is
never cached, so its problems are found and worded by the same parse every time.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from .errors import Problem

# PyYAML itself (12 ms of imports) is imported where a file is parsed: a start whose data
# files are all in the cache never needs it.


class LineDict(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list that knows the line it starts on and the line of each item."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def _construct_sequence(loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _construct_mapping(loader, node: yaml.MappingNode) -> LineDict:
    import yaml
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            key = str(key)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


@lru_cache(maxsize=1)
def _loader_class():
    """PyYAML's safe loader with the two constructors above (plain data, lines kept)."""
    import yaml

    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    return _Loader


def word_list(value) -> list[str] | None:
    """A field that holds words: a list of non-empty strings (one string alone counts as a
    list of one); None when it is anything else."""
    if isinstance(value, str) and value:
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) and v for v in value):
        return list(value)
    return None


# Limits that keep a hostile or broken data file quick to refuse. The shipped files are
# under 20 kB and 3,000 entries; an alias bomb (anchors that alias each other ten times
# over) is a few hundred bytes that would expand to billions of entries. PyYAML's pure-Python
# parser reads 60-200 kB/s (its C parser words errors differently, and the rule-file tests
# pin those words), so MAX_BYTES bounds the parse to a second or two.
MAX_BYTES = 128_000
# Scalars, lists and mappings after aliases are expanded. A file within MAX_BYTES holds at
# most MAX_BYTES / 2 of them without aliases (`[a,a,…]`), so only aliases can pass this.
MAX_ENTRIES = 100_000


class _TooBig(Exception):
    def __init__(self, line: int, what: str):
        self.line, self.what = line, what


def _children(node: yaml.Node) -> list[yaml.Node]:
    if node.id == "sequence":     # a yaml.SequenceNode (its class id: no import of PyYAML here)
        return list(node.value)
    if node.id == "mapping":
        return [n for pair in node.value for n in pair]
    return []


def _check_expansion(root: yaml.Node, limit: int = MAX_ENTRIES) -> None:
    """Raise _TooBig when the document, aliases expanded, holds more than `limit` entries or
    an alias contains itself. Each distinct node is visited once (sizes are memoised), so
    the check costs the size of the file, not of its expansion; iterative, so no recursion."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            size = 1 + sum(sizes[id(child)] for child in _children(node))
            if size > limit:
                raise _TooBig(node.start_mark.line + 1,
                              f"too big: with its aliases expanded this holds more than {limit:,} entries "
                              "(an alias bomb?); write the entries out, or split the file")
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise _TooBig(node.start_mark.line + 1, "an alias that contains itself (a recursive anchor)")
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)


def load_yaml(path: Path) -> tuple[object, list[Problem]]:
    """Parse one YAML file; a syntax error becomes a Problem with its line. A file larger
    than MAX_BYTES, or one whose aliases expand beyond MAX_ENTRIES, is one Problem too."""
    name = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None, [Problem(name, 0, f"too big for a rule or units file (over {MAX_BYTES:,} bytes)")]
        text = raw.decode("utf-8-sig")
    except FileNotFoundError:
        return None, [Problem(name, 0, "no such file")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(name, 0, f"cannot read: {exc}")]
    key = _cache_key(raw)
    data = _cache_get(key)
    if data is not _MISS:
        return data, []
    import yaml
    loader = None
    try:
        loader = _loader_class()(text)  # the reader refuses control characters here, as a YAMLError
        node = loader.get_single_node()
        if node is None:
            return None, []
        _check_expansion(node)
        data = loader.construct_document(node)
        _cache_put(key, data)
        return data, []
    except _TooBig as exc:
        return None, [Problem(name, exc.line, f"YAML: {exc.what}")]
    except yaml.MarkedYAMLError as exc:
        return None, [Problem(name, *_describe_yaml_error(exc, text))]
    except yaml.reader.ReaderError as exc:  # a control character: its line, on one line
        line = text.count("\n", 0, exc.position) + 1
        return None, [Problem(name, line, f"YAML syntax: the character U+{exc.character:04X} is not allowed "
                                          "(a control character: delete it, or write it as \\x.. in a quoted text)")]
    except yaml.YAMLError as exc:
        return None, [Problem(name, 0, f"YAML syntax: {' '.join(str(exc).split())}")]
    except RecursionError:
        return None, [Problem(name, 0, "YAML: lists or mappings nested too deeply")]
    finally:
        if loader is not None:
            loader.dispose()


# --- the parse cache ------------------------------------------------------------------
# One file per parsed text, named by a hash of its bytes, of the gazette and PyYAML
# versions and of _CACHE_FORMAT (bump it when LineDict, LineList or the constructors
# change what a parse builds), so an edited file or a new version never meets an old
# entry. The entry is JSON: reading a damaged or foreign file can fail but never runs
# anything; any failure to read or write is a miss, never an error.
_CACHE_FORMAT = 1
_CACHE_KEEP = 64     # entries kept; the shipped pack needs 6
_MISS = object()


def cache_dir() -> Path | None:
    """Where parsed data files are kept: $GAZETTE_CACHE_DIR, else $XDG_CACHE_HOME/gazette,
    else ~/.cache/gazette; None (no cache) when $GAZETTE_NO_CACHE is set to anything but 0."""
    if os.environ.get("GAZETTE_NO_CACHE", "0") not in ("", "0"):
        return None
    env = os.environ.get("GAZETTE_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "gazette"
    home = os.path.expanduser("~")
    return Path(home) / ".cache" / "gazette" if home != "~" else None


def _cache_key(raw: bytes) -> str:
    from . import __version__
    h = hashlib.sha256(f"gazette {__version__} {_yaml_stamp()} format {_CACHE_FORMAT}\n".encode("utf-8", "surrogateescape"))
    h.update(raw)
    return h.hexdigest()


@lru_cache(maxsize=1)
def _yaml_stamp() -> str:
    """Which PyYAML would parse, without importing it: where it is, its size and time. A
    PyYAML installed anew (another version) makes every entry a miss."""
    stamp = module_stamp("yaml")
    if stamp is None:
        import yaml
        return f"yaml {yaml.__version__}"
    return f"yaml {stamp}"


def module_stamp(name: str) -> str | None:
    """Which installed module `name` is, without importing it: its file, size and time (a
    package installed anew gives another stamp); None when it cannot be found."""
    try:
        from importlib.util import find_spec
        origin = find_spec(name).origin
        st = os.stat(origin)
        return f"{origin} {st.st_size} {st.st_mtime_ns}"
    except Exception:
        return None


class _Uncacheable(Exception):
    pass


def _encode(x, seen: set[int]):
    """A parse as JSON: [1, line, keys, key lines, values] for a mapping, [0, line, item
    lines, items] for a sequence, scalars as they are. Anything else (a date, a set, !!pairs)
    or an object met twice (an alias: the copy would no longer be shared) is not cached."""
    t = type(x)
    if t is LineDict or t is LineList:
        if id(x) in seen or x.__dict__.keys() - {"line", "key_lines", "item_lines"}:
            raise _Uncacheable
        seen.add(id(x))
        if t is LineDict:
            return [1, x.line, list(x), [x.key_lines[k] for k in x], [_encode(v, seen) for v in x.values()]]
        return [0, x.line, list(x.item_lines), [_encode(v, seen) for v in x]]
    if t is str or t is int or t is float or t is bool or x is None:
        return x
    raise _Uncacheable


def _decode(x):
    if type(x) is not list:
        return x
    if x[0] == 1:
        out = LineDict(zip(x[2], map(_decode, x[4]), strict=True))
        out.line = x[1]
        out.key_lines = dict(zip(x[2], x[3], strict=True))
        if len(out) != len(x[2]) or len(out.key_lines) != len(out):
            raise ValueError("duplicate keys")
        return out
    if x[0] == 0:
        out = LineList(map(_decode, x[3]))
        out.line = x[1]
        out.item_lines = list(x[2])
        return out
    raise ValueError("not a cache entry")


def cached(stamp: str, compute):
    """What `compute()` gives, kept in the data cache under `stamp` (a text naming everything
    that decides it, such as the files of the package it asks), read back at later starts. A
    None from `compute` is not kept; with the cache off, `compute` runs every time."""
    key = _cache_key(stamp.encode("utf-8", "surrogateescape"))
    value = _cache_get(key)
    if value is _MISS:
        value = compute()
        _cache_put(key, value)
    return value


def _cache_get(key: str):
    d = cache_dir()
    if d is None:
        return _MISS
    try:
        with open(d / f"{key}.json", "rb") as fh:
            entry = json.loads(fh.read())
        if type(entry) is not list or len(entry) != 2 or entry[0] != key:
            return _MISS
        return _decode(entry[1])
    except Exception:  # absent, unreadable, truncated, not ours: parse the file instead
        return _MISS


def _cache_put(key: str, data) -> None:
    d = cache_dir()
    if d is None or data is None:
        return
    try:
        payload = json.dumps([key, _encode(data, set())], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except (_Uncacheable, RecursionError, ValueError):
        return
    store_cache_file(d / f"{key}.json", payload, _CACHE_KEEP)


def store_cache_file(path: Path, data: bytes, keep: int) -> None:
    """Write a cache entry whole or not at all: a temporary file renamed over the name, so
    two processes writing the same entry at once, or one killed midway, leave a whole entry.
    Then, past `keep` entries of its kind (its suffix) in the folder, the oldest written go
    (only after a write, so a start that hits the cache never lists the folder). A read-only
    home or a full disk: no cache, no error. (The data-file cache and `compiled` share it.)"""
    tmp = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        import tempfile  # only on a miss: 6 ms of imports a cold start with a warm cache skips
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        tmp = None
        _prune(path.parent, path.suffix, keep)
    except OSError:
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _prune(folder: Path, suffix: str, keep: int) -> None:
    """Each edit of a rule or units file leaves an entry: keep the newest `keep`."""
    entries = []
    for p in folder.glob(f"*{suffix}"):
        try:
            entries.append((p.stat().st_mtime_ns, p))
        except OSError:
            pass
    for _, p in sorted(entries)[:-keep] if len(entries) > keep else ():
        try:
            p.unlink()
        except OSError:
            pass


_HINTS = [
    ("found character '\\t'", "indent with spaces, not tabs"),
    ("flow sequence", "is a [ … ] list left open, or a comma or quote missing?"),
    ("flow mapping", "is a { … } mapping left open, or a comma or quote missing?"),
    ("quoted scalar", "a quote opened here is never closed"),
    ("block", "check the indentation: the entries of one list or mapping must line up"),
    ("mapping values are not allowed", "a value containing ': ' must be quoted"),
]


def _describe_yaml_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """(line, message) of a YAML error, phrased for someone who edits the file by hand."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 0
    problem = str(exc.problem or "").strip()
    if "could not determine a constructor for the tag" in problem:
        tag = problem.split("tag", 1)[1].strip(" '").replace("tag:yaml.org,2002:", "!!")
        return line, (f"YAML syntax: the tag {tag!r} is not allowed: rule and units files are "
                      "plain data (text, numbers, lists, mappings)")
    if problem.startswith("duplicate key"):
        return line, f"YAML syntax: {problem} (a key may appear once per mapping)"
    ctx = exc.context_mark
    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if line > n_lines and ctx is not None:  # the file ended early: point at what is open
        line = ctx.line + 1
    what = problem
    if exc.context:
        where = f" started at line {ctx.line + 1}" if ctx is not None and ctx.line + 1 != line else ""
        what = f"{exc.context}{where}: {problem}"
    for context, hint in _HINTS:
        if context in (exc.context or "") + " " + problem:
            what += f" ({hint})"
            break
    return line, f"YAML syntax: {what}"
