"""The canonical data model shared by every stage of the pipeline.

Every source (Terraform plan, Terraform HCL, Pulumi) produces the same
`ResourceChange`; every later stage returns new frozen values and never writes
back into its input. Attribute mappings (`before`/`after`) are the parsed input
documents themselves: they are never mutated after a source has built them.

The attribute-shape contract. Attribute names are the Terraform provider's
(snake_case). A nested block may come in either of two shapes, and both mean
the same thing:

* Terraform (plan JSON, HCL): a block is a list of objects, a block that occurs
  at most once a one-element list: `{"root_block_device": [{"volume_size": 8}]}`.
* Pulumi (bridged providers): a block that occurs at most once is the object
  itself: `{"root_block_device": {"volume_size": 8}}`.

Readers pass either shape through unchanged; whatever reads attributes does so
through an accessor that accepts both: index 0 on an object is the object itself
(only index 0; any other index on an object is absent). Cost models use
`engine.costs.base.SideView` (`get`, `block`, `blocks`); policy paths use
`engine.policy.subject.resolve` (`root_block_device[*].volume_type`,
`root_block_device[0].volume_type` and `root_block_device.volume_type` each reach
the volume type in both shapes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Mapping

from pricing_catalog.catalog import CatalogInfo  # noqa: F401  (re-exported: part of Estimate)

from .facts import (NO_FACTS, Accelerator, ComponentFacts, Launchable, Machine,  # noqa: F401
                    Scope)  # part of the model
from .interval import AT_LEAST_ZERO, UNBOUNDED, ZERO_INTERVAL, Interval  # noqa: F401

# A path into an attribute document: ("root_block_device", 0, "volume_size").
AttrPath = tuple[str | int, ...]

Action = Literal["create", "update", "delete", "replace", "no-op", "read"]
ACTIONS: tuple[Action, ...] = ("create", "update", "delete", "replace", "no-op", "read")

HOURS_PER_MONTH = Decimal(730)


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where a resource came from: file, optional line, and a JSON pointer; for HCL
    the override files merged into its block (`overridden_in`, as shown)."""

    file: str
    line: int | None = None
    pointer: str | None = None
    overridden_in: tuple[str, ...] = field(default=(), compare=False)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.pointer:
            where += f" ({self.pointer})"
        return where


@dataclass(frozen=True, slots=True)
class ResourceChange:
    """One resource and what the change does to it, whatever the input format."""

    address: str
    type: str  # canonical Terraform-style type, e.g. "aws_instance"
    name: str
    provider: str  # short provider name: "aws", "google", "azurerm", ...
    action: Action
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    mode: Literal["managed", "data"] = "managed"
    index: str | int | None = None
    module_path: tuple[str, ...] = ()  # ("module.a", 'module.b["x"]')
    region: str | None = None
    # The raw action list and, for replacements, which side goes first.
    actions: tuple[str, ...] = ()
    replace_order: Literal["delete-before-create", "create-before-delete"] | None = None
    action_reason: str | None = None
    unknown_paths: frozenset[AttrPath] = frozenset()  # known only after apply (after side)
    sensitive_paths: frozenset[AttrPath] = frozenset()  # before or after: never printed
    tags_before: Mapping[str, str] | None = None  # effective tags incl. provider default tags
    tags_after: Mapping[str, str] | None = None
    unknown_tag_keys: frozenset[str] = frozenset()  # tag keys whose value is unknown
    depends_on: tuple[str, ...] = ()
    source: SourceLocation | None = None
    provider_config_key: str | None = None

    @property
    def module(self) -> str:
        return ".".join(self.module_path)

    def side(self, which: Literal["before", "after"]) -> Mapping[str, Any] | None:
        return self.before if which == "before" else self.after

    def is_unknown(self, path: AttrPath) -> bool:
        """True when `path` or any prefix of it is known only after apply."""
        if not self.unknown_paths:
            return False
        for i in range(1, len(path) + 1):
            if path[:i] in self.unknown_paths:
                return True
        return False


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """Everything one input document says about an infrastructure change."""

    source_format: str  # "terraform-plan", "terraform-hcl", "pulumi-preview", ...
    source_path: str
    changes: tuple[ResourceChange, ...]
    tool_version: str | None = None  # terraform_version / pulumi version
    format_version: str | None = None
    errored: bool = False
    complete: bool = True
    targeted: bool = False  # produced with -target: the change is partial
    warnings: tuple[str, ...] = ()


# --- cost side ----------------------------------------------------------------

CostStatus = Literal["priced", "free", "unknown", "usage-needed", "unsupported", "unpriced"]


@dataclass(frozen=True, slots=True)
class PricedComponent:
    """One line of a resource's bill for one side of the change.

    `hourly`/`monthly` are None when the quantity is unknown, the usage was not
    supplied, or the price is missing; `status` and `reason` say which.
    """

    name: str
    unit: str
    per: Literal["hour", "month"]
    quantity: Decimal | None
    unit_price: Decimal | None
    hourly: Decimal | None
    monthly: Decimal | None
    status: Literal["priced", "unknown", "usage-needed", "unpriced"]
    price_key: str
    price_source: str | None = None
    price_as_of: str | None = None
    price_estimated: bool = False
    reason: str | None = None
    facts: ComponentFacts = NO_FACTS  # declared by the cost model; not in JSON output
    # (low, high) of an estimated unit price known as a band (a spot estimate); the
    # figures above use the high end, `hourly_low`/`monthly_low` the low end.
    unit_price_range: tuple[Decimal, Decimal] | None = None
    hourly_low: Decimal | None = None
    monthly_low: Decimal | None = None
    # The low end of a quantity that is a range (a group scaling between a minimum
    # and `quantity`, its maximum); priced into `hourly_low`/`monthly_low` as well.
    quantity_low: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SideCost:
    """The cost of a resource in one state (before or after the change)."""

    status: CostStatus
    hourly: Decimal | None  # sum of priced components; None when unknown
    monthly: Decimal | None
    components: tuple[PricedComponent, ...] = ()
    gpus: Mapping[str, int] = field(default_factory=dict)  # GPU model -> count
    gpus_known: bool = True
    reasons: tuple[str, ...] = ()
    # What the cost model reads as the machines this side may run (None: no cost
    # model declared it); for policies, not in JSON output.
    launchable: Launchable | None = None
    # False when some component's quantity is known only after apply or has no
    # price in the catalog: the figures are then the known part only, a lower
    # bound (`side_range`).
    complete: bool = True
    # The low end when some price is an estimated band or some quantity a range
    # (None: `hourly` is exact).
    hourly_low: Decimal | None = None
    monthly_low: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ResourceCost:
    """A resource's cost before and after the change (None: absent on that side)."""

    change: ResourceChange
    status: CostStatus
    before: SideCost | None
    after: SideCost | None
    run_hours: Decimal | None = None  # expected hours of one training run (usage)

    @property
    def address(self) -> str:
        return self.change.address

    @property
    def hourly_delta(self) -> Decimal | None:
        return _delta(self.before and self.before.hourly, self.after and self.after.hourly,
                      self.before, self.after, self.unchanged)

    @property
    def monthly_delta(self) -> Decimal | None:
        return _delta(self.before and self.before.monthly, self.after and self.after.monthly,
                      self.before, self.after, self.unchanged)

    @property
    def hourly_range(self) -> Interval:
        """Where the hourly delta lies (see `delta_range`)."""
        return delta_range(self.before, self.after, "hourly", self.unchanged)

    @property
    def monthly_range(self) -> Interval:
        return delta_range(self.before, self.after, "monthly", self.unchanged)

    @property
    def cost_per_run_range(self) -> Interval | None:
        """Where the cost of one run lies; None without run hours or an after side."""
        if self.run_hours is None or self.after is None:
            return None
        return side_range(self.after, "hourly").scale(self.run_hours)

    @property
    def unchanged(self) -> bool:
        """A no-op whose two sides are one cost: its delta is exactly zero, known or not."""
        return self.change.action == "no-op" and self.before is not None \
            and self.before is self.after

    @property
    def partial(self) -> bool:
        """Some figure of this resource is a lower bound (see SideCost.complete)."""
        return any(s is not None and not s.complete for s in (self.before, self.after))

    @property
    def cost_per_run(self) -> Decimal | None:
        if self.run_hours is None or self.after is None or self.after.hourly is None:
            return None
        return self.after.hourly * self.run_hours


# Statuses whose missing figure is left out of totals and limits (and listed
# apart): a type without a cost model, usage the user did not supply.
LEFT_OUT_STATUSES = frozenset({"usage-needed", "unsupported"})


def side_range(side: SideCost | None, which: Literal["hourly", "monthly"], *,
               left_out_zero: bool = True) -> Interval:
    """Where one side's cost lies: exact, [known part, +inf) for a side known only in
    part (a size known after apply, a component without a price), [0, +inf) for an
    unknown or unpriced one. An absent side costs 0. A left-out side with nothing
    priced (LEFT_OUT_STATUSES) counts 0 in totals; `left_out_zero=False` (a test of
    the resource's own cost) makes it [0, +inf) too."""
    if side is None:
        return ZERO_INTERVAL
    value: Decimal | None = getattr(side, which)
    if value is None:
        return ZERO_INTERVAL if left_out_zero and side.status in LEFT_OUT_STATUSES \
            else AT_LEAST_ZERO
    low = getattr(side, f"{which}_low")
    low = value if low is None else low
    return Interval(low, value) if side.complete else Interval.at_least(low)


def delta_range(before: SideCost | None, after: SideCost | None,
                which: Literal["hourly", "monthly"], unchanged: bool = False, *,
                left_out_zero: bool = True) -> Interval:
    """after - before as an interval; `unchanged` (the same cost on both sides): 0."""
    if unchanged:
        return ZERO_INTERVAL
    return side_range(after, which, left_out_zero=left_out_zero) \
        - side_range(before, which, left_out_zero=left_out_zero)


def _delta(before: Decimal | None, after: Decimal | None,
           before_side: SideCost | None, after_side: SideCost | None,
           unchanged: bool = False) -> Decimal | None:
    """after - before of the known parts, where an absent side counts as zero and an
    unknown side as unknown (`hourly_range` says where the true delta lies).

    A side known only in part (a lower bound) gives a delta only when the other
    side is absent (a create or a delete) or is the very same cost (no-op);
    comparing a lower bound with a full figure could invent a saving.
    """
    if unchanged:
        return Decimal(0)  # a no-op: the same cost on both sides, known or not
    if before_side is not None and before is None:
        return None
    if after_side is not None and after is None:
        return None
    if before_side is not None and after_side is not None \
            and not (before_side.complete and after_side.complete):
        return None
    return (after or Decimal(0)) - (before or Decimal(0))


@dataclass(frozen=True, slots=True)
class Estimate:
    changeset: ChangeSet
    resources: tuple[ResourceCost, ...]
    catalog: CatalogInfo
    currency: str = "USD"


# --- policy side --------------------------------------------------------------

Level = Literal["advisory", "soft-mandatory", "hard-mandatory", "disabled"]
Outcome = Literal["pass", "fail", "waived", "unknown"]


@dataclass(frozen=True, slots=True)
class Finding:
    """The result of one policy on one resource (or on the whole change)."""

    policy_id: str
    level: Level
    outcome: Outcome
    address: str | None  # None for a change-wide (aggregate) policy
    message: str
    blocking: bool  # this finding makes `check` exit 1
    evidence: Mapping[str, Any] = field(default_factory=dict)
    group: str | None = None  # aggregate group, e.g. "team=ml-research"
    waiver: Mapping[str, str] | None = None  # id, reason, approver, expires of the covering waiver
    location: SourceLocation | None = None  # where the resource is defined
    policy_file: str | None = None
