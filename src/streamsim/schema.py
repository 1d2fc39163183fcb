"""Event field specifications, field projection and JSON Schema export.

A scenario declares every field it can emit as a :class:`FieldSpec` with a
dotted path (``location.lat``) and a level. ``--schema`` picks a preset level,
``--fields`` / ``--exclude-fields`` refine it, and a :class:`Projection` turns
the scenario's full event dict into what is emitted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from streamsim.errors import UsageError

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class Level(IntEnum):
    """Which ``--schema`` presets include a field (each preset includes the ones below it)."""

    CLASSIC = 0  # the original producers' fields, exactly
    STANDARD = 1  # new realistic fields that do not reveal the label
    FULL = 2  # ground truth and debugging fields (may leak the label)


SCHEMA_PRESETS = {level.name.lower(): level for level in Level}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One emitted field: dotted path, JSON type, meaning and preset level."""

    path: str
    type: str
    description: str
    level: Level = Level.STANDARD
    nullable: bool = False
    enum: tuple[Any, ...] | None = None
    format: str | None = None

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": [self.type, "null"] if self.nullable else self.type,
            "description": self.description,
        }
        if self.enum is not None:
            schema["enum"] = [*self.enum, None] if self.nullable else list(self.enum)
        if self.format:
            schema["format"] = self.format
        return schema


Tree = dict[str, "Tree | None"]  # key -> subtree, or None to copy the whole value


class Projection:
    """Selects and orders the fields of one stream's events.

    >>> specs = [FieldSpec("id", "string", "id", Level.CLASSIC),
    ...          FieldSpec("loc.lat", "number", "latitude", Level.CLASSIC),
    ...          FieldSpec("loc.lon", "number", "longitude", Level.CLASSIC),
    ...          FieldSpec("secret", "integer", "ground truth", Level.FULL)]
    >>> event = {"id": "a", "loc": {"lat": 1.0, "lon": 2.0}, "secret": 1}
    >>> Projection(specs, "standard")(event)
    {'id': 'a', 'loc': {'lat': 1.0, 'lon': 2.0}}
    >>> Projection(specs, "full", exclude=["loc.lon"])(event)
    {'id': 'a', 'loc': {'lat': 1.0}, 'secret': 1}
    >>> Projection(specs, fields=["secret"]).paths
    ('secret',)
    """

    def __init__(
        self,
        specs: Sequence[FieldSpec],
        preset: str = "standard",
        *,
        fields: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
    ) -> None:
        if preset not in SCHEMA_PRESETS:
            raise UsageError(f"invalid value for --schema: {preset!r}; allowed: {', '.join(SCHEMA_PRESETS)}")
        self.specs = tuple(specs)
        names = _valid_names(self.specs)
        if fields:
            wanted = set(_expand(_check_names(fields, names, "--fields"), self.specs))
        else:
            level = SCHEMA_PRESETS[preset]
            wanted = {spec.path for spec in self.specs if spec.level <= level}
        if exclude:
            wanted -= set(_expand(_check_names(exclude, names, "--exclude-fields"), self.specs))
        self.selected = tuple(spec for spec in self.specs if spec.path in wanted)
        self.paths = tuple(spec.path for spec in self.selected)
        self.is_identity = len(self.selected) == len(self.specs)
        top = tuple(dict.fromkeys(spec.path.split(".")[0] for spec in self.specs))
        #: The projection as a plain function (the runner calls it once per event).
        self.function: Callable[[dict[str, Any]], dict[str, Any]] = (
            _identity if self.is_identity else _compile(_tree(self.paths, self.specs), top)
        )

    def __call__(self, fields: dict[str, Any]) -> dict[str, Any]:
        return self.function(fields)

    def json_schema(self, title: str, description: str = "") -> dict[str, Any]:
        """JSON Schema (2020-12) of the projected event."""
        root: dict[str, Any] = _object_schema()
        for spec in self.selected:
            node = root
            *parents, leaf = spec.path.split(".")
            for part in parents:
                node = node["properties"].setdefault(part, _object_schema())
            node["properties"][leaf] = spec.json_schema()
        _fill_required(root)
        return {"$schema": JSON_SCHEMA_DIALECT, "title": title, "description": description, **root}


def _object_schema() -> dict[str, Any]:
    return {"type": "object", "properties": {}, "additionalProperties": False}


def _fill_required(node: dict[str, Any]) -> None:
    node["required"] = list(node["properties"])
    for child in node["properties"].values():
        if child.get("type") == "object":
            _fill_required(child)


def _valid_names(specs: Sequence[FieldSpec]) -> list[str]:
    names: list[str] = []
    for spec in specs:
        parts = spec.path.split(".")
        for i in range(1, len(parts) + 1):
            name = ".".join(parts[:i])
            if name not in names:
                names.append(name)
    return names


def _check_names(requested: Iterable[str], valid: list[str], option: str) -> list[str]:
    out = [name.strip() for name in requested if name.strip()]
    for name in out:
        if name not in valid:
            raise UsageError(f"unknown field {name!r} in {option}; valid names: {', '.join(valid)}")
    return out


def _expand(names: Iterable[str], specs: Sequence[FieldSpec]) -> list[str]:
    """Leaf paths named by ``names`` (a parent name selects all its leaves)."""
    out = []
    for name in names:
        out += [s.path for s in specs if s.path == name or s.path.startswith(name + ".")]
    return out


def _tree(paths: Sequence[str], specs: Sequence[FieldSpec]) -> Tree:
    """Nested selection tree; whole subtrees collapse to None (copied by reference)."""
    tree: Tree = {}
    for path in paths:
        node = tree
        *parents, leaf = path.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            assert child is not None
            node = child
        node[leaf] = None
    all_paths = [s.path for s in specs]

    def collapse(node: Tree, prefix: str) -> None:
        for key, child in node.items():
            if child is None:
                continue
            full = prefix + key
            collapse(child, full + ".")
            leaves = [p for p in all_paths if p.startswith(full + ".")]
            if all(p in paths for p in leaves):
                node[key] = None

    collapse(tree, "")
    return tree


def _identity(fields: dict[str, Any]) -> dict[str, Any]:
    return fields


def _compile(tree: Tree, top: tuple[str, ...] = ()) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function building the selected part of an event dict.

    ``top`` lists every top-level name the events have, in order: when whole
    top-level fields are selected and only a few are dropped, copying the dict
    and deleting those few is several times cheaper than building a new one
    (and keeps the order).
    """
    if all(child is None for child in tree.values()):
        keys = tuple(tree)
        drop = tuple(key for key in top if key not in tree)
        if top and len(drop) < len(keys):

            def without(fields: dict[str, Any]) -> dict[str, Any]:
                out = fields.copy()
                for key in drop:
                    del out[key]
                return out

            return without
        return lambda fields: {key: fields[key] for key in keys}
    parts = tuple((key, None if child is None else _compile(child)) for key, child in tree.items())

    def project(fields: dict[str, Any]) -> dict[str, Any]:
        return {key: fields[key] if sub is None else sub(fields[key]) for key, sub in parts}

    return project
