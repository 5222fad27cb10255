"""Loading the YAML data files (units, rules) with the line of every entry kept.

PyYAML's safe loader builds plain data only: nothing in a data file can execute code.
Mappings come back as ``LineDict``: a dict that knows the line it starts on and the line
of each of its keys, so that every problem can be reported as ``file:line``.
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


class _Loader(yaml.SafeLoader):
    pass


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
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        return None, [Problem(name, line, f"YAML syntax: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem(name, 0, f"YAML syntax: {exc}")]
