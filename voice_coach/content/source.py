"""Reading YAML safely while remembering where every value came from.

PyYAML's `safe_load` forgets line numbers, and even the safe loader expands aliases, so a
"billion laughs" file can eat the machine. Here we only *compose* the node graph (cheap: aliases
stay shared references), refuse aliases and any non-core tag, then build plain values that carry
their line, so a schema error can say `file:line`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from voice_coach.errors import ContentError
from voice_coach.files import FileError, read_regular

MAX_BYTES = 1_000_000
"""Content files are a few kilobytes; anything this large is a mistake, not an exercise list."""
MAX_DEPTH = 20
"""Content nests four or five levels; deeper is a mistake (or an attack on the parser)."""
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Characters that could drive a terminal (escape sequences) and have no place in spoken text."""

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader where PyYAML was built with it (ten times faster: the programme is read
on every command), else the pure-Python one; both keep every node's line."""
_CORE = "tag:yaml.org,2002:"
_SCALARS = yaml.constructor.SafeConstructor()
_INT = f"{_CORE}int"
_SCALAR_TAGS = {f"{_CORE}{name}" for name in ("str", "int", "float", "bool", "null")}
_NUMBER_AS_TYPED = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|[-+]?\.(inf|Inf|INF)")
"""A number as a person types one. YAML 1.1 also reads 010 as 8, 0x10 as 16, 1:30 as 90 and 1_0
as 10: those are kept as the text written, which the reader's own check refuses by name."""


class YMap(dict[str, Any]):
    """A mapping that knows its own line and the line of each key."""

    def __init__(self, path: str, line: int) -> None:
        super().__init__()
        self.path = path
        self.line = line
        self.key_lines: dict[str, int] = {}

    def where(self, key: str | None = None) -> str:
        line = self.key_lines.get(key, self.line) if key is not None else self.line
        return f"{self.path}:{line}"


class YList(list[Any]):
    """A sequence that knows its own line and the line of each item."""

    def __init__(self, path: str, line: int) -> None:
        super().__init__()
        self.path = path
        self.line = line
        self.item_lines: list[int] = []

    def where(self, index: int | None = None) -> str:
        line = self.item_lines[index] if index is not None else self.line
        return f"{self.path}:{line}"


def load_file(path: Path, display: str | None = None) -> Any:
    """Load one YAML file into YMap/YList/scalars, or raise a ContentError naming file and line."""
    name = display or str(path)
    try:
        raw = read_regular(path, MAX_BYTES)
    except OSError as exc:
        raise ContentError(f"cannot read: {exc.strerror}", where=name) from None
    except FileError as exc:
        odd = "not a regular file" in exc.message  # else: too large
        hint = "put the YAML file itself there" if odd else "split it into several files"
        raise ContentError(exc.message, where=name, hint=hint) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(f"not UTF-8 text ({exc.reason})", where=name) from None
    return load_text(text, name)


def load_text(text: str, name: str) -> Any:
    try:
        _refuse_aliases(text, name)
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:  # libyaml stops at its own limit before our count does
            raise _too_deep(f"{name}:{line}") from None
        raise ContentError(
            f"invalid YAML: {problem}",
            where=f"{name}:{line}",
            hint="check indentation and quotes; quote text that holds { } [ ] or :",
        ) from None
    except yaml.YAMLError as exc:
        raise ContentError(f"invalid YAML: {exc}", where=name) from None
    if node is None:
        return None
    return _Builder(name).build(node)


def _too_deep(where: str) -> ContentError:
    return ContentError(
        f"lists and mappings nested more than {MAX_DEPTH} deep",
        where=where,
        hint="content needs only a few levels",
    )


def _refuse_aliases(text: str, name: str) -> None:
    """Name the line of the first alias (the builder would only see the anchor's line), and
    refuse nesting deeper than MAX_DEPTH before the recursive composer ever sees it."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _too_deep(f"{name}:{event.start_mark.line + 1 if event.start_mark else 1}")
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.AliasEvent):
            raise ContentError(
                "YAML anchors and aliases (&name / *name) are not supported",
                where=f"{name}:{event.start_mark.line + 1 if event.start_mark else 1}",
                hint="write the value out in full",
            )


class _Builder:
    def __init__(self, name: str) -> None:
        self.name = name
        self.seen: set[int] = set()

    def _where(self, node: yaml.Node) -> str:
        return f"{self.name}:{node.start_mark.line + 1}"

    def build(self, node: yaml.Node) -> Any:
        # A node reached twice is an alias: refusing it keeps expansion linear in the file size.
        if id(node) in self.seen:
            raise ContentError(
                "YAML anchors and aliases (&name / *name) are not supported",
                where=self._where(node),
                hint="write the value out in full",
            )
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return self._sequence(node)
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode) -> YMap:
        if node.tag != f"{_CORE}map":
            raise self._bad_tag(node)
        result = YMap(self.name, node.start_mark.line + 1)
        for key_node, value_node in node.value:
            if key_node.tag == f"{_CORE}merge":
                raise ContentError(
                    "YAML merge keys (<<) are not supported",
                    where=self._where(key_node),
                    hint="write the keys out in full",
                )
            key = self.build(key_node)
            if not isinstance(key, str):
                raise ContentError(f"keys must be text, not {key!r}", where=self._where(key_node))
            if key in result:
                raise ContentError(
                    f"key '{key}' appears twice in the same block",
                    where=self._where(key_node),
                    hint="remove one of them",
                )
            result.key_lines[key] = key_node.start_mark.line + 1
            result[key] = self.build(value_node)
        return result

    def _sequence(self, node: yaml.SequenceNode) -> YList:
        if node.tag != f"{_CORE}seq":
            raise self._bad_tag(node)
        result = YList(self.name, node.start_mark.line + 1)
        for item in node.value:
            result.item_lines.append(item.start_mark.line + 1)
            result.append(self.build(item))
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag == f"{_CORE}timestamp":
            return str(node.value)  # a date-like value is just text here
        if node.tag not in _SCALAR_TAGS:
            raise self._bad_tag(node)
        text = str(node.value)
        if node.tag in (_INT, f"{_CORE}float") and not _NUMBER_AS_TYPED.fullmatch(text):
            return text
        # The safe constructor turns a plain scalar into str/int/float/bool/None by its core tag.
        try:
            value = int(text, 10) if node.tag == _INT else _SCALARS.construct_object(node)
        except ValueError:  # Python's own limit: an integer of over 4300 digits
            raise ContentError(
                f"a number of {len(str(node.value))} digits",
                where=self._where(node),
                hint="no value needs more than a few digits",
            ) from None
        if isinstance(value, str) and CONTROL.search(value):
            raise ContentError(
                "text holds a control character (such as an escape sequence)",
                where=self._where(node),
                hint="remove it: content is plain text",
            )
        return value

    def _bad_tag(self, node: yaml.Node) -> ContentError:
        return ContentError(
            f"YAML tag '{node.tag}' is not allowed in content",
            where=self._where(node),
            hint="content holds only text, numbers, lists and mappings",
        )
