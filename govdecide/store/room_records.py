"""What the store hands back about rooms: plain frozen records, detached from the database.

A page may keep them in its session; nothing in them opens anything (no secret, no token).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from govdecide.rooms.params import RoomConfig, Submission

OPEN, CLOSED = "open", "closed"


@dataclass(frozen=True)
class RoundInfo:
    """A round's number and state: open (taking submissions), closed, revealed.

    ``shown`` is what the facilitator revealed: ``{"params": ..., "count": n}`` (the
    room's parameters as :meth:`govdecide.rooms.PlanParams.to_dict` and the number of
    submissions they combine), None before the reveal.
    """

    number: int
    rule: str
    opened_at: datetime
    closed_at: datetime | None
    revealed_at: datetime | None
    shown: dict[str, Any] | None = None

    @property
    def is_open(self) -> bool:
        """Whether participants may submit or change their submission."""
        return self.closed_at is None

    @property
    def revealed(self) -> bool:
        """Whether participants see the room's plan of this round."""
        return self.revealed_at is not None


@dataclass(frozen=True)
class RoomInfo:
    """What anyone holding the room's code may know about it (no submission, no name)."""

    code: str
    state: str
    rule: str
    config: RoomConfig
    scenario_id: str
    scenario_hash: str
    source: str
    max_seats: int
    created_at: datetime
    round: RoundInfo
    seats: int
    submitted: int  # submissions in the current round

    @property
    def is_open(self) -> bool:
        """Whether the room still takes participants (it may be between rounds)."""
        return self.state == OPEN


@dataclass(frozen=True)
class SubmissionRecord:
    """A submission as the facilitator sees it: seat number, name (None: anonymous)."""

    seat: int
    name: str | None
    round: int
    submission: Submission
    changes: int
    submitted_at: datetime
