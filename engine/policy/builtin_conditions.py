"""The built-in condition types (see `conditions.py` for the contract)."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from pricing_catalog.keys import PURCHASE_OPTIONS

from .conditions import (SIDE_SCHEMA, Check, CompileContext, ConditionType, Verdict, ops_schema,
                         show)
from ..model import AT_LEAST_ZERO, UNBOUNDED, ZERO_INTERVAL, Interval, delta_range, side_range
from .operators import MISSING, OPERATORS, OperandError, figure, interval_holds, prepare
from .subject import Subject, parse_path, resolve

COND = {"$ref": "#/$defs/condition"}
STRINGS_OR_REF = {"anyOf": [{"type": "array", "items": {"type": "string"}},
                            {"$ref": "#/$defs/data_ref"}]}


# --- logic ----------------------------------------------------------------------

def _all(params: Any, ctx: CompileContext) -> Check:
    return _logic(params, ctx, decisive=False)


def _any(params: Any, ctx: CompileContext) -> Check:
    return _logic(params, ctx, decisive=True)


def _logic(params: Any, ctx: CompileContext, decisive: bool) -> Check:
    """`all` (a False decides) or `any` (a True decides) in three-valued logic:
    with no deciding result, one unknown (None) makes the whole unknown."""
    checks = [ctx.at(i).compile(c) for i, c in enumerate(params)]

    def check(s: Subject) -> Verdict:
        evidence: dict[str, Any] = {}
        result: bool | None = not decisive
        for c in checks:
            ok, ev = c(s)
            evidence.update(ev)
            if ok is decisive:
                return decisive, evidence
            if ok is None:
                result = None
        return result, evidence
    return check


def _not(params: Any, ctx: CompileContext) -> Check:
    inner = ctx.compile(params)

    def check(s: Subject) -> Verdict:
        ok, ev = inner(s)
        return (None if ok is None else not ok), ev
    return check


# --- attributes and tags --------------------------------------------------------

def _attribute(params: Mapping[str, Any], ctx: CompileContext) -> Check:
    try:
        path = parse_path(params["path"])
    except ValueError as exc:
        raise ctx.error(str(exc), "path") from None
    side, text = params.get("side"), params["path"]
    quantifier = params.get("match", "all")
    ops = ctx.ops(params, skip=("path", "side", "match"))

    def check(s: Subject) -> Verdict:
        which = s.pick(side)
        found = list(resolve(s.doc(which) or {}, path))
        values = [v for _, v in found]
        ev = {text: show(values[0]) if len(values) == 1 else [show(v) for v in values]}
        if which == "after" and s.change.unknown_paths:
            if any(v is MISSING and s.change.is_unknown(p) for p, v in found) or \
                    (not found and s.change.is_unknown(path[:path.index("*")] if "*" in path else path)):
                return None, ev
        if quantifier == "any":
            return any(ops.holds(v) for v in values), ev
        return ops.all_hold(values), ev
    return check


def _tag(params: Mapping[str, Any], ctx: CompileContext) -> Check:
    key, side = params["key"], params.get("side")
    ops = ctx.ops(params, skip=("key", "side"))
    name = f"tag.{key}"

    def check(s: Subject) -> Verdict:
        if not s.world.taggable(s.change.type, s.change.provider):
            return True, {"taggable": False}
        which = s.pick(side)
        tags = s.tags(which) or {}
        value = tags.get(key, MISSING)
        if value is MISSING and s.tag_unknown(which, key):
            return None, {name: "(known after apply)"}
        ev: dict[str, Any] = {name: show(value)}
        if value is MISSING:
            cased = [f"{other} (required: {key})" for other in tags
                     if other != key and other.lower() == key.lower()]
            if cased:
                ev["case_mismatch"] = cased
        return ops.holds(value), ev
    return check


def _tags(params: Mapping[str, Any], ctx: CompileContext) -> Check:
    side = params.get("side")
    required = ctx.value(params.get("required", []), "required")
    if not isinstance(required, list) or not all(isinstance(k, str) for k in required):
        raise ctx.error("required tags must be a list of tag keys", "required")
    allowed: dict[str, Any] = {}
    for key, raw in (params.get("allowed") or {}).items():
        values = ctx.value(raw, "allowed", key)
        if not isinstance(values, list):
            raise ctx.error("allowed values must be a list", "allowed", key)
        allowed[key] = prepare("in", values)
    for key, raw in (params.get("patterns") or {}).items():
        try:
            allowed[key] = prepare("matches", ctx.value(raw, "patterns", key))
        except OperandError as exc:
            raise ctx.error(str(exc), "patterns", key) from None
    # A cloud with lowercase-only labels (Google) writes `cc-1234` for `CC-1234`:
    # the same values and patterns, compared without case.
    lowered = {key: (prepare("matches", "(?i)" + e.pattern) if hasattr(e, "fullmatch")
                     else prepare("in", [v.lower() if isinstance(v, str) else v
                                         for v in e.values]))
               for key, e in allowed.items()}

    def check(s: Subject) -> Verdict:
        if not s.world.taggable(s.change.type, s.change.provider):
            return True, {"taggable": False}
        which = s.pick(side)
        tags = s.tags(which) or {}
        missing, unknown, invalid, problems = [], [], [], []
        for key in required:
            if key not in tags:
                (unknown if s.tag_unknown(which, key) else missing).append(key)
        rules = lowered if s.world.lowercase_tags(s.change.provider) else allowed
        for key, expected in rules.items():
            value = tags.get(key)
            if value is None:
                continue
            regex = hasattr(expected, "fullmatch")
            if not OPERATORS["matches" if regex else "in"].test(value, expected):
                invalid.append(f"{key}={value}")
                pattern = getattr(expected, "pattern", None)
                problems.append(f"{key}={value} does not match {pattern}" if regex and pattern
                                else f"{key}={value} is not an allowed value")
        ev: dict[str, Any] = {"missing_tags": missing, "invalid_tags": invalid}
        cased = [f"{other} (required: {key})" for key in missing for other in tags
                 if other != key and other.lower() == key.lower()]
        if missing:
            problems.insert(0, "missing tags " + ", ".join(missing))
        if cased:
            ev["case_mismatch"] = cased
            problems.insert(1, "present with other case: " + ", ".join(cased)
                            + " (tag keys are case-sensitive)")
        if unknown:
            ev["unknown_tags"] = unknown
            problems.append("tags known only after apply: " + ", ".join(unknown))
        ev["tag_problems"] = "; ".join(problems) or "all required tags present and valid"
        if missing or invalid:
            return False, ev
        return (None if unknown else True), ev
    return check


# --- derived facts: instances, GPUs, purchase option, environment ---------------

def _facts(name: str, get: Callable[[Subject, str], tuple[tuple[str, ...], bool]],
           description: str, of: str | None = None) -> ConditionType:
    """A fact with one value per launchable instance type: the condition holds when
    every value passes, so one violating type fails it; `violating` names it."""
    def compile_(params: Mapping[str, Any], ctx: CompileContext) -> Check:
        side = params.get("side")
        ops = ctx.ops(params, skip=("side",))

        def check(s: Subject) -> Verdict:
            which = s.pick(side)
            values, unknown = get(s, which)
            if unknown and not values:
                return None, {name: "(known after apply)",
                              "violating": "an instance type known only after apply"}
            ev = {name: ", ".join(values)}
            bad = tuple(v for v in values if not ops.holds(v))
            if bad:
                ev["violating"] = s.launch_choices(which, bad, of) if of else ", ".join(bad)
                return False, ev
            return True, ev
        return check
    return ConditionType(name, description, ops_schema({"side": SIDE_SCHEMA}), compile_,
                         lambda p: (name, "violating"), source_only=True)


def _gpu_models(s: Subject, side: str) -> tuple[tuple[str, ...], bool]:
    return s.gpu_models(side)  # type: ignore[arg-type]


def _gpu_count(params: Mapping[str, Any], ctx: CompileContext) -> Check:
    side = params.get("side")
    ops = ctx.ops(params, skip=("side",))

    def check(s: Subject) -> Verdict:
        count = s.gpu_count(s.pick(side))
        if count is None:
            return None, {"gpu_count": "(unknown)"}
        return ops.holds(count), {"gpu_count": count, **ops.describe()}
    return check


def _environment(params: Mapping[str, Any], ctx: CompileContext) -> Check:
    ops = ctx.ops(params)

    def check(s: Subject) -> Verdict:
        env = s.world.environment_of(s)
        if env is None and s.tag_unknown(s.default_side, s.world.env_tag):
            return None, {"environment": "(known after apply)"}
        return ops.holds(MISSING if env is None else env), {"environment": env}
    return check


def _action(params: Mapping[str, Any], ctx: CompileContext) -> Check:
    ops = ctx.ops(params)
    return lambda s: (ops.holds(s.change.action), {"action": s.change.action})


# --- cost -----------------------------------------------------------------------

_COST_NAMES = {("hour", "after"): "hourly_cost", ("hour", "before"): "hourly_cost_before",
               ("hour", "delta"): "hourly_delta", ("month", "after"): "monthly_cost",
               ("month", "before"): "monthly_cost_before", ("month", "delta"): "monthly_delta",
               ("run", "after"): "cost_per_run", ("job", "after"): "job_cost"}


def cost_value(s: Subject, period: str, side: str) -> Interval | str:
    """Where the cost figure lies, or "n/a" for a run cost without run hours.

    The resource's own cost: a side with nothing priced is [0, +inf) whatever
    its status (usage not supplied included), never $0."""
    rc = s.cost
    if period in ("run", "job") and rc.run_hours is not None:
        if rc.after is None:
            return UNBOUNDED
        return side_range(rc.after, "hourly", left_out_zero=False).scale(rc.run_hours)
    if period == "run":
        return "n/a"
    which: Any = "hourly" if period == "hour" else "monthly"
    if period == "job" or side == "delta":  # a job without run hours: a month's delta
        return delta_range(rc.before, rc.after, which, rc.unchanged, left_out_zero=False)
    sc = rc.after if side == "after" else rc.before
    if sc is None:
        return ZERO_INTERVAL if s.doc(side) is None else AT_LEAST_ZERO  # type: ignore[arg-type]
    return side_range(sc, which, left_out_zero=False)


def _cost(params: Mapping[str, Any], ctx: CompileContext) -> Check:
    period, side = params.get("period", "hour"), params.get("side", "after")
    if period in ("run", "job") and side != "after":
        raise ctx.error(f"a {period} cost has no before/delta side", "side")
    name = _COST_NAMES[(period, side)]
    ops = ctx.ops(params, skip=("period", "side"))

    def check(s: Subject) -> Verdict:
        value = cost_value(s, period, side)
        ev: dict[str, Any] = {name: value if isinstance(value, str) else figure(value),
                              **ops.describe()}
        if period in ("run", "job"):
            ev["run_hours"] = s.cost.run_hours
        if period == "job":
            ev["job_basis"] = (f"{s.cost.run_hours} run hours" if s.cost.run_hours is not None
                               else "a month: the usage file gives no run_hours")
        if isinstance(value, str):
            return True, ev  # not a job: no run hours in the usage file
        result: bool | None = True
        for op, expected in ops.tests:  # three-valued: a False decides
            ok = interval_holds(op, value, expected)
            if ok is False:
                return False, ev
            if ok is None:
                result = None
        return result, ev
    return check


# --- relations ------------------------------------------------------------------

def _relation(params: Mapping[str, Any], ctx: CompileContext) -> Check:
    from .operators import Globs

    types = Globs.of(params["type"])
    direction = params.get("direction", "incoming")
    try:
        via = parse_path(params["via"])
    except ValueError as exc:
        raise ctx.error(str(exc), "via") from None
    from ..clouds import relation_match

    keys = tuple(params["match"]) if "match" in params else relation_match()
    want = params.get("exists", True)
    spec = (types, direction, via, keys)

    def check(s: Subject) -> Verdict:
        found, unknown = s.world.related(s, spec)
        ev = {"related": ", ".join(found)}
        if not found and unknown:
            return None, ev
        return (bool(found) == want), ev
    return check


def _one_of_cost_names(params: Mapping[str, Any]) -> tuple[str, ...]:
    name = _COST_NAMES.get((params.get("period", "hour"), params.get("side", "after")))
    return (name, "run_hours", "job_basis", "limit", "expected") if name else ("limit", "expected")


def _attr_evidence(params: Mapping[str, Any]) -> tuple[str, ...]:
    return (str(params.get("path")), "expected", "limit")


BUILTIN: tuple[ConditionType, ...] = (
    ConditionType("all", "every listed condition holds",
                  {"type": "array", "items": COND, "minItems": 1}, _all, tags_only=True),
    ConditionType("any", "at least one listed condition holds",
                  {"type": "array", "items": COND, "minItems": 1}, _any, tags_only=True),
    ConditionType("not", "the condition does not hold", COND, _not, tags_only=True),
    ConditionType("attribute", "test an attribute of the resource (after the change by default)",
                  ops_schema({"path": {"type": "string", "minLength": 1}, "side": SIDE_SCHEMA,
                              "match": {"enum": ["all", "any"]}}, required=["path"]),
                  _attribute, _attr_evidence, source_only=True),
    ConditionType("tag", "test one effective tag (provider default tags included)",
                  ops_schema({"key": {"type": "string", "minLength": 1}, "side": SIDE_SCHEMA},
                             required=["key"]),
                  _tag, lambda p: (f"tag.{p.get('key')}", "taggable", "case_mismatch"), tags_only=True),
    ConditionType("tags", "required tag keys, allowed values and patterns on taggable types",
                  {"type": "object", "title": "tags condition", "additionalProperties": False,
                   "minProperties": 1,
                   "properties": {"required": STRINGS_OR_REF, "side": SIDE_SCHEMA,
                                  "allowed": {"type": "object",
                                              "additionalProperties": STRINGS_OR_REF},
                                  "patterns": {"type": "object",
                                               "additionalProperties": {
                                                   "anyOf": [{"type": "string"},
                                                             {"$ref": "#/$defs/data_ref"}]}}}},
                  _tags, lambda p: ("missing_tags", "invalid_tags", "unknown_tags", "taggable",
                                   "tag_problems", "case_mismatch"),
                  tags_only=True),
    _facts("instance_type", lambda s, side: s.instance_types(side),  # type: ignore[arg-type]
           "every instance type the resource may launch (resolved through launch "
           "templates; every override, instance_types entry and endpoint variant)"),
    _facts("instance_family", lambda s, side: s.families(side),  # type: ignore[arg-type]
           "every instance family (p5, ml.p4d, g6e, a3) the resource may launch", "family"),
    _facts("gpu_model", _gpu_models, "every GPU model the resource may launch", "gpu"),
    _facts("purchase_option", lambda s, side: s.purchase_options(side),  # type: ignore[arg-type]
           "every purchase option: " + ", ".join(PURCHASE_OPTIONS)),
    ConditionType("gpu_count", "number of GPUs/accelerators of the resource (for a group "
                  "choosing among instance types, the most it may hold)",
                  ops_schema({"side": SIDE_SCHEMA}), _gpu_count,
                  lambda p: ("gpu_count", "limit", "expected"), source_only=True),
    ConditionType("environment", "the environment: --env, else the resource's environment tag",
                  ops_schema({}), _environment, lambda p: ("environment",), tags_only=True),
    ConditionType("action", "the change action: create, update, delete, replace, no-op, read",
                  ops_schema({}), _action, lambda p: ("action",), tags_only=True),
    ConditionType("cost", "the resource's own cost in $/h, $/month, per run (hourly x run "
                  "hours from usage) or per job (per run if run hours are known, else the "
                  "monthly delta); before, after or delta", ops_schema({"period": {"enum": ["hour", "month", "run", "job"]},
                                          "side": {"enum": ["before", "after", "delta"]}}),
                  _cost, _one_of_cost_names),
    ConditionType("relation", "another resource of a type references this one (incoming) or "
                  "this one references it (outgoing)",
                  {"type": "object", "title": "relation condition", "additionalProperties": False,
                   "required": ["type", "via"],
                   "properties": {"type": {"anyOf": [{"type": "string"},
                                                     {"type": "array",
                                                      "items": {"type": "string"}}]},
                                  "direction": {"enum": ["incoming", "outgoing"]},
                                  "via": {"type": "string", "minLength": 1},
                                  "match": {"type": "array", "items": {"type": "string"},
                                            "minItems": 1},
                                  "exists": {"type": "boolean"}}},
                  _relation, lambda p: ("related",)),
)
