"""What a caller sets on a plan over several years, on top of the single-year settings.

The single-year :class:`~govdecide.model.settings.Settings` (budget, staff, equity weight,
weights, solver, limits, method) still apply; a plan adds its length, budgets per year (or
a growth of the budget per year), a discount rate and whether need grows (MODEL.md, "Plans
over several years (v1.1)"). Like ``Settings`` it has one plain-data form
(:meth:`PlanSettings.to_dict` / :meth:`PlanSettings.from_dict`), so that a link, a saved
option or the command line carry it the same way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from govdecide.errors import Problem, ScenarioError
from govdecide.io.scenario_schema import MAX_YEARS

# Where a plan's settings sit beside the single-year settings' plain data (a saved option,
# a decision, a story step, a Compare options file): one key, so that all read alike.
PLAN_KEY = "plan"


@dataclass(frozen=True)
class PlanSettings:
    """A plan's own settings; ``None`` means "as in the scenario".

    ``budget_by_year`` gives every year's budget (as many as ``years``); otherwise each
    year has the single-year budget (the caller's, else the scenario's, per year), and
    ``budget_growth`` then makes year t's budget (1 + growth)^(t-1) times the first year's.
    ``growth=False`` keeps every district's need at its first year's (no need growth).

    Two assumptions a workshop may set where the scenario file is silent, each shown as
    an assumption: ``running_share`` gives every program without a ``running_cost`` one
    of that share of its unit cost per year; ``need_growth`` gives every district without
    a ``growth`` that yearly growth of its need.
    """

    years: int | None = None
    budget_by_year: tuple[float, ...] | None = None
    budget_growth: float | None = None
    staff_by_year: tuple[float, ...] | None = None
    discount_rate: float | None = None
    growth: bool = True
    running_share: float | None = None
    need_growth: float | None = None

    def with_(self, **changes: object) -> PlanSettings:
        """A copy with some settings changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data: every field, the yearly lists as lists."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        for key in ("budget_by_year", "staff_by_year"):
            if out[key] is not None:
                out[key] = [float(v) for v in out[key]]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanSettings:
        """The inverse of :meth:`to_dict`; unknown keys are ignored (older saved files)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in ("budget_by_year", "staff_by_year"):
            value = values.get(key)
            if value is not None:
                if not isinstance(value, (list, tuple)):
                    raise ScenarioError([Problem(key, "plan_not_list", {"got": repr(value)})])
                values[key] = tuple(value)
        return cls(**values)

    def key(self) -> str:
        """The canonical text of :meth:`to_dict` (a cache key)."""
        return json.dumps(self.to_dict(), sort_keys=True, allow_nan=False)

    def check(self) -> None:
        """Reject settings a plan cannot use, all at once, in plain words."""
        problems = []
        years = self.years
        if years is not None and not (
            isinstance(years, int) and not isinstance(years, bool) and 1 <= years <= MAX_YEARS
        ):
            problems.append(Problem("years", "plan_years", {"got": years, "max": MAX_YEARS}))
        for key in ("budget_by_year", "staff_by_year"):
            values = getattr(self, key)
            if values is not None and not all(_nonneg(v) for v in values):
                problems.append(Problem(key, "setting_negative", {"got": list(values)}))
        if not isinstance(self.growth, bool):
            problems.append(Problem("growth", "not_bool", {"got": repr(self.growth)[:40]}))
        if self.budget_growth is not None and not (
            _finite(self.budget_growth) and -1 < self.budget_growth <= 1
        ):
            problems.append(Problem("budget_growth", "plan_growth", {"got": self.budget_growth}))
        if self.running_share is not None and not (
            _finite(self.running_share) and 0 <= self.running_share <= 1
        ):
            problems.append(
                Problem("running_share", "setting_range01", {"got": self.running_share})
            )
        if self.need_growth is not None and not (
            _finite(self.need_growth) and -1 < self.need_growth <= 1
        ):
            problems.append(Problem("need_growth", "plan_growth", {"got": self.need_growth}))
        if self.discount_rate is not None and not (
            _finite(self.discount_rate) and 0 <= self.discount_rate <= 1
        ):
            problems.append(
                Problem("discount_rate", "setting_range01", {"got": self.discount_rate})
            )
        if problems:
            raise ScenarioError(problems)


def _finite(value: object) -> bool:
    """A real, finite number (not a bool, not text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _nonneg(value: object) -> bool:
    """A finite number >= 0."""
    return _finite(value) and float(value) >= 0  # type: ignore[arg-type]
