"""Fuzzing what a link carries (issue 11's fuzz suite, for the secrets in addresses): the
workspace key (``?ws=``), a room's code, the facilitator's secret and a seat's token, a
story viewer's token. Whatever an address holds (any text, lone surrogates, NUL, very
long, or no text at all), the store opens nothing, raises nothing but its own error, and
a real secret opens only its own thing.

One SQLite store per module (hypothesis runs many examples on it); the same lookups on
PostgreSQL are in the rooms', stories' and workspaces' own tests with hand-picked values.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govdecide.errors import ScenarioError
from govdecide.model.settings import Settings
from govdecide.rooms import RoomConfig
from govdecide.store import StepDraft, Store, Stories, content_hash, open_viewer

from .conftest import RIVERTON

CONFIG = RoomConfig(programs=("health_station", "school_places"), equity=True)

# what an address can hold: any text, text shaped like a secret, and what a caller
# might pass by mistake (None, numbers, bytes, lists)
SECRET_ALPHABET = st.sampled_from("ABCDEFGHJKMNPQRSTVWXYZabcxyz0123456789-_")
LINK_VALUES = (
    st.text(max_size=300)
    | st.text(SECRET_ALPHABET, min_size=4, max_size=140)
    | st.none()
    | st.integers()
    | st.binary(max_size=50)
    | st.lists(st.text(max_size=5), max_size=3)
)
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Issued:
    """The real secrets of one workspace with one room, one seat and a presented story."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.workspace = store.create_workspace()
        scenario = self.workspace.save_scenario(RIVERTON, label="riverton.yaml")
        host, self.secret = store.rooms.create_room(
            self.workspace, scenario, CONFIG, source="riverton"
        )
        self.code = host.info().code
        self.seat, self.token = store.rooms.join(self.code, "Ana")
        stories = Stories(self.workspace)
        story = stories.create({"en": "Workshop"})
        step = StepDraft("Step", "riverton", content_hash(RIVERTON), Settings())
        story = stories.add_step(story.id, step)
        stories.present(story.id)
        self.viewer = stories.viewer_token(story.id)


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Issued]:
    folder: Path = tmp_path_factory.mktemp("links")
    with Store.open(f"sqlite:///{folder / 'store.sqlite3'}") as store:
        yield Issued(store)


def _not_issued(value: object, issued: Issued) -> bool:
    """Whether ``value`` is none of the real secrets (hypothesis will not guess them)."""
    real = {issued.workspace.key, issued.secret, issued.token, issued.viewer}
    return not (isinstance(value, str) and value in real)


@FUZZ
@given(value=LINK_VALUES)
def test_a_workspace_key_from_an_address_opens_nothing_it_was_not_given(
    issued: Issued, value: object
) -> None:
    if _not_issued(value, issued):
        assert issued.store.open_workspace(value) is None  # type: ignore[arg-type]


@FUZZ
@given(code=LINK_VALUES, secret=LINK_VALUES)
def test_a_room_code_and_secret_from_an_address_open_nothing_else(
    issued: Issued, code: object, secret: object
) -> None:
    rooms = issued.store.rooms
    info = rooms.info(code)
    assert info is None or info.code == issued.code  # a typed code may match, in any case
    if _not_issued(secret, issued):
        assert rooms.host(code, secret) is None
        assert rooms.seat(code, secret) is None
        assert rooms.host(issued.code, secret) is None
        assert rooms.seat(issued.code, secret) is None
    if info is None:
        assert rooms.map_text(code, "maps/riverton.topojson") is None
        with pytest.raises(ScenarioError):
            rooms.scenario_text(code)
        with pytest.raises(ScenarioError):
            rooms.join(code, "Bo")


@FUZZ
@given(value=LINK_VALUES)
def test_a_viewer_token_from_an_address_opens_no_story(issued: Issued, value: object) -> None:
    if _not_issued(value, issued):
        assert open_viewer(issued.store, value) is None  # type: ignore[arg-type]


def test_the_real_secrets_open_their_own_things_only(issued: Issued) -> None:
    """The check above can fail: the secrets it refuses to guess do open something."""
    store, rooms = issued.store, issued.store.rooms
    assert store.open_workspace(issued.workspace.key) is not None
    assert rooms.host(issued.code, issued.secret) is not None
    assert rooms.seat(issued.code, issued.token) is not None
    assert rooms.host(issued.code, issued.token) is None  # a seat's token is no host secret
    assert rooms.seat(issued.code, issued.secret) is None
    assert open_viewer(store, issued.viewer) is not None
    assert open_viewer(store, issued.workspace.key) is None
    assert store.open_workspace(issued.viewer) is None
