"""What a caller sets on top of a scenario's policy, and its one plain-data form.

A setting travels far: from a slider into a cache key, into a shareable link, into a saved
option or a decision record, and back from a command line. So it has exactly one
serialisation, :meth:`Settings.to_dict` / :meth:`Settings.from_dict` (JSON-safe plain data),
and one canonical text of it, :meth:`Settings.key`, which is also what a ``Settings`` hashes
by. Everything else (caches, links, stored options) is built on those two.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from govdecide.errors import Problem, ScenarioError

SOLVERS = ("highs", "cbc")
METHODS = ("auto", "milp", "structured")
DEFAULT_TIME_LIMIT_S = 30.0
DEFAULT_GAP = 1e-4
UNLIMITED = "unlimited"  # ``staff`` in plain data when there is no staff limit


@dataclass(frozen=True)
class Settings:
    """What the caller (a slider, the command line) sets on top of the scenario's policy.

    ``None`` means "as in the scenario". ``staff`` uses ``math.inf`` for "no staff limit".
    ``integer=False`` relaxes every program to continuous units (the LP of the benchmark).
    Two settings that mean the same are equal and hash alike (weights in any order).
    """

    budget: float | None = None
    staff: float | None = None
    equity_weight: float | None = None
    weights: Mapping[str, float] = field(default_factory=dict)
    solver: str | None = None
    time_limit_s: float | None = None
    gap: float | None = None
    integer: bool = True
    method: str = "auto"

    def with_(self, **changes: object) -> Settings:
        """A copy with some settings changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data: every field, weights sorted, no staff limit as "unlimited"."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["weights"] = {k: float(v) for k, v in sorted(self.weights.items())}
        if out["staff"] == math.inf:
            out["staff"] = UNLIMITED
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """The inverse of :meth:`to_dict`; unknown keys are ignored (older saved files)."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("staff") == UNLIMITED:
            values["staff"] = math.inf
        weights = values.get("weights") or {}
        if not isinstance(weights, Mapping):
            raise ScenarioError([Problem("weights", "setting_weights", {"got": repr(weights)})])
        values["weights"] = dict(weights)
        return cls(**values)

    def key(self) -> str:
        """The canonical text of :meth:`to_dict` (sorted keys): a cache key, a record's key."""
        return json.dumps(self.to_dict(), sort_keys=True, allow_nan=False)

    @classmethod
    def from_key(cls, key: str) -> Settings:
        """The settings back from :meth:`key`."""
        return cls.from_dict(json.loads(key))

    def __hash__(self) -> int:
        """By :meth:`key`, so that equal settings hash alike although weights are a dict."""
        return hash(self.key())

    def check(self, programs: Collection[str]) -> None:
        """Reject settings that cannot be used, all at once, in plain words.

        ``programs`` are the scenario's program ids (a weight must name one of them).
        """
        problems = _problems(self)
        for pid, w in self.weights.items():
            if pid not in programs:
                problems.append(Problem(f"weight.{pid}", "unknown_program_weight", {"got": pid}))
            elif not (_finite(w) and w >= 0):
                problems.append(Problem(f"weight.{pid}", "setting_negative", {"got": w}))
        if problems:
            raise ScenarioError(problems)


def _finite(value: float | None) -> bool:
    """None, or a finite number (an integer beyond the float range is not one)."""
    if value is None:
        return True
    if not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _problems(s: Settings) -> list[Problem]:
    """What is wrong with the settings' numbers and names, as catalogue problems."""
    checks = [
        ("budget", "setting_negative", s.budget, s.budget is None
         or (_finite(s.budget) and s.budget >= 0)),
        ("staff", "setting_negative", s.staff, s.staff is None or s.staff == math.inf
         or (_finite(s.staff) and s.staff >= 0)),
        ("equity_weight", "setting_range01", s.equity_weight, s.equity_weight is None
         or (_finite(s.equity_weight) and 0 <= s.equity_weight <= 1)),
        ("time_limit", "setting_positive", s.time_limit_s, s.time_limit_s is None
         or (_finite(s.time_limit_s) and s.time_limit_s > 0)),
        ("gap", "setting_range01", s.gap, s.gap is None or (_finite(s.gap) and 0 <= s.gap <= 1)),
        ("solver", "unknown_solver", s.solver, s.solver is None or s.solver in SOLVERS),
        ("method", "unknown_method", s.method, s.method in METHODS),
    ]  # fmt: skip
    return [Problem(path, code, {"got": got}) for path, code, got, ok in checks if not ok]
