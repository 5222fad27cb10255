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


def load_yaml(path: Path) -> tuple[object, list[Problem]]:
    """Parse one YAML file; a syntax error becomes a Problem with its line."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return None, [Problem(name, 0, "no such file")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(name, 0, f"cannot read: {exc}")]
    try:
        return yaml.load(text, Loader=_Loader), []
    except yaml.MarkedYAMLError as exc:
        return None, [Problem(name, *_describe_yaml_error(exc, text))]
    except yaml.YAMLError as exc:
        return None, [Problem(name, 0, f"YAML syntax: {exc}")]


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
