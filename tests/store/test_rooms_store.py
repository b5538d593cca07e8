"""Rooms in the store, on SQLite and PostgreSQL: who may do what, limits, nothing lost.

Every test runs on both databases (``db_url`` of conftest.py). The room is on Riverton's
text stored in a workspace, as the Workshop page makes it.
"""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from sqlalchemy import URL

from govdecide.errors import ScenarioError
from govdecide.rooms import PlanParams, RoomConfig, RoomLimits, Submission
from govdecide.store import Store
from govdecide.store.rooms import RoomStore

from .conftest import RIVERTON

CONFIG = RoomConfig(programs=("health_station", "school_places"), equity=True)


def _answer(health: float, school: float = 5.0, equity: float = 0.3) -> dict:
    return {"priorities": {"health_station": health, "school_places": school},
            "equity_weight": equity}  # fmt: skip


def _room(store: Store, limits: RoomLimits | None = None):
    """A new room on Riverton: (the rooms, the host's handle, its secret, its code)."""
    rooms = RoomStore(store._db, limits) if limits is not None else store.rooms
    ws = store.create_workspace()
    scenario = ws.save_scenario(RIVERTON, label="riverton.yaml")
    host, secret = rooms.create_room(ws, scenario, CONFIG, source="riverton")
    return rooms, host, secret, host.info().code


FAST = RoomLimits(seconds_between=0.0)


def test_a_room_opens_with_round_one_and_a_short_code(store: Store):
    rooms, host, secret, code = _room(store)
    info = rooms.info(code)
    assert info is not None and info.is_open
    assert len(code) == 6 and info.round.number == 1 and info.round.is_open
    assert info.seats == 0 and info.submitted == 0 and info.config == CONFIG
    assert len(secret) >= 22  # 192 bits of token_urlsafe: 32 characters
    assert rooms.info(code.lower()) == info  # typed on a phone
    assert rooms.info("ZZZZZ") is None


def test_a_participant_submits_and_changes_only_their_own(store: Store):
    rooms, host, _, code = _room(store, FAST)
    ana, ana_token = rooms.join(code, "Ana")
    bo, bo_token = rooms.join(code, None)
    ana.submit(_answer(9))
    bo.submit(_answer(1))
    ana.submit(_answer(2))  # Ana changes her mind
    subs = {s.seat: s for s in host.submissions()}
    assert subs[1].name == "Ana" and subs[1].submission.priorities["health_station"] == 2.0
    assert subs[1].changes == 2
    assert subs[2].name is None and subs[2].submission.priorities["health_station"] == 1.0
    # a token opens its own seat only; another room's code does not take it
    assert rooms.seat(code, ana_token).identity() == (1, "Ana")
    assert rooms.seat(code, bo_token).identity() == (2, None)
    other = _room(store)[3]
    assert rooms.seat(other, ana_token) is None
    assert rooms.seat(code, "x" * 32) is None


def test_there_is_no_way_to_list_rooms(store: Store):
    """A code opens a room's public state, a token a seat, a secret the room; nothing lists
    rooms, seats or secrets."""
    public = {name for name in dir(store.rooms) if not name.startswith("_")}
    by_code = {"info", "scenario_text", "map_text"}  # a room's public state, by its code
    assert public == {"create_room", "host", "seat", "join", "limits", *by_code}


def test_a_participant_token_is_not_the_facilitator_secret(store: Store):
    rooms, host, secret, code = _room(store)
    seat, token = rooms.join(code, "Ana")
    assert rooms.host(code, token) is None
    assert rooms.host(code, secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert rooms.host(code, None) is None
    assert rooms.host(code, secret) is not None
    # a seat's handle has no facilitator action at all
    for action in ("close_round", "reveal", "open_round", "submissions", "close", "set_rule"):
        assert not hasattr(seat, action)


def test_submissions_are_checked_against_the_room(store: Store):
    rooms, _, _, code = _room(store)
    seat, _ = rooms.join(code)
    bad = [
        {"priorities": {"health_station": 11, "school_places": 1}, "equity_weight": 0.3},
        {"priorities": {"health_station": 0, "school_places": 0}, "equity_weight": 0.3},
        {"priorities": {"health_station": 1, "school_places": 1, "ambulance": 1},
         "equity_weight": 0.3},
        {"priorities": {"health_station": 1}, "equity_weight": 0.3},
        {"priorities": {"health_station": 1, "school_places": 1}, "equity_weight": 2},
        {"priorities": {"health_station": 1, "school_places": 1}, "equity_weight": 0.1,
         "floor": 0.5},
        {"priorities": {"health_station": "a", "school_places": 1}, "equity_weight": 0.3},
    ]  # fmt: skip
    codes = []
    for data in bad:
        with pytest.raises(ScenarioError) as exc:
            seat.submit(data)
        codes.append(exc.value.problems[0].code)
        assert exc.value.messages("zh")[0]
    assert codes == ["room_out_of_range", "room_all_zero", "room_not_settable", "room_missing",
                     "room_out_of_range", "room_not_settable", "not_number"]  # fmt: skip
    assert seat.submission() is None


def test_a_closed_round_takes_no_submission_and_the_next_one_does(store: Store):
    rooms, host, _, code = _room(store, FAST)
    seat, _ = rooms.join(code)
    seat.submit(_answer(3))
    host.close_round()
    with pytest.raises(ScenarioError) as exc:
        seat.submit(_answer(4))
    assert exc.value.problems[0].code == "room_round_closed"
    params = PlanParams({"health_station": 0.5, "school_places": 0.5}, 0.3)
    info = host.reveal(params, 1)
    assert info.round.revealed and not info.round.is_open
    assert seat.info().round.shown == {"params": params.to_dict(), "count": 1}
    info = host.open_round()
    assert info.round.number == 2 and info.round.is_open and not info.round.revealed
    seat.submit(_answer(8))
    assert seat.submission(1).submission.priorities["health_station"] == 3.0
    assert seat.submission().submission.priorities["health_station"] == 8.0
    assert [r.number for r in host.rounds()] == [1, 2]
    assert len(host.submissions(1)) == len(host.submissions(2)) == 1


def test_changes_are_rate_limited(store: Store):
    rooms, _, _, code = _room(store, RoomLimits(seconds_between=60.0))
    seat, _ = rooms.join(code)
    seat.submit(_answer(3))
    with pytest.raises(ScenarioError) as exc:
        seat.submit(_answer(4))
    assert exc.value.problems[0].code == "room_too_fast"
    rooms2, _, _, code2 = _room(store, RoomLimits(seconds_between=0.0, changes_per_round=2))
    seat2, _ = rooms2.join(code2)
    seat2.submit(_answer(1))
    seat2.submit(_answer(2))
    with pytest.raises(ScenarioError) as exc:
        seat2.submit(_answer(3))
    assert exc.value.problems[0].code == "room_too_many_changes"


def test_a_full_room_says_so(store: Store):
    rooms, _, _, code = _room(store, RoomLimits(participants=2))
    rooms.join(code)
    rooms.join(code)
    with pytest.raises(ScenarioError) as exc:
        rooms.join(code)
    assert exc.value.problems[0].code == "room_full"
    assert "2" in exc.value.messages("en")[0]


def test_names_are_length_limited_and_plain_text(store: Store):
    rooms, _, _, code = _room(store)
    for name in ("x" * 41, "Ana\x1b[31m", "Bo\u202e"):
        with pytest.raises(ScenarioError):
            rooms.join(code, name)
    seat, _ = rooms.join(code, "  <b>Ana</b> *x*  ")
    assert seat.identity() == (1, "<b>Ana</b> *x*")  # kept as given; escaped where shown
    assert rooms.join(code, "   ")[0].identity() == (2, None)  # blank is anonymous


def test_closing_with_deletion_removes_names_and_submissions_but_not_the_log(store: Store, result):
    rooms, host, secret, code = _room(store, FAST)
    seat, token = rooms.join(code, "Ana")
    seat.submit(_answer(3))
    from govdecide import Settings

    decision = host.record_decision(settings=Settings(budget=6000), result=result, note="adopted")
    info = host.close(delete_submissions=True)
    assert not info.is_open and info.seats == 0 and info.submitted == 0
    assert host.submissions(1) == []
    assert rooms.seat(code, token) is None
    with pytest.raises(ScenarioError) as exc:
        rooms.join(code, "Late")
    assert exc.value.problems[0].code == "room_closed"
    log = host.workspace().decisions()
    assert [d.seq for d in log] == [decision.seq] and log[0].note == "adopted"
    assert rooms.host(code, secret) is not None  # the facilitator still sees the closed room


def test_the_room_scenario_is_the_stored_text(store: Store):
    rooms, host, _, code = _room(store)
    assert host.scenario_text() == RIVERTON == rooms.scenario_text(code)


PARTICIPANTS = 30


def test_concurrent_submissions_lose_none(store: Store):
    """Thirty sessions of one server join and submit at the same moment, each twice."""
    rooms, host, _, code = _room(store, FAST)
    barrier = threading.Barrier(PARTICIPANTS)
    errors: list[BaseException] = []

    def participant(n: int) -> None:
        barrier.wait()
        try:
            seat, _ = rooms.join(code, f"p{n}")
            seat.submit(_answer(n % 11))
            seat.submit(_answer(n % 11, school=float(n % 7 + 1)))
        except BaseException as exc:  # collected for the assert below
            errors.append(exc)

    threads = [threading.Thread(target=participant, args=(n,)) for n in range(PARTICIPANTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    subs = host.submissions()
    assert sorted(s.seat for s in subs) == list(range(1, PARTICIPANTS + 1))
    by_name = {s.name: s for s in subs}
    for n in range(PARTICIPANTS):
        got = by_name[f"p{n}"]
        assert got.changes == 2
        assert got.submission == Submission(
            {"health_station": float(n % 11), "school_places": float(n % 7 + 1)}, 0.3, None
        )
    assert host.info().submitted == PARTICIPANTS


def _participant_process(url: str, code: str, n: int) -> None:
    """A participant on a server of its own (its own engine)."""
    with Store.open(url) as store:
        rooms = RoomStore(store._db, FAST)
        seat, _ = rooms.join(code, f"p{n}")
        seat.submit(_answer(n % 11))


def test_participants_on_other_servers_lose_none(store: Store, db_url: URL):
    """Ten server processes, each with its own store, submit into one room."""
    _, host, _, code = _room(store)
    context = multiprocessing.get_context("fork")
    url = db_url.render_as_string(hide_password=False)
    procs = [context.Process(target=_participant_process, args=(url, code, n)) for n in range(10)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
    assert [p.exitcode for p in procs] == [0] * 10
    assert sorted(s.name for s in host.submissions()) == sorted(f"p{n}" for n in range(10))


def test_the_room_reads_the_maps_of_its_workspace_only(store: Store):
    """The room's plan is drawn on the boundaries its workspace keeps (issue 16 in the
    workshop room of issue 13); another workspace's map, or an unknown room, gives none."""
    from govdecide.store import save_map
    from tests.store.test_maps import twin_with_map

    rooms, host, _secret, code = _room(store)
    _text, reference, map_text = twin_with_map()
    assert rooms.map_text(code, reference) is None
    save_map(store.create_workspace(), reference, map_text)  # someone else's workspace
    assert rooms.map_text(code, reference) is None
    save_map(host.workspace(), reference, map_text)
    assert rooms.map_text(code, reference) == map_text
    assert rooms.map_text("ZZZZZZ", reference) is None
