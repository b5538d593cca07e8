"""From submissions to the parameters of a plan: each participant's, and the room's.

**Weights as shares.** The model's objective does not change when every weight is
multiplied by the same number (E and each district's coverage divide by the weighted need),
so only proportions matter. A room's weights are therefore kept as shares that sum to 1
over all programs: the programs the room does not set keep the share the scenario gives
them, and the room's programs share the rest, m_S = sum of their scenario weights / sum of
all, in proportion to the priorities given. A participant's own plan is the optimizer on
their shares (which is the same plan as on their raw priorities when the room sets every
program).

**Combining.** For each program the room sets, the participants' shares are combined by the
rule the facilitator picks, then renormalised so the room's programs again share m_S:

- ``mean``: the arithmetic mean (already sums to m_S; renormalising only removes rounding);
- ``median``: the median of each program's shares (the mean of the middle two for an
  even count), then renormalised;
- ``geometric``: the geometric mean, then renormalised; a zero is a veto (a program one
  participant gave priority 0 gets 0), and when every program is vetoed the rule gives no
  weights (``Combined.reason`` says so) rather than a plan nobody asked for.

The equity weight and the lowest coverage are single numbers in [0, 1], not shares: the
median rule takes their median, the mean and geometric rules their arithmetic mean (a
geometric mean would let one participant's 0 veto equity for the whole room).
Combining never depends on the order of the submissions.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from govdecide.io.scenario import Scenario
from govdecide.model.settings import Settings
from govdecide.rooms.params import RULES, RoomConfig, Submission

ZERO = 1e-12  # a combined share at or below this is no weight at all


@dataclass(frozen=True)
class PlanParams:
    """The parameters of one plan: weight shares (summing to 1 over all programs), the
    equity weight, and a lowest coverage (None: no floor)."""

    weights: Mapping[str, float] = field(default_factory=dict)
    equity_weight: float = 0.0
    floor: float | None = None

    def settings(self, base: Settings | None = None) -> Settings:
        """The engine's settings: ``base`` (budget, solver, time limit...) with these
        weights and equity weight (the floor is a bound the solver sets, not a setting)."""
        return (base or Settings()).with_(
            weights=dict(self.weights), equity_weight=float(self.equity_weight)
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data, weights sorted by program id."""
        return {
            "weights": {k: float(v) for k, v in sorted(self.weights.items())},
            "equity_weight": float(self.equity_weight),
            "floor": None if self.floor is None else float(self.floor),
        }

    def key(self) -> str:
        """The canonical text of :meth:`to_dict`: a plan's cache key."""
        return json.dumps(self.to_dict(), sort_keys=True, allow_nan=False)


@dataclass(frozen=True)
class Combined:
    """What a rule makes of the submissions: the room's parameters, or why there are none.

    ``reason`` is ``None``, ``"no_submissions"`` or ``"all_vetoed"`` (no program keeps a
    weight); ``count`` is the number of submissions combined.
    """

    rule: str
    count: int
    params: PlanParams | None
    reason: str | None = None


def scenario_shares(scenario: Scenario) -> dict[str, float]:
    """Each program's share of the scenario's own weights (all zero: equal shares)."""
    weights = {p.id: float(p.weight) for p in scenario.programs}
    total = sum(weights.values())
    if total <= 0:
        return {p: 1.0 / len(weights) for p in weights}
    return {p: w / total for p, w in weights.items()}


def room_mass(scenario: Scenario, config: RoomConfig) -> float:
    """m_S: the share of the weights that the room's programs split between them."""
    shares = scenario_shares(scenario)
    return sum(shares[p] for p in config.programs)


def participant_weights(
    scenario: Scenario, config: RoomConfig, priorities: Mapping[str, float]
) -> dict[str, float]:
    """A participant's shares over every program (sum 1): fixed programs keep the
    scenario's share, the room's programs split m_S in proportion to the priorities."""
    shares = scenario_shares(scenario)
    total = sum(float(priorities.get(p, 0.0)) for p in config.programs)
    mass = room_mass(scenario, config)
    out = dict(shares)
    for p in config.programs:
        out[p] = mass * float(priorities.get(p, 0.0)) / total if total > 0 else shares[p]
    return out


def participant_params(scenario: Scenario, config: RoomConfig, sub: Submission) -> PlanParams:
    """The parameters of a participant's own plan (what the room does not set is the
    scenario's own)."""
    equity = scenario.policy.equity_weight if sub.equity_weight is None else sub.equity_weight
    return PlanParams(
        weights=participant_weights(scenario, config, sub.priorities),
        equity_weight=float(equity),
        floor=sub.floor if config.floor else None,
    )


def _combine_values(values: Sequence[float], rule: str) -> float:
    """One program's shares combined (before renormalising)."""
    if rule == "median":
        return float(statistics.median(values))
    if rule == "geometric":
        if any(v <= 0 for v in values):
            return 0.0
        return math.exp(math.fsum(math.log(v) for v in values) / len(values))
    return math.fsum(values) / len(values)


def _combine_number(values: Sequence[float], rule: str) -> float:
    """A single number (equity weight, lowest coverage): median, else the mean."""
    if rule == "median":
        return float(statistics.median(values))
    return math.fsum(values) / len(values)


def combine(
    scenario: Scenario, config: RoomConfig, submissions: Sequence[Submission], rule: str
) -> Combined:
    """The room's parameters by ``rule`` (see the module docstring)."""
    if rule not in RULES:
        raise ValueError(f"unknown combining rule {rule!r}")
    if not submissions:
        return Combined(rule, 0, None, "no_submissions")
    own = [participant_params(scenario, config, s) for s in submissions]
    weights = dict(scenario_shares(scenario))
    if config.programs:
        raw = {p: _combine_values([o.weights[p] for o in own], rule) for p in config.programs}
        total = math.fsum(raw.values())
        if total <= ZERO:
            return Combined(rule, len(own), None, "all_vetoed")
        mass = room_mass(scenario, config)
        weights.update({p: mass * v / total for p, v in raw.items()})
    fixed = math.fsum(v for p, v in weights.items() if p not in config.programs)
    room = math.fsum(weights[p] for p in config.programs)
    scale = 1.0 / (fixed + room)  # exactly 1 up to rounding; said again so sums are 1
    params = PlanParams(
        weights={p: v * scale for p, v in weights.items()},
        equity_weight=_combine_number([o.equity_weight for o in own], rule),
        floor=_combine_number([o.floor or 0.0 for o in own], rule) if config.floor else None,
    )
    return Combined(rule, len(own), params)


def combine_all(
    scenario: Scenario, config: RoomConfig, submissions: Sequence[Submission]
) -> dict[str, Combined]:
    """Every rule's result, for showing them side by side."""
    return {rule: combine(scenario, config, submissions, rule) for rule in RULES}
