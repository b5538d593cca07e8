"""Workshop rooms in the store: rooms, their rounds, seats and submissions.

Everything a room is lives here, so a refresh, a reconnect, a server restart or a second
server sharing PostgreSQL loses nothing. Four tables on the store's declarative base
(created by migration ``0002``): ``rooms`` (the code, the sha256 of the facilitator's
secret, the workspace whose decision log the room writes to and the scenario it uses),
``room_rounds`` (numbered from 1; open until closed, then maybe revealed),
``room_seats`` (a participant: the sha256 of their token, a seat number, a display name
or none) and ``room_submissions`` (one per seat and round, replaced when changed).

Who may do what is decided by what a caller holds: the room code lets a person
:meth:`RoomStore.join` and read the room's public state; a seat's token opens that
:class:`Seat` only, which changes only its own submission; the facilitator's secret opens
:class:`HostRoom`, the only way to open, close and reveal rounds, read submissions, record
the decision and close the room. Each method is one transaction (see
:mod:`.transactions`); a room's writers queue on the room's row (``FOR UPDATE`` on
PostgreSQL; SQLite has one writer anyway), and submitters take it shared (``FOR SHARE``),
so many submit at once while a closing round waits for them. SQL only through the ORM's
bound parameters.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from govdecide.errors import input_error
from govdecide.rooms.codes import (
    is_secret,
    new_room_code,
    new_secret,
    normalise_code,
    secret_hash,
    secret_matches,
)
from govdecide.rooms.combine import PlanParams
from govdecide.rooms.params import RULES, RoomConfig, RoomLimits, Submission, check_submission
from govdecide.store.map_tables import MapRow
from govdecide.store.records import StoredScenario, check_text
from govdecide.store.room_records import (
    CLOSED,
    OPEN,
    RoomInfo,
    RoundInfo,
    SubmissionRecord,
)
from govdecide.store.schema import (
    HASH_CHARS,
    ID_CHARS,
    SHORT_CHARS,
    Base,
    ScenarioRow,
    UTCDateTime,
)
from govdecide.store.transactions import Database
from govdecide.store.workspace import Workspace

if TYPE_CHECKING:
    from govdecide.model.result import Result
    from govdecide.model.settings import Settings
    from govdecide.store.records import Decision

CODE_CHARS = 8
CODE_ATTEMPTS = 8  # a new code that is taken is drawn again (2.4e8 codes: almost never)


class RoomRow(Base):
    """A room: found by its code; steered only by the holder of the secret's preimage."""

    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(CODE_CHARS), unique=True, nullable=False)
    host_hash: Mapped[str] = mapped_column(String(HASH_CHARS), unique=True, nullable=False)
    workspace_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False
    )
    scenario_id: Mapped[str] = mapped_column(String(ID_CHARS), nullable=False)
    scenario_hash: Mapped[str] = mapped_column(String(HASH_CHARS), nullable=False)
    source: Mapped[str] = mapped_column(String(ID_CHARS), nullable=False)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    rule: Mapped[str] = mapped_column(String(SHORT_CHARS), nullable=False)
    state: Mapped[str] = mapped_column(String(SHORT_CHARS), nullable=False)
    max_seats: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


def _room_fk() -> Mapped[int]:
    """The owning room: its rounds, seats and submissions go when it is deleted."""
    return mapped_column(Integer, ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False)


class RoundRow(Base):
    """A round of a room, numbered from 1; the newest is the current one."""

    __tablename__ = "room_rounds"
    __table_args__ = (UniqueConstraint("room_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = _room_fk()
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    rule: Mapped[str] = mapped_column(String(SHORT_CHARS), nullable=False)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # what the facilitator revealed: the room's parameters and how many submissions made
    # them (participants read these, never the submissions themselves)
    revealed: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class SeatRow(Base):
    """A participant of a room: the hash of their token, a seat number, a name or none."""

    __tablename__ = "room_seats"
    __table_args__ = (UniqueConstraint("room_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = _room_fk()
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    token_hash: Mapped[str] = mapped_column(String(HASH_CHARS), unique=True, nullable=False)
    name: Mapped[str | None] = mapped_column(String(ID_CHARS), nullable=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


class SubmissionRow(Base):
    """A seat's submission in a round (one per seat and round, replaced when changed)."""

    __tablename__ = "room_submissions"
    __table_args__ = (UniqueConstraint("seat_id", "round"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = _room_fk()
    seat_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("room_seats.id", ondelete="CASCADE"), nullable=False
    )
    round: Mapped[int] = mapped_column(Integer, nullable=False)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    changes: Mapped[int] = mapped_column(Integer, nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)


def _now() -> datetime:
    """The time of a write, aware UTC."""
    return datetime.now(UTC)


def _round_info(row: RoundRow) -> RoundInfo:
    """A round row as a record."""
    shown = None if row.revealed is None else dict(row.revealed)
    return RoundInfo(row.number, row.rule, row.opened_at, row.closed_at, row.revealed_at, shown)


def _current_round(session: Session, room_id: int) -> RoundRow:
    """The newest round of a room (every room has one from its creation)."""
    query = select(RoundRow).where(RoundRow.room_id == room_id)
    return session.scalars(query.order_by(RoundRow.number.desc()).limit(1)).one()


def _lock_room(session: Session, room_id: int, shared: bool = False) -> RoomRow:
    """The room's row, held until the transaction ends (shared for submitters)."""
    query = select(RoomRow).where(RoomRow.id == room_id)
    return session.scalars(query.with_for_update(read=shared)).one()


def _info(session: Session, room: RoomRow) -> RoomInfo:
    """Everything public about a room, read in one transaction."""
    current = _current_round(session, room.id)
    seats = session.scalar(select(func.count(SeatRow.id)).where(SeatRow.room_id == room.id))
    submitted = session.scalar(
        select(func.count(SubmissionRow.id)).where(
            SubmissionRow.room_id == room.id, SubmissionRow.round == current.number
        )
    )
    return RoomInfo(
        code=room.code, state=room.state, rule=room.rule,
        config=RoomConfig.from_dict(room.config), scenario_id=room.scenario_id,
        scenario_hash=room.scenario_hash, source=room.source, max_seats=room.max_seats,
        created_at=room.created_at, round=_round_info(current), seats=seats or 0,
        submitted=submitted or 0,
    )  # fmt: skip


class RoomStore:
    """The rooms of one database; from a :class:`~govdecide.store.Store`'s ``rooms``."""

    def __init__(self, database: Database, limits: RoomLimits | None = None) -> None:
        self._db = database
        self.limits = limits or RoomLimits()

    def create_room(
        self,
        workspace: Workspace,
        scenario: StoredScenario,
        config: RoomConfig,
        *,
        rule: str = "median",
        source: str = "",
    ) -> tuple[HostRoom, str]:
        """Open a room on a scenario stored in ``workspace`` (whose decision log it
        writes to); returns the facilitator's handle and secret (shown once, in a link).

        ``config`` should have passed :func:`govdecide.rooms.check_config`; ``source``
        names where the scenario came from (a bundled file's name, for its map). Round 1
        is open at once.
        """
        if rule not in RULES:
            raise input_error("store_bad_choice", path="rule", got=str(rule)[:40],
                              choices=", ".join(RULES))  # fmt: skip
        secret = new_secret()
        source = check_text(source, "source")

        def work(session: Session) -> int:
            taken = set(session.scalars(select(RoomRow.code)))
            code = next((c for c in (new_room_code() for _ in range(CODE_ATTEMPTS))
                         if c not in taken), None)  # fmt: skip
            if code is None:
                raise input_error("room_no_code")
            now = _now()
            room = RoomRow(
                code=code, host_hash=secret_hash(secret), workspace_id=workspace.row_id,
                scenario_id=scenario.id, scenario_hash=scenario.sha256, source=source,
                config=config.to_dict(), rule=rule, state=OPEN,
                max_seats=self.limits.participants, created_at=now,
            )  # fmt: skip
            session.add(room)
            session.flush()
            session.add(RoundRow(room_id=room.id, number=1, rule=rule, opened_at=now))
            session.flush()
            return room.id

        room_id = self._db.write(work)
        return HostRoom(self, room_id), secret

    def _room_id(self, code: object) -> int | None:
        """The id of the room with this code (as typed), or None."""
        clean = normalise_code(code)
        if clean is None:
            return None
        query = select(RoomRow.id).where(RoomRow.code == clean)
        return self._db.read(lambda session: session.scalar(query))

    def info(self, code: object) -> RoomInfo | None:
        """The public state of the room with this code, or None (no such room)."""
        room_id = self._room_id(code)
        return None if room_id is None else self._info(room_id)

    def _info(self, room_id: int) -> RoomInfo:
        """The public state of a room by id."""
        return self._db.read(lambda session: _info(session, session.get_one(RoomRow, room_id)))

    def scenario_text(self, code: object) -> str:
        """The YAML text of the room's scenario, as stored in its workspace (public: every
        participant's own plan is solved on it)."""
        room_id = self._room_id(code)
        if room_id is None:
            raise input_error("room_not_found", path="room")

        def work(session: Session) -> str:
            room = session.get_one(RoomRow, room_id)
            query = select(ScenarioRow.yaml).where(
                ScenarioRow.workspace_id == room.workspace_id,
                ScenarioRow.sha256 == room.scenario_hash,
            )
            return session.scalars(query).one()

        return self._db.read(work)

    def map_text(self, code: object, reference: str) -> str | None:
        """The TopoJSON text of a map the room's scenario draws, as stored in its workspace
        (public like the scenario: the room's plan is drawn on it); None when there is none."""
        room_id = self._room_id(code)
        if room_id is None:
            return None

        def work(session: Session) -> str | None:
            room = session.get_one(RoomRow, room_id)
            query = select(MapRow.topojson).where(
                MapRow.workspace_id == room.workspace_id, MapRow.reference == reference
            )
            return session.scalars(query).first()

        return self._db.read(work)

    def host(self, code: object, secret: object) -> HostRoom | None:
        """The facilitator's handle, for the right code and secret only (else None)."""
        room_id = self._room_id(code)
        if room_id is None or not is_secret(secret):
            return None
        stored = self._db.read(lambda s: s.get_one(RoomRow, room_id).host_hash)
        return HostRoom(self, room_id) if secret_matches(secret, stored) else None

    def seat(self, code: object, token: object) -> Seat | None:
        """A participant's seat in the room with this code, for its own token only."""
        room_id = self._room_id(code)
        if room_id is None or not is_secret(token):
            return None
        query = select(SeatRow.id).where(
            SeatRow.room_id == room_id, SeatRow.token_hash == secret_hash(str(token))
        )
        seat_id = self._db.read(lambda session: session.scalar(query))
        return None if seat_id is None else Seat(self, room_id, seat_id)

    def join(self, code: object, name: str | None = None) -> tuple[Seat, str]:
        """Take a seat in an open room; returns the seat and its token (for the link).

        ``name`` is a display name (trimmed, at most ``limits.name_chars`` characters, no
        control characters) or None to stay anonymous. A full or closed room, or no room,
        raises :class:`~govdecide.errors.ScenarioError`.
        """
        room_id = self._room_id(code)
        if room_id is None:
            raise input_error("room_not_found", path="room")
        clean = None
        if name is not None:
            clean = check_text(name, "name", self.limits.name_chars).strip() or None
        token = new_secret()

        def work(session: Session) -> int:
            room = _lock_room(session, room_id)
            if room.state != OPEN:
                raise input_error("room_closed", path="room")
            count = session.scalar(select(func.count(SeatRow.id)).where(SeatRow.room_id == room_id))
            if (count or 0) >= room.max_seats:
                raise input_error("room_full", path="room", limit=room.max_seats)
            last = session.scalar(
                select(func.max(SeatRow.number)).where(SeatRow.room_id == room_id)
            )
            seat = SeatRow(room_id=room_id, number=(last or 0) + 1, token_hash=secret_hash(token),
                           name=clean, joined_at=_now())  # fmt: skip
            session.add(seat)
            session.flush()
            return seat.id

        return Seat(self, room_id, self._db.write(work)), token


class Seat:
    """One participant's seat: reads the room's public state, changes only its own
    submission."""

    def __init__(self, rooms: RoomStore, room_id: int, seat_id: int) -> None:
        self._rooms = rooms
        self._db = rooms._db
        self._room_id = room_id
        self._seat_id = seat_id

    def __repr__(self) -> str:
        """No token in logs."""
        return f"<Seat #{self._seat_id} of room #{self._room_id}>"

    def info(self) -> RoomInfo:
        """The room's public state."""
        return self._rooms._info(self._room_id)

    def identity(self) -> tuple[int, str | None]:
        """This seat's number and display name (None: anonymous)."""
        row = self._db.read(lambda session: session.get_one(SeatRow, self._seat_id))
        return row.number, row.name

    def submit(self, data: Submission | dict[str, Any]) -> SubmissionRecord:
        """Submit (or change) this seat's answer in the current round, while it is open.

        Checked against the room's config (:func:`govdecide.rooms.check_submission`);
        a closed round, a closed room, too many changes or changes too fast raise
        :class:`~govdecide.errors.ScenarioError`.
        """
        limits = self._rooms.limits

        def work(session: Session) -> SubmissionRecord:
            room = _lock_room(session, self._room_id, shared=True)
            if room.state != OPEN:
                raise input_error("room_closed", path="room")
            current = _current_round(session, room.id)
            if current.closed_at is not None:
                raise input_error("room_round_closed", path="round", round=current.number)
            submission = check_submission(RoomConfig.from_dict(room.config), data)
            row = session.scalars(select(SubmissionRow).where(
                SubmissionRow.seat_id == self._seat_id, SubmissionRow.round == current.number
            )).first()  # fmt: skip
            now = _now()
            if row is None:
                row = SubmissionRow(room_id=room.id, seat_id=self._seat_id, round=current.number,
                                    params={}, changes=0, submitted_at=now)  # fmt: skip
                session.add(row)
            else:
                _check_rate(row, now, limits)
            row.params = submission.to_dict()
            row.changes += 1
            row.submitted_at = now
            session.flush()
            seat = session.get_one(SeatRow, self._seat_id)
            return _record(row, seat)

        return self._db.write(work)

    def submission(self, round_number: int | None = None) -> SubmissionRecord | None:
        """This seat's submission in a round (default: the current one), or None."""

        def work(session: Session) -> SubmissionRecord | None:
            number = round_number or _current_round(session, self._room_id).number
            row = session.scalars(select(SubmissionRow).where(
                SubmissionRow.seat_id == self._seat_id, SubmissionRow.round == number
            )).first()  # fmt: skip
            return None if row is None else _record(row, session.get_one(SeatRow, self._seat_id))

        return self._db.read(work)


def _check_rate(row: SubmissionRow, now: datetime, limits: RoomLimits) -> None:
    """Refuse a change made too soon after the last, or one too many in a round."""
    if row.changes >= limits.changes_per_round:
        raise input_error(
            "room_too_many_changes", path="submission", limit=limits.changes_per_round
        )
    if (now - row.submitted_at).total_seconds() < limits.seconds_between:
        raise input_error("room_too_fast", path="submission", seconds=limits.seconds_between)


def _record(row: SubmissionRow, seat: SeatRow) -> SubmissionRecord:
    """A submission row and its seat as a record."""
    return SubmissionRecord(
        seat=seat.number, name=seat.name, round=row.round,
        submission=Submission.from_dict(row.params), changes=row.changes,
        submitted_at=row.submitted_at,
    )  # fmt: skip


class HostRoom:
    """The facilitator's handle: rounds, the rule, submissions, the decision, closing."""

    def __init__(self, rooms: RoomStore, room_id: int) -> None:
        self._rooms = rooms
        self._db = rooms._db
        self._room_id = room_id

    def __repr__(self) -> str:
        """No secret in logs."""
        return f"<HostRoom #{self._room_id}>"

    def info(self) -> RoomInfo:
        """The room's state (what participants may know, and the counts)."""
        return self._rooms._info(self._room_id)

    def workspace(self) -> Workspace:
        """The workspace whose decision log the room writes to (its key is not known
        here: the database keeps only its hash)."""
        row = self._db.read(lambda session: session.get_one(RoomRow, self._room_id))
        return Workspace(self._db, row.workspace_id, None)

    def scenario_text(self) -> str:
        """The room's scenario text, as stored in its workspace."""
        return self._rooms.scenario_text(self.info().code)

    def _change(self, change: Any) -> RoomInfo:
        """Run ``change(session, room, current_round)`` under the room's lock."""

        def work(session: Session) -> RoomInfo:
            room = _lock_room(session, self._room_id)
            if room.state != OPEN:
                raise input_error("room_closed", path="room")
            change(session, room, _current_round(session, room.id))
            session.flush()
            return _info(session, room)

        return self._db.write(work)

    def close_round(self) -> RoomInfo:
        """Stop taking submissions in the current round (nothing happens if it is closed)."""

        def change(session: Session, room: RoomRow, current: RoundRow) -> None:
            if current.closed_at is None:
                current.closed_at = _now()
                current.rule = room.rule

        return self._change(change)

    def reveal(self, params: PlanParams | None, count: int) -> RoomInfo:
        """Show participants the room's plan of the current round (closing it first):
        ``params`` are the room's parameters (None: the rule gave none), ``count`` the
        submissions they combine. Revealing again replaces what was shown."""
        shown = {"params": None if params is None else params.to_dict(), "count": int(count)}

        def change(session: Session, room: RoomRow, current: RoundRow) -> None:
            now = _now()
            if current.closed_at is None:
                current.closed_at = now
            current.rule = room.rule
            current.revealed_at = current.revealed_at or now
            current.revealed = shown

        return self._change(change)

    def open_round(self) -> RoomInfo:
        """Start the next round (the current one is closed first); seats stay."""

        def change(session: Session, room: RoomRow, current: RoundRow) -> None:
            now = _now()
            current.closed_at = current.closed_at or now
            session.add(RoundRow(room_id=room.id, number=current.number + 1, rule=room.rule,
                                 opened_at=now))  # fmt: skip

        return self._change(change)

    def set_rule(self, rule: str) -> RoomInfo:
        """Combine by ``rule`` from now on (the current round records it too)."""
        if rule not in RULES:
            raise input_error("store_bad_choice", path="rule", got=str(rule)[:40],
                              choices=", ".join(RULES))  # fmt: skip

        def change(session: Session, room: RoomRow, current: RoundRow) -> None:
            room.rule = rule
            current.rule = rule

        return self._change(change)

    def rounds(self) -> list[RoundInfo]:
        """Every round, first to current."""
        query = select(RoundRow).where(RoundRow.room_id == self._room_id).order_by(RoundRow.number)
        return self._db.read(lambda session: [_round_info(r) for r in session.scalars(query)])

    def submissions(self, round_number: int | None = None) -> list[SubmissionRecord]:
        """A round's submissions (default: the current round), by seat number."""

        def work(session: Session) -> list[SubmissionRecord]:
            number = round_number or _current_round(session, self._room_id).number
            query = (
                select(SubmissionRow, SeatRow)
                .join(SeatRow, SeatRow.id == SubmissionRow.seat_id)
                .where(SubmissionRow.room_id == self._room_id, SubmissionRow.round == number)
                .order_by(SeatRow.number)
            )
            return [_record(sub, seat) for sub, seat in session.execute(query)]

        return self._db.read(work)

    def record_decision(self, *, settings: Settings, result: Result, note: str) -> Decision:
        """Append the room's decision to its workspace's log (the log keeps it even when
        the room's submissions are deleted)."""
        info = self.info()
        return self.workspace().record_decision(
            scenario_id=info.scenario_id, scenario_hash=info.scenario_hash,
            settings=settings, result=result, note=note,
        )  # fmt: skip

    def close(self, delete_submissions: bool = False) -> RoomInfo:
        """Close the room for good; with ``delete_submissions`` its seats (names) and
        submissions are deleted too. Rounds and the decision log stay."""

        def work(session: Session) -> RoomInfo:
            room = _lock_room(session, self._room_id)
            now = _now()
            current = _current_round(session, room.id)
            current.closed_at = current.closed_at or now
            room.state = CLOSED
            room.closed_at = room.closed_at or now
            if delete_submissions:
                for model in (SubmissionRow, SeatRow):
                    rows = session.scalars(select(model).where(model.room_id == room.id))
                    for row in rows:
                        session.delete(row)
            session.flush()
            return _info(session, room)

        return self._db.write(work)
