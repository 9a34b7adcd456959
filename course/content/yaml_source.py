"""YAML read with the line of every key and item, so problems can name their line.

Only the safe subset of YAML is understood (``yaml.SafeLoader``'s rules): no
tags that build Python objects. The result is plain dicts, lists and scalars;
``YamlMap`` and ``YamlList`` also remember where each part came from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

Report = Callable[[int, str], None]

MAP_TAG = "tag:yaml.org,2002:map"
SEQUENCE_TAG = "tag:yaml.org,2002:seq"
STRING_TAG = "tag:yaml.org,2002:str"


class YamlMap(dict):
    """A mapping that remembers the line of each of its keys."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        # Where each value's text starts, and whether the text keeps its line
        # breaks (a ``|`` block), so a line inside Markdown can be located.
        self.text_starts: dict[Any, tuple[int, bool]] = {}

    def line_of(self, key: Any) -> int:
        """Return the line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class YamlList(list):
    """A sequence that remembers the line of each of its items."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        """Return the line of the item at ``index``."""
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


# libyaml's composer gives the same nodes and marks about ten times faster. Its
# error messages are terser, so a file it refuses is read again by the
# pure-Python loader, whose messages authors see.
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str, report: Report, first_line: int = 1) -> Any:
    """Parse one YAML document, reporting problems; return None when it cannot be read.

    ``first_line`` is the file line the text starts on (front matter starts on line 2).
    """
    offset = first_line - 1
    try:
        root = yaml.compose(text, Loader=FAST_LOADER)
    except (yaml.YAMLError, RecursionError):
        root = _compose_or_report(text, report, first_line, offset)
    if root is None:
        return None
    builder = _Builder(report, offset)
    try:
        return builder.build(root)
    except RecursionError:
        report(first_line, "invalid YAML: nested too deeply")
        return None


def _compose_or_report(text: str, report: Report, first_line: int, offset: int):
    """Compose with the pure-Python loader, reporting why the text cannot be read."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        # The end of the text is past its last line; name the last line instead.
        last_line = max(1, len(text.splitlines()))
        line = min(mark.line + 1, last_line) if mark else 1
        report(line + offset, _describe_yaml_error(error, offset))
        return None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, max(error.position, 0)) + 1
        character = error.character
        code = character if isinstance(character, int) else ord(character[:1] or "\0")
        report(line + offset, f"invalid YAML: {error.reason}: U+{code:04X}")
        return None
    except yaml.YAMLError as error:
        report(first_line, f"invalid YAML: {error}")
        return None
    except RecursionError:
        report(first_line, "invalid YAML: nested too deeply")
        return None


def _describe_yaml_error(error: yaml.MarkedYAMLError, offset: int) -> str:
    context = error.context
    problem_mark, context_mark = error.problem_mark, error.context_mark
    # The context can start far from where the problem was found (an
    # unclosed quote is found at the end of the file): name its line too.
    if context and context_mark and problem_mark and context_mark.line != problem_mark.line:
        context += f" from line {context_mark.line + 1 + offset}"
    parts = [part for part in (context, error.problem) if part]
    return "invalid YAML: " + (", ".join(parts) if parts else "cannot be read")


class _Builder:
    """Turn composed nodes into values, remembering lines; aliases share one value."""

    def __init__(self, report: Report, offset: int) -> None:
        self.report = report
        self.offset = offset
        self.constructor = SafeConstructor()
        self.built: dict[int, Any] = {}

    def line(self, node: Node) -> int:
        return node.start_mark.line + 1 + self.offset

    def build(self, node: Node) -> Any:
        if id(node) in self.built:
            return self.built[id(node)]
        if isinstance(node, MappingNode):
            return self.build_mapping(node)
        if isinstance(node, SequenceNode):
            return self.build_sequence(node)
        return self.build_scalar(node)

    def build_scalar(self, node: ScalarNode) -> Any:
        if node.tag == STRING_TAG:
            # Most scalars are text, which the constructor would return as
            # is; skipping its dispatch makes building a third faster.
            self.built[id(node)] = node.value
            return node.value
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as error:
            self.report(self.line(node), _describe_yaml_error(error, self.offset))
            value = None
        self.built[id(node)] = value
        return value

    def build_sequence(self, node: SequenceNode) -> YamlList:
        if node.tag != SEQUENCE_TAG:
            self.report(self.line(node), f"invalid YAML: unsupported tag {node.tag!r}")
        result = YamlList(self.line(node))
        self.built[id(node)] = result
        for item in node.value:
            result.append(self.build(item))
            result.item_lines.append(self.line(item))
        return result

    def build_mapping(self, node: MappingNode) -> YamlMap:
        if node.tag != MAP_TAG:
            self.report(self.line(node), f"invalid YAML: unsupported tag {node.tag!r}")
        result = YamlMap(self.line(node))
        self.built[id(node)] = result
        try:
            self.constructor.flatten_mapping(node)  # resolves ``<<`` merge keys
        except yaml.MarkedYAMLError as error:
            self.report(self.line(node), _describe_yaml_error(error, self.offset))
        for key_node, value_node in node.value:
            key = self.build_key(key_node)
            if key is None:
                continue
            line = self.line(key_node)
            if key in result:
                first = result.key_lines[key]
                self.report(line, f"duplicate key {key!r} (first at line {first})")
                continue
            result[key] = self.build(value_node)
            result.key_lines[key] = line
            if isinstance(value_node, ScalarNode):
                keeps_lines = value_node.style == "|"
                starts = self.line(value_node) + (1 if keeps_lines else 0)
                result.text_starts[key] = (starts, keeps_lines)
        return result

    def build_key(self, node: Node) -> str | None:
        if not isinstance(node, ScalarNode):
            self.report(self.line(node), "invalid YAML: a key must be plain text")
            return None
        value = self.build_scalar(node)
        if not isinstance(value, str):
            # ``yes:`` or ``1:`` would silently become true or 1; keep the
            # author's text so later checks still make sense, but say so.
            self.report(
                self.line(node),
                f"key {node.value!r} is read as {_yaml_repr(value)}, not text: put it in quotes",
            )
            return node.value
        return value


def _yaml_repr(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return f"{type(value).__name__} {value!r}"
