"""Load policy files: YAML with lines -> schema check -> compile, failing closed.

Every problem (YAML syntax, unknown key, condition or operator, wrong type,
unsafe regex, duplicate id, missing data file, unknown data key, unknown message
placeholder) becomes an InputError naming file, line, policy id and JSON path.
All problems are collected before raising, so one run shows them all.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import InputError
from .conditions import CompileContext, CompileError, ConditionRegistry, build_registry
from .data import DataRefError, DataStore, is_ref, parse_ref
from .operators import NUMERIC, Globs, OperandError, prepare
from .schema import generate_schema
from .spec import (ALL_ACTIONS, DEFAULT_ACTIONS, FACTS, AggregateSpec, Policy, PolicyErrors,
                   PolicySet, Selector, group_name)
from ..yamlschema import schema_errors
from ..settings import DEFAULT_SETTINGS, Settings
from ..yamlload import YamlDoc, json_path, load_config, load_yaml

BUNDLED = Path(__file__).resolve().parents[2] / "policies"
COMMON_PLACEHOLDERS = frozenset({"address", "type", "name", "provider", "region", "module",
                                 "action", "policy", "level", "group", "environment"}) | set(FACTS)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def policy_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus the *.yaml/*.yml directly inside named folders."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += sorted(p for p in path.iterdir()
                          if p.suffix in (".yaml", ".yml") and p.is_file())
        elif path.is_file():
            out.append(path)
        else:
            raise InputError(str(path), "policy file or folder not found")
    return out


def load_policies(paths: Iterable[str | Path] = (), data_files: Iterable[str | Path] = (),
                  registry: ConditionRegistry | None = None, *,
                  settings: Settings = DEFAULT_SETTINGS) -> PolicySet:
    """Load and compile policies (the bundled pack when `paths` is empty); `settings`
    give the size limit and the parse cache of the YAML files."""
    registry = registry or build_registry()
    paths = list(paths) or [BUNDLED]
    files = policy_files(paths)
    if not files:
        raise InputError(", ".join(str(p) for p in paths), "no policy files (*.yaml) found")
    errors: list[InputError] = []
    docs: list[YamlDoc] = []
    data_paths: list[str | Path] = []
    validator_schema: dict[str, Any] | None = None
    checked = pack_lock()
    for file in files:
        try:
            doc = load_config(file, display_name(file), settings)
        except InputError as exc:
            errors.append(exc)
            continue
        if checked.get(doc.file) != _sha256(file):
            validator_schema = validator_schema or generate_schema(registry)
            errors += schema_errors(doc, validator_schema)
        docs.append(doc)
        for i, rel in enumerate(_list(doc.data, "data")):
            target = file.parent / str(rel)
            try:
                found = target.is_file()
            except (OSError, ValueError) as exc:  # name too long, NUL byte, ...
                errors.append(InputError(doc.file, f"data file name unusable: "
                                         f"{getattr(exc, 'strerror', None) or exc}",
                                         line=doc.line(("data", i)), where=json_path(("data", i))))
                continue
            if not found:
                errors.append(InputError(doc.file, f"data file not found: {target}",
                                         line=doc.line(("data", i)), where=json_path(("data", i))))
            else:
                data_paths.append(target)
    data = DataStore()
    try:
        data, problems = data.merged(data_paths, list(data_files), settings)
        errors += problems
    except InputError as exc:
        errors.append(exc)
    policies: list[Policy] = []
    used: set[str] = set()  # data namespaces the policies refer to
    seen: dict[str, str] = {}
    for doc in docs:
        for i, raw in enumerate(_list(doc.data, "policies")):
            if not isinstance(raw, Mapping):
                continue
            pid = raw.get("id") if isinstance(raw.get("id"), str) else None
            if pid is not None:
                if pid in seen:
                    errors.append(InputError(doc.file, f"duplicate policy id (first defined at "
                                             f"{seen[pid]})", line=doc.line(("policies", i, "id")),
                                             where=_where(pid, ("policies", i, "id"))))
                    continue
                seen[pid] = f"{doc.file}:{doc.line(('policies', i))}"
            if any(e.file == doc.file and e.where and (f"$.policies[{i}]" in e.where
                                                       or e.where.startswith("$.levels"))
                   for e in errors):
                continue  # already reported by the schema check
            try:
                policies.append(_compile(doc, i, raw, registry, data, used))
            except CompileError as exc:
                path = ("policies", i) + exc.path
                errors.append(InputError(doc.file, exc.message, line=doc.line(path),
                                         where=_where(pid, path)))
    if not errors:
        errors += _unused_data(data_files, data, {Path(p).stem for p in data_paths}, used,
                               settings)
    if errors:
        raise PolicyErrors(errors)
    return PolicySet(tuple(policies), data, registry, tuple(d.file for d in docs))


def _unused_data(data_files: Iterable[str | Path], data: DataStore, pack: set[str],
                 used: set[str], settings: Settings = DEFAULT_SETTINGS) -> list[InputError]:
    """A `--data` file that neither overrides a pack data file nor is used by a policy
    would be ignored: an error that says how to name what it overrides."""
    out = []
    for path in data_files:
        stem = Path(path).stem
        if stem in pack or stem in used:
            continue
        doc = load_config(path, display_name(Path(path)), settings)
        keys = [str(k) for k in doc.data] if isinstance(doc.data, Mapping) else []
        if keys and all(k in pack for k in keys):
            continue
        known = ", ".join(sorted(pack | used)) or "none"
        owners = [n for n in sorted(pack) for k in keys
                  if isinstance(data.docs[n].data, Mapping) and k in data.docs[n].data]
        example = (owners or sorted(pack) or ["quotas"])[0]
        out.append(InputError(doc.file, f"no policy uses data namespace {stem!r} and its "
                              f"top-level keys ({', '.join(keys) or 'none'}) name no data file "
                              f"of the pack (known: {known}): put them under the namespace "
                              f"they override ({example}: ...) or name the file after it "
                              f"({example}.yaml)", line=1))
    return out


PACK_LOCK = BUNDLED / "pack.lock.json"


def pack_lock() -> dict[str, str]:
    """Bundled policy files already checked against the schema: display name -> sha256.

    A bundled file whose content still matches skips the JSON Schema pass (and
    the jsonschema import), which is most of a pre-commit run's start-up; every
    other file, and every compile check, always runs. The lock also records the
    schema it was checked against, so a changed registry voids it.
    """
    try:
        lock = json.loads(PACK_LOCK.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    schema_file = BUNDLED / "policy.schema.json"
    if not isinstance(lock, dict) or not schema_file.is_file() \
            or lock.get("schema") != _sha256(schema_file):
        return {}
    files = lock.get("files")
    return files if isinstance(files, dict) else {}


def update_pack_lock() -> Path:
    """Validate every bundled policy file and record it in the lock (a maintainer step)."""
    registry = build_registry()
    schema = generate_schema(registry)
    files = policy_files([BUNDLED])
    for file in files:
        found = schema_errors(load_yaml(file, display_name(file)), schema)
        if found:
            raise PolicyErrors(found)
    lock = {"schema": _sha256(BUNDLED / "policy.schema.json"),
            "files": {display_name(f): _sha256(f) for f in files}}
    PACK_LOCK.write_text(json.dumps(lock, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return PACK_LOCK


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def display_name(path: Path) -> str:
    """Bundled files as `policies/...` (stable in goldens), others as given."""
    try:
        return "policies/" + path.resolve().relative_to(BUNDLED).as_posix()
    except ValueError:
        return str(path)


def _list(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, Mapping) else None
    return value if isinstance(value, list) else []


def _where(pid: str | None, path: tuple[str | int, ...]) -> str:
    return f"policy {pid} {json_path(path)}" if pid else json_path(path)


def _compile(doc: YamlDoc, index: int, raw: Mapping[str, Any], registry: ConditionRegistry,
             data: DataStore, used: set[str] | None = None) -> Policy:
    ctx = CompileContext(registry, data, (), used if used is not None else set())
    has_require, has_aggregate = "require" in raw, "aggregate" in raw
    if has_require == has_aggregate:
        raise CompileError((), "a policy needs exactly one of 'require' (per resource) or "
                               "'aggregate' (over the whole change)")
    check = ctx.at("require").compile(raw["require"]) if has_require else None
    aggregate = _aggregate(raw["aggregate"], ctx.at("aggregate")) if has_aggregate else None
    select = raw.get("select") or {}
    selector = _selector(select, ctx.at("select"), aggregate is not None)
    top = doc.data
    levels_raw = raw.get("levels", top.get("levels") or {})
    if not isinstance(levels_raw, Mapping):
        raise CompileError(("levels",), "levels must be a mapping: environment glob -> level")
    levels = tuple((Globs.of(env), level) for env, level in levels_raw.items())
    evidence = registry.evidence_names(raw.get("require"))
    evidence |= registry.evidence_names(select.get("where"))
    if aggregate:
        evidence |= set(aggregate.group_names) | {"limit", "measure", "error", "not_priced"}
        for measure, _, _ in aggregate.tests:
            metric = measure.split("_", 1)[1]
            evidence |= {f"{when}_{metric}" for when in ("prior", "proposed", "delta")}
    _check_message(raw["message"], evidence)
    if "pass_message" in raw:
        try:
            _check_message(raw["pass_message"], evidence)
        except CompileError as exc:
            raise CompileError(("pass_message",), exc.message) from None
    tags_only = (aggregate is None and registry.tags_only(raw.get("require"))
                 and registry.tags_only(select.get("where"))
                 and not any(k in select for k in ("instance_family", "instance_type", "gpu_model"))
                 and not any("{" + name + "}" in raw["message"] + raw.get("pass_message", "")
                             for name in FACTS))
    source_only = tags_only or (aggregate is None and registry.source_only(raw.get("require"))
                                and registry.source_only(select.get("where")))
    return Policy(id=raw["id"], description=raw["description"], level=raw["level"],
                  message=raw["message"], selector=selector, file=doc.file,
                  line=doc.line(("policies", index)), check=check, aggregate=aggregate,
                  levels=levels, waiver_requires=tuple((raw.get("waivers") or {}).get("require", ())),
                  tags_only=tags_only, source_only=source_only,
                  pass_message=raw.get("pass_message"),
                  uses=frozenset(_condition_names(raw.get("require")))
                  | frozenset(_condition_names(select.get("where"))))


def _condition_names(cond: Any) -> Iterable[str]:
    if isinstance(cond, Mapping):
        for name, params in cond.items():
            yield str(name)
            if name in ("all", "any") and isinstance(params, list):
                for child in params:
                    yield from _condition_names(child)
            elif name == "not":
                yield from _condition_names(params)


def _check_message(message: str, evidence: set[str]) -> None:
    allowed = COMMON_PLACEHOLDERS | evidence
    for m in _PLACEHOLDER.finditer(message.replace("{{", "").replace("}}", "")):
        name = m.group(1)
        if name not in allowed and not name.startswith("tag."):
            raise CompileError(("message",), f"unknown placeholder {{{name}}} in message "
                                             f"(available: {', '.join(sorted(allowed))})")


def _globs(ctx: CompileContext, raw: Any, *path: str) -> Globs:
    value = ctx.value(raw, *path)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ctx.error("expected a string or a list of strings", *path)
    return Globs.of(value)


def _selector(raw: Mapping[str, Any], ctx: CompileContext, aggregate: bool) -> Selector:
    def globs(key: str) -> Globs | None:
        return _globs(ctx, raw[key], key) if key in raw else None

    providers = None
    if "providers" in raw:
        providers = frozenset(globs("providers").patterns)  # type: ignore[union-attr]
    actions = frozenset(raw["actions"]) if "actions" in raw else (
        ALL_ACTIONS if aggregate else DEFAULT_ACTIONS)
    tags = tuple((key, _globs(ctx, value, "tags", key)) for key, value in (raw.get("tags") or {}).items())
    where = ctx.at("select", "where").compile(raw["where"]) if "where" in raw else None
    return Selector(types=globs("types"), providers=providers, addresses=globs("addresses"),
                    actions=actions, modes=frozenset(raw.get("modes", ["managed"])),
                    taggable=raw.get("taggable"), tags=tags,
                    instance_family=globs("instance_family"), instance_type=globs("instance_type"),
                    gpu_model=globs("gpu_model"), where=where)


def _aggregate(raw: Mapping[str, Any], ctx: CompileContext) -> AggregateSpec:
    group_by = tuple("tag:project" if g == "project" else g for g in raw.get("group_by", []))
    names = {group_name(g) for g in group_by}
    tests = []
    for measure, ops in raw["require"].items():
        for op, value in ops.items():
            if op not in NUMERIC:
                raise ctx.error(f"unknown operator {op!r} for an aggregate", "require", measure, op)
            if is_ref(value):
                try:
                    ref = parse_ref(value["data"])
                except DataRefError as exc:
                    raise ctx.error(str(exc), "require", measure, op, "data") from None
                unknown = set(ref.placeholders) - names
                if unknown:
                    raise ctx.error(f"placeholder {{{sorted(unknown)[0]}}} is not a group_by key "
                                    f"(groups: {', '.join(sorted(names)) or 'none'})",
                                    "require", measure, op, "data")
                ctx.data_used.add(ref.namespace)
                try:
                    resolved = ctx.data.lookup(ref)  # checks the file and the fixed prefix
                except DataRefError as exc:
                    raise ctx.error(str(exc), "require", measure, op, "data") from None
                tests.append((measure, op, ref if ref.placeholders else _number(
                    ctx, resolved, op, "require", measure, op)))
            else:
                tests.append((measure, op, _number(ctx, value, op, "require", measure, op)))
    return AggregateSpec(group_by, tuple(tests))


def _number(ctx: CompileContext, value: Any, op: str, *path: str) -> Any:
    try:
        return prepare("gt", value) if op not in ("equals", "not_equals") else prepare(op, value)
    except OperandError as exc:
        raise ctx.error(str(exc), *path) from None
