"""Loading the YAML data files (units, rules) with the line of every entry kept.

PyYAML's safe loader builds plain data only: nothing in a data file can execute code.
Mappings come back as ``LineDict`` (a dict that knows the line it starts on and the line
of each of its keys), sequences as ``LineList`` (the line of each item), so that every
problem can be reported as ``file:line``. Only plain YAML data is built: a tag such as
``!!python/object`` is a syntax problem, never a call.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .errors import Problem


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


class _Loader(yaml.SafeLoader):
    pass


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
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


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


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
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
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
    loader = None
    try:
        loader = _Loader(text)  # the reader refuses control characters here, as a YAMLError
        node = loader.get_single_node()
        if node is None:
            return None, []
        _check_expansion(node)
        return loader.construct_document(node), []
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
