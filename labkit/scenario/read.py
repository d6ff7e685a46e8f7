"""Reading scenario-shaped YAML: bounded (size, nesting, aliases, number length) and checked
against a schema, every problem one line naming the key path and what was expected."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, Discriminator, Tag, ValidationError

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

from ..errors import LabkitError, clip, shorten

MAX_TEXT = 256_000
"""Characters a scenario or layout file may have: the largest shipped one is under 10 000."""
MAX_DEPTH = 40
"""Nesting levels of YAML collections (a scenario needs about eight)."""
MAX_DIGITS = 30
"""Digits in a YAML number: Python refuses to convert 4 300 and more, and no setting needs 30."""
MAX_VALUES = 100_000
"""Values (keys, scalars, lists, mappings) in a file, aliases expanded: a large scenario has 2 000."""
MAX_SHOWN = 20
"""Problems described in a ScenarioError (the rest are counted, not formatted)."""


class ScenarioError(LabkitError, ValueError):
    """A scenario file that cannot be used; str() is the one-line message for the learner."""

    def __init__(self, source: str, problems: list[str], more: int = 0):
        self.source = source
        self.problems = problems
        hidden = len(problems) - 1 + more
        tail = f" (and {hidden} more problem(s))" if hidden else ""
        super().__init__(f"{source}: {problems[0]}{tail}")


class _BoundedError(LabkitError, yaml.YAMLError):
    def __init__(self, problem: str, mark=None):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class _ScenarioLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader with the limits a file a learner pastes needs: no duplicate keys
    (PyYAML keeps the last; here it is a likely typo), plain keys only, bounded nesting and
    numbers, and aliases counted as what they expand to (eight levels of nine-way aliases
    expand one page into 43 million values; PyYAML's own dumps use aliases for shared values)."""

    def compose_document(self):
        self._depth, self._sizes = 0, {}
        try:
            return super().compose_document()
        finally:
            self._sizes = {}

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _BoundedError(f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark)
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if id(node) not in self._sizes:  # an alias's node was counted where it was anchored
            children = (
                node.value
                if isinstance(node, yaml.SequenceNode)
                else [part for pair in node.value for part in pair]
                if isinstance(node, yaml.MappingNode)
                else ()
            )
            size = 1 + sum(self._sizes.get(id(child), 1) for child in children)
            if size > MAX_VALUES:
                raise _BoundedError(
                    f"more than {MAX_VALUES:,} values once its aliases (*name) are expanded", node.start_mark
                )
            self._sizes[id(node)] = size
        return node


def _construct_mapping(loader: _ScenarioLoader, node: yaml.MappingNode, deep: bool = False):
    seen = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _BoundedError("a key must be a plain name, not a list or a mapping", key_node.start_mark)
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise _BoundedError(f"duplicate key {shorten(key)}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


def _construct_int(loader: _ScenarioLoader, node: yaml.ScalarNode):
    if sum(c.isalnum() for c in node.value) > MAX_DIGITS:
        raise _BoundedError(f"a number of more than {MAX_DIGITS} digits", node.start_mark)
    return loader.construct_yaml_int(node)


_ScenarioLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_ScenarioLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def load_yaml(text: str, source: str) -> Any:
    """The YAML value in `text`, or a one-line ScenarioError (never a traceback, never a hang)."""
    if len(text) > MAX_TEXT:
        raise ScenarioError(source, [f"more than {MAX_TEXT:,} characters: far more than a scenario file needs"])
    try:
        return yaml.load(text, Loader=_ScenarioLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = clip(str(getattr(err, "problem", None) or err), 120)
        if isinstance(err, _BoundedError):  # valid YAML, but not what a scenario file looks like
            raise ScenarioError(source, [f"{where}{problem}"]) from None
        raise ScenarioError(source, [f"{where}not valid YAML ({problem})"]) from None
    except (ValueError, TypeError, RecursionError) as err:  # a value PyYAML itself cannot build
        raise ScenarioError(source, [f"not valid YAML ({type(err).__name__})"]) from None


def validate_yaml(text: str, source: str, schema: type[BaseModel], expected: str):
    """YAML text checked against a schema; every problem becomes one line of a ScenarioError."""
    raw = load_yaml(text, source)
    if not isinstance(raw, dict):
        raise ScenarioError(source, [f"expected {expected}"])
    required = [name for name, field in schema.model_fields.items() if field.is_required()]
    if required and not any(key in raw for key in required):
        # Not this kind of file at all (a password file, a notebook...): name none of its content.
        raise ScenarioError(source, [f"expected {expected}; this file has none of its keys"])
    try:
        return schema.model_validate(raw)
    except ValidationError as err:
        # An unknown key is usually a typo, and the root of any 'missing' error beside it.
        errors = sorted(
            err.errors(include_url=False, include_context=False), key=lambda e: e["type"] != "extra_forbidden"
        )
        shown = errors[:MAX_SHOWN]
        raise ScenarioError(source, [describe(e, schema) for e in shown], len(errors) - len(shown)) from None
    except RecursionError:
        raise ScenarioError(source, [f"nested too deeply: expected {expected}"]) from None


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += " (name)"
        else:
            out += ("." if out else "") + clip(part, 40)
    return out or "(top level)"


def _tagged(kind: Any) -> dict[str, Any]:
    """The members of a discriminated union (`checks:`) by tag; {} for any other type."""
    if get_origin(kind) is not Annotated or not any(isinstance(m, Discriminator) for m in get_args(kind)[1:]):
        return {}
    return {
        meta.tag: get_args(member)[0]
        for member in get_args(get_args(kind)[0])
        for meta in get_args(member)[1:]
        if isinstance(meta, Tag)
    }


def _walk(loc: tuple, root: type[BaseModel]) -> tuple[Any, tuple]:
    """The type at `loc`, and `loc` without the union tags pydantic puts in it (not keys of the file)."""
    kind: Any = root
    keys: list = []
    for part in loc:
        members = _tagged(kind)
        if members:
            kind = members.get(part, kind)
            continue
        keys.append(part)
        while get_origin(kind) in (Union, Annotated) or str(get_origin(kind)) == "types.UnionType":
            kind = next(a for a in get_args(kind) if a is not type(None))
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            fields = {f.alias or name: f for name, f in kind.model_fields.items()}
            kind = fields[part].annotation if part in fields else None
        elif get_origin(kind) is dict:
            kind = get_args(kind)[1]
        elif get_origin(kind) is list:
            kind = get_args(kind)[0]
    return kind, tuple(keys)


def _allowed_keys(loc: tuple, root: type[BaseModel]) -> list[str]:
    kind, _ = _walk(loc, root)
    while get_origin(kind) is not None and get_origin(kind) is not dict and get_origin(kind) is not list:
        kind = next(a for a in get_args(kind) if a is not type(None))
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return [f.alias or name for name, f in kind.model_fields.items()]
    return []


def describe(error: ErrorDetails, root: type[BaseModel]) -> str:
    """One pydantic error as one line: the key path, what was expected, what was found (cut short)."""
    loc, kind, msg = error["loc"], error["type"], error["msg"]
    path = _path(_walk(loc, root)[1])
    if kind == "union_tag_invalid":
        return f"{path}.kind: expected one of {', '.join(_tagged(_walk(loc, root)[0]))}, got {shorten(error['input'].get('kind'))}"
    got = shorten(error.get("input"))
    if kind == "missing":
        return f"{path}: required key is missing"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1], root)
        close = difflib.get_close_matches(str(loc[-1])[:100], allowed, n=1)
        guess = f"did you mean '{close[0]}'? " if close else ""
        return f"{path}: unknown key ({guess}allowed here: {', '.join(allowed)})"
    if kind in ("bool_parsing", "bool_type"):
        return f"{path}: expected true or false, got {got}"
    if kind == "string_pattern_mismatch":
        return f"{path}: expected a name of letters, digits, '-' or '_', got {got}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{path}: expected a mapping (indented 'key: value' lines), got {got}"
    if kind == "list_type":
        return f"{path}: expected a list like [a, b], got {got}"
    if kind == "too_short":
        return f"{path}: expected at least one entry"
    msg = msg.removeprefix("Value error, ").replace("Input should be", "expected")
    if kind in ("value_error", "assertion_error"):
        return f"{path}: {clip(msg, 200)}"
    return f"{path}: {clip(msg, 200)}, got {got}"
