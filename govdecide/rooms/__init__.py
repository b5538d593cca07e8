"""Workshop rooms: participants set priorities, the optimizer shows the room's plan.

A room lets the people in a workshop say what matters to them and see, at once, what the
exact optimizer does with it. This package is the pure part (no database, no Streamlit):

- :mod:`.codes`: the room's short code, the facilitator's secret, each seat's token;
- :mod:`.params`: which parameters a room sets (:class:`RoomConfig`), what one participant
  submits (:class:`Submission`, checked at the door), the room's limits;
- :mod:`.combine`: weights as shares, the combining rules (mean, median, geometric mean),
  each participant's own parameters and the room's (:class:`PlanParams`);
- :mod:`.plans`: :class:`RoomSolver` (each distinct parameter set solved once, models
  reused) and each participant's :func:`satisfaction` with a plan;
- :mod:`.rounds`: the spread of opinion, the rules side by side, rounds compared.

The store keeps rooms, seats and submissions (:mod:`govdecide.store.rooms`); the pages are
``app_pages/workshop.py`` (facilitator) and ``app_pages/room.py`` (participant).

    >>> from govdecide.rooms import RoomConfig, Submission, combine, RoomSolver
    >>> config = RoomConfig(programs=("clinic", "school"), equity=True)
    >>> subs = [Submission({"clinic": 10, "school": 0}, 0.2),
    ...         Submission({"clinic": 0, "school": 10}, 0.6)]
    >>> room = combine(scenario, config, subs, "median").params
    >>> RoomSolver(scenario).solve(room).status
"""

from govdecide.rooms.codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    new_room_code,
    new_secret,
    normalise_code,
    secret_hash,
    secret_matches,
)
from govdecide.rooms.combine import (
    Combined,
    PlanParams,
    combine,
    combine_all,
    participant_params,
    participant_weights,
    scenario_shares,
)
from govdecide.rooms.params import (
    PRIORITY_DEFAULT,
    PRIORITY_MAX,
    RULES,
    RoomConfig,
    RoomLimits,
    Submission,
    check_config,
    check_submission,
    default_submission,
)
from govdecide.rooms.plans import RoomSolver, Satisfaction, satisfaction, satisfactions
from govdecide.rooms.rounds import (
    RoundSummary,
    combined_frame,
    parameter_ids,
    plan_change,
    round_comparison,
    spread_frame,
    spread_summary,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "PRIORITY_DEFAULT",
    "PRIORITY_MAX",
    "RULES",
    "Combined",
    "PlanParams",
    "RoomConfig",
    "RoomLimits",
    "RoomSolver",
    "RoundSummary",
    "Satisfaction",
    "Submission",
    "check_config",
    "check_submission",
    "combine",
    "combine_all",
    "combined_frame",
    "default_submission",
    "new_room_code",
    "new_secret",
    "normalise_code",
    "parameter_ids",
    "participant_params",
    "participant_weights",
    "plan_change",
    "round_comparison",
    "satisfaction",
    "satisfactions",
    "scenario_shares",
    "secret_hash",
    "secret_matches",
    "spread_frame",
    "spread_summary",
]
