"""What participants of a room may set, what one of them submits, and the room's limits.

The facilitator chooses, per room, which parameters are the room's to set
(:class:`RoomConfig`): the priority of some or all programs, the equity weight, and
optionally a lowest coverage that every district must reach. A participant's
:class:`Submission` holds only those: a priority from 0 to :data:`PRIORITY_MAX` for each
chosen program (a phone's slider in whole steps; only their proportions matter, see
:mod:`govdecide.rooms.combine`), an equity weight in [0, 1] and a lowest coverage in [0, 1].

Both have one plain-data form (``to_dict`` / ``from_dict``), which is what the store keeps
as JSON and what a cache key is made of. Everything a stranger sends is checked here, at
the door, and every refusal is a :class:`~govdecide.errors.ScenarioError` with catalogue
messages (in the participant's language), never a traceback.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from govdecide.errors import Problem, ScenarioError, input_error
from govdecide.io.scenario import Scenario

PRIORITY_MAX = 10.0
PRIORITY_DEFAULT = 5.0
RULES: tuple[str, ...] = ("mean", "median", "geometric")


@dataclass(frozen=True)
class RoomLimits:
    """How much a room takes; reaching a limit is a message, never a crash or a slowdown.

    ``participants``: seats per room (the issue asks for at least 200).
    ``name_chars``: the longest display name. ``changes_per_round``: how often one
    participant may submit in one round. ``seconds_between``: the least time between two
    submissions of one participant (a phone's double tap, a script hammering the server).
    """

    participants: int = 250
    name_chars: int = 40
    changes_per_round: int = 30
    seconds_between: float = 1.0


@dataclass(frozen=True)
class RoomConfig:
    """Which parameters a room's participants set.

    ``programs`` are the ids of the programs whose priority they set (scenario order);
    the others keep the scenario's weight. ``equity``: they set the equity weight, else it
    is the scenario's. ``floor``: they set a lowest coverage every district must reach.
    """

    programs: tuple[str, ...] = ()
    equity: bool = True
    floor: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data."""
        return {"programs": list(self.programs), "equity": self.equity, "floor": self.floor}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoomConfig:
        """The inverse of :meth:`to_dict` (what the store kept)."""
        return cls(
            programs=tuple(str(p) for p in data.get("programs", ())),
            equity=bool(data.get("equity", True)),
            floor=bool(data.get("floor", False)),
        )

    @property
    def anything(self) -> bool:
        """Whether participants set anything at all."""
        return bool(self.programs) or self.equity or self.floor


def check_config(config: RoomConfig, scenario: Scenario) -> RoomConfig:
    """The config in the scenario's program order, or a ScenarioError saying what is wrong.

    One program alone is refused: priorities count only in proportion to each other, so a
    single program's priority could change nothing (see :mod:`govdecide.rooms.combine`).
    """
    known = [p.id for p in scenario.programs]
    problems = [
        Problem(f"programs.{p}", "unknown_program_weight", {"got": p})
        for p in config.programs
        if p not in known
    ]
    if problems:
        raise ScenarioError(problems)
    if len(set(config.programs)) == 1:
        raise input_error("room_one_program", path="programs")
    if not config.anything:
        raise input_error("room_nothing_to_set", path="room")
    ordered = tuple(p for p in known if p in set(config.programs))
    return RoomConfig(programs=ordered, equity=config.equity, floor=config.floor)


@dataclass(frozen=True)
class Submission:
    """What one participant submitted: priorities of the room's programs, equity weight
    and lowest coverage (None where the room does not let them set it)."""

    priorities: Mapping[str, float] = field(default_factory=dict)
    equity_weight: float | None = None
    floor: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-safe data, priorities sorted by program id."""
        return {
            "priorities": {k: float(v) for k, v in sorted(self.priorities.items())},
            "equity_weight": self.equity_weight,
            "floor": self.floor,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Submission:
        """The inverse of :meth:`to_dict` (no checks: use :func:`check_submission` for
        anything that did not come from the store)."""
        priorities = data.get("priorities") or {}
        return cls(
            priorities={str(k): float(v) for k, v in dict(priorities).items()},
            equity_weight=_maybe_float(data.get("equity_weight")),
            floor=_maybe_float(data.get("floor")),
        )

    def key(self) -> str:
        """The canonical text of :meth:`to_dict` (a cache key)."""
        return json.dumps(self.to_dict(), sort_keys=True, allow_nan=False)


def _maybe_float(value: Any) -> float | None:
    """A stored number back as a float (None stays None)."""
    return None if value is None else float(value)


def _number(value: Any, path: str, high: float) -> float:
    """A finite number in [0, high], or the ScenarioError that says why not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise input_error("not_number", path=path, got=str(value)[:40])
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number) or not 0 <= number <= high:
        raise input_error("room_out_of_range", path=path, got=str(value)[:40], high=high)
    return number


def default_submission(config: RoomConfig, scenario: Scenario) -> Submission:
    """Where a participant's sliders start: every priority in the middle, the scenario's
    own equity weight, no lowest coverage."""
    return Submission(
        priorities=dict.fromkeys(config.programs, PRIORITY_DEFAULT),
        equity_weight=float(scenario.policy.equity_weight) if config.equity else None,
        floor=0.0 if config.floor else None,
    )


def check_submission(config: RoomConfig, data: Any) -> Submission:
    """A stranger's submission as the room's config allows it, or a ScenarioError.

    Every chosen program needs a priority in [0, :data:`PRIORITY_MAX`] and at least one
    above zero; the equity weight and the lowest coverage are shares in [0, 1], required
    when the room sets them and refused when it does not.
    """
    if isinstance(data, Submission):
        data = data.to_dict()
    if not isinstance(data, Mapping):
        raise input_error("not_mapping", path="submission", got=type(data).__name__)
    raw = data.get("priorities") or {}
    if not isinstance(raw, Mapping):
        raise input_error("not_mapping", path="priorities", got=type(raw).__name__)
    extra = sorted(str(k) for k in raw if k not in config.programs)
    if extra:
        raise input_error("room_not_settable", path=f"priorities.{extra[0][:40]}")
    priorities = {}
    for program in config.programs:
        if program not in raw:
            raise input_error("room_missing", path=f"priorities.{program}")
        priorities[program] = _number(raw[program], f"priorities.{program}", PRIORITY_MAX)
    if priorities and not any(v > 0 for v in priorities.values()):
        raise input_error("room_all_zero", path="priorities")
    return Submission(
        priorities=priorities,
        equity_weight=_share(data, "equity_weight", config.equity),
        floor=_share(data, "floor", config.floor),
    )


def _share(data: Mapping[str, Any], name: str, settable: bool) -> float | None:
    """A share the room sets (required), or None where it does not (refused if given)."""
    value = data.get(name)
    if not settable:
        if value is not None:
            raise input_error("room_not_settable", path=name)
        return None
    if value is None:
        raise input_error("room_missing", path=name)
    return _number(value, name, 1.0)
