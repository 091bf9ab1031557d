"""Reading YAML from a scenario file or a ``--set`` value, within bounds and with the place of every key.

A scenario from someone else is hostile until checked: it may be a device, a pipe or a huge file; an alias bomb
(a few hundred bytes standing for a billion values); nested thousands deep; or write a key twice. Every bound is
checked before anything is built, on libyaml's event stream where PyYAML has it, so such a file is refused in a
fraction of a second and in little memory. :func:`marks` records the (line, column) of every key, which every
error message of :mod:`model.scenario` names.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from .errors import ScenarioError, YamlSyntaxError


def marks(node: yaml.Node, path: tuple, out: dict[tuple, tuple[int, int]]) -> None:
    """Record (line, column), 1-based, of every key and item in a composed YAML node tree."""
    out.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value
            try:
                key = int(key)
            except (TypeError, ValueError):
                pass
            out[path + (key,)] = (k.start_mark.line + 1, k.start_mark.column + 1)
            marks(v, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            marks(v, path + (i,), out)


#: a scenario is a few kilobytes of YAML; these bounds refuse a hostile file (a device, a pipe, an alias bomb, deep
#: nesting) within a second and in little memory, before anything is expanded
MAX_SCENARIO_BYTES = 1_000_000
MAX_DEPTH = 30  # nested mappings and lists (base.yaml uses 4)
MAX_ALIASES = 100  # uses of *alias
MAX_VALUES = 20_000  # values once aliases are expanded (base.yaml has about 200)
SCENARIO_SUFFIXES = (".yaml", ".yml")


def _read_text(path: Path, *, extends: str | None = None) -> str:
    """The text of a scenario file: a regular file (never a device, pipe, socket or directory), at most
    ``MAX_SCENARIO_BYTES``, UTF-8. ``extends``: where the reference came from (``file:line:col``), for messages."""
    who = f"{extends}: extends: '{path}'" if extends else str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ScenarioError(f"{who}: file not found") from None
    except (OSError, ValueError) as err:  # permission denied, a name too long, a NUL byte
        raise ScenarioError(f"{who}: cannot read it ({getattr(err, 'strerror', None) or err})") from None
    if stat.S_ISDIR(st.st_mode):
        raise ScenarioError(f"{who} is a directory; give a scenario file, e.g. scenarios/base.yaml")
    if not stat.S_ISREG(st.st_mode):
        raise ScenarioError(f"{who} is not a regular file (a device, pipe or socket); a scenario must be a .yaml file")
    if extends and path.suffix.lower() not in SCENARIO_SUFFIXES:
        raise ScenarioError(f"{who}: extends: may only name a .yaml or .yml scenario file")
    if st.st_size > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"{who} is {st.st_size:,} bytes; a scenario file may hold at most "
                            f"{MAX_SCENARIO_BYTES:,} (a scenario is a few kilobytes; is this the right file?)")
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_SCENARIO_BYTES + 1)  # the size may have changed since stat
    except OSError as err:
        raise ScenarioError(f"{who}: cannot read it ({err.strerror})") from None
    if len(raw) > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"{who} holds more than {MAX_SCENARIO_BYTES:,} bytes; a scenario file is a few kilobytes")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(f"{who}: not UTF-8 text; save the file as UTF-8") from None


def _yaml_error(source: str, text: str, err: yaml.YAMLError) -> YamlSyntaxError:
    """A YAML syntax error as ``source:line:col: ...``."""
    mark = getattr(err, "problem_mark", None)
    if mark is not None:
        where = f":{mark.line + 1}:{mark.column + 1}"
    elif isinstance(getattr(err, "position", None), int):  # reader errors (bad characters) give an offset
        before = text[:err.position]
        where = f":{before.count(chr(10)) + 1}:{err.position - before.rfind(chr(10))}"
    else:
        where = ""
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    if isinstance(getattr(err, "character", None), str):
        problem = f"character {err.character!r} is not allowed in YAML; delete it"
    return YamlSyntaxError(f"{source}{where}: YAML syntax error: {problem}")


#: libyaml's parser when PyYAML was built with it (the wheels are): it reads events 20 times faster than PyYAML's
#: own, so the bounds below are checked on a 1 MB file in a fraction of a second
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check_shape(text: str, source: str) -> None:
    """Refuse nesting deeper than ``MAX_DEPTH``, more than ``MAX_ALIASES`` aliases and more than ``MAX_VALUES``
    values, from the event stream, before anything is built (both parsers are iterative: a 10,000-deep file
    cannot exhaust the stack here, as the composer would). Syntax errors are left to :func:`parse_yaml`, whose
    messages (PyYAML's) the tests know."""
    try:
        _walk_events(yaml.parse(text, Loader=_FAST_LOADER), source)
    except yaml.YAMLError:
        if _FAST_LOADER is not yaml.SafeLoader:  # what libyaml refuses PyYAML may read: check with PyYAML itself
            _walk_events(yaml.parse(text, Loader=yaml.SafeLoader), source)


def _walk_events(events, source: str) -> None:
    depth = aliases = values = 0
    for ev in events:
        if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                m = ev.start_mark
                raise ScenarioError(f"{source}:{m.line + 1}:{m.column + 1}: nested more than {MAX_DEPTH} levels "
                                    "deep; a scenario needs a handful (see scenarios/base.yaml)")
        elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
            continue
        elif isinstance(ev, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                m = ev.start_mark
                raise ScenarioError(f"{source}:{m.line + 1}:{m.column + 1}: more than {MAX_ALIASES} YAML aliases "
                                    "(*name); write the values out")
        elif not isinstance(ev, yaml.ScalarEvent):
            continue
        values += 1
        if values > MAX_VALUES:
            raise ScenarioError(f"{source}: more than {MAX_VALUES:,} values (keys and items); a scenario has a few "
                                "hundred: is this the right file?")


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """How many values ``node`` stands for once its aliases are expanded (shared nodes counted per use); a node
    that contains itself (``a: &a [*a]``) has no end and is refused."""
    key = id(node)
    if memo.get(key) == -1:  # still being counted: an alias of a node inside itself
        m = node.start_mark
        raise ScenarioError(f"{m.name}:{m.line + 1}:{m.column + 1}: this YAML value contains an alias of itself "
                            "(&name ... *name inside it), which never ends; write the values out")
    if key not in memo:
        memo[key] = -1
        size = 1
        if isinstance(node, yaml.MappingNode):
            size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            size += sum(_expanded_size(v, memo) for v in node.value)
        memo[key] = size
    return memo[key]


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _check_duplicates(node: yaml.Node, source: str, seen: set[int]) -> None:
    """A key written twice in one mapping is an error naming both lines (YAML would keep the last silently)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[str, yaml.Node] = {}
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.tag != _MERGE_TAG:
                if k.value in first:
                    a, b = first[k.value].start_mark, k.start_mark
                    raise ScenarioError(f"{source}:{b.line + 1}:{b.column + 1}: duplicate key '{k.value}' (also at "
                                        f"line {a.line + 1}); keep one of them")
                first[k.value] = k
            _check_duplicates(v, source, seen)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            _check_duplicates(v, source, seen)


def parse_yaml(text: str, source: str) -> tuple[Any, yaml.Node | None]:
    """(value, node tree) of a YAML document from a scenario file or a ``--set`` value, within the bounds above:
    depth, aliases and expanded size checked before anything is built, duplicate keys refused."""
    try:
        _check_shape(text, source)
        loader = yaml.SafeLoader(text)
        loader.name = source  # marks name the file (or the --set argument), not '<unicode string>'
        try:
            node = loader.get_single_node()
            if node is None:
                return None, None
            size = _expanded_size(node, {})
            if size > MAX_VALUES:
                raise ScenarioError(f"{source}: the YAML expands to {size:,} values through its aliases (&name/*name);"
                                    f" a scenario has a few hundred (at most {MAX_VALUES:,}); write the values out")
            _check_duplicates(node, source, set())
            return loader.construct_document(node), node
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        raise _yaml_error(source, text, err) from None
    except (ValueError, TypeError, RecursionError) as err:  # e.g. an integer of 5,000 digits, an unhashable key
        why = str(err).splitlines()[0][:200] if str(err) else type(err).__name__
        if "int_max_str_digits" in why:
            why = "a number with thousands of digits"
        raise ScenarioError(f"{source}: YAML value cannot be read: {why}") from None


def read_yaml(path: Path, extends: str | None = None) -> tuple[dict, dict[tuple, tuple[int, int]]]:
    text = _read_text(path, extends=extends)
    data, node = parse_yaml(text, str(path))
    if data is None:
        data, node = {}, None
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}:1:1: a scenario must be a mapping of keys (name:, targets:, ...)")
    found: dict[tuple, tuple[int, int]] = {}
    if node is not None:
        marks(node, (), found)
    return data, found
