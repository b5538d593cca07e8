"""Stories in the store (issue 17), on SQLite and PostgreSQL: built, reordered, presented,
followed by a viewer link, limited, refused when wrong, and carried by a backup."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import URL

from govdecide.errors import ScenarioError
from govdecide.model.settings import Settings
from govdecide.model.years import PlanSettings
from govdecide.store import (
    Focus,
    StepDraft,
    Store,
    Stories,
    StoryLimits,
    content_hash,
    export_stories,
    import_stories,
    open_viewer,
    parse_stories,
)
from govdecide.store.stories import viewer_token
from govdecide.store.story_records import STEP_FIELDS

from .conftest import RIVERTON, small_scenario

RIVERTON_HASH = content_hash(RIVERTON)


def _step(title: object = "Step", budget: float = 40_000, **extra: object) -> StepDraft:
    return StepDraft(
        title=title,
        scenario_id="riverton",
        scenario_hash=RIVERTON_HASH,
        settings=Settings(budget=budget),
        **extra,
    )


def _titles(story) -> list:
    return [s.title for s in story.steps]


def _three(stories: Stories):
    """A story of three steps A, B, C at budgets 40, 41 and 42 thousand."""
    story = stories.create({"en": "Workshop", "zh": "研讨会"})
    for i, name in enumerate("ABC"):
        story = stories.add_step(story.id, _step(name, 40_000 + 1000 * i))
    return story


def test_a_story_keeps_its_steps_in_order_with_both_languages(store: Store):
    stories = Stories(store.create_workspace())
    story = _three(stories)
    step = _step({"en": "  Today  ", "zh": "今天"}, caption={"en": "Line one\nline two"},
                 focus=Focus("district", "old_town"), figures={"equity": 0.5})  # fmt: skip
    story = stories.add_step(story.id, step, position=1)
    assert _titles(story) == ["A", {"en": "Today", "zh": "今天"}, "B", "C"]
    assert [s.position for s in story.steps] == [0, 1, 2, 3]
    today = story.steps[1]
    assert today.caption == {"en": "Line one\nline two"}
    assert today.district == "old_town" and today.chart == "coverage"
    assert today.figures == {"equity": 0.5}
    again = stories.get(story.id)
    assert again == story
    assert again.title == {"en": "Workshop", "zh": "研讨会"}
    [info] = stories.list()
    assert (info.id, info.steps) == (story.id, 4)


def test_moving_a_step_keeps_its_id_and_the_others_order(store: Store):
    stories = Stories(store.create_workspace())
    story = _three(stories)
    a, b, c = story.steps
    story = stories.move_step(story.id, c.id, 0)
    assert _titles(story) == ["C", "A", "B"]
    assert story.steps[0].id == c.id
    story = stories.move_step(story.id, c.id, 99)  # clamped to the end
    assert _titles(story) == ["A", "B", "C"]
    story = stories.move_step(story.id, a.id, 1)
    assert _titles(story) == ["B", "A", "C"]
    assert [s.position for s in story.steps] == [0, 1, 2]


def test_editing_a_step_changes_only_what_is_given(store: Store):
    stories = Stories(store.create_workspace())
    story = _three(stories)
    b = story.steps[1]
    story = stories.edit_step(story.id, b.id, caption={"en": "Look at the map", "zh": "看地图"},
                              focus=Focus("chart", "map"))  # fmt: skip
    edited = story.steps[1]
    assert edited.title == "B" and edited.settings == b.settings
    assert edited.caption == {"en": "Look at the map", "zh": "看地图"}
    assert edited.chart == "map"
    story = stories.edit_step(story.id, b.id, focus=None)
    assert story.steps[1].focus is None and story.steps[1].caption == edited.caption
    with pytest.raises(ScenarioError) as exc:
        stories.edit_step(story.id, b.id, focus=Focus("chart", "pie"))
    assert "coverage, spend, units, map" in exc.value.messages("en")[0]
    assert stories.get(story.id).steps[1].focus is None


def test_deleting_the_shown_step_moves_the_presentation_to_the_step_in_its_place(store: Store):
    stories = Stories(store.create_workspace())
    story = _three(stories)
    a, b, c = story.steps
    stories.present(story.id, 1)
    story = stories.delete_step(story.id, b.id)
    assert _titles(story) == ["A", "C"]
    shown = stories.presentation(story.id)
    assert (shown.position, shown.step_id) == (1, c.id)
    stories.delete_step(story.id, c.id)  # the last one: back to the new last
    shown = stories.presentation(story.id)
    assert (shown.position, shown.step_id) == (0, a.id)
    stories.delete_step(story.id, a.id)
    assert stories.presentation(story.id).position is None


def test_presenting_moves_step_by_step_within_the_story_and_survives_a_restart(db_url: URL):
    with Store.open(db_url) as store:
        ws = store.create_workspace()
        stories = Stories(ws)
        story = _three(stories)
        assert stories.presentation(story.id) is None
        shown = stories.present(story.id)
        assert (shown.position, shown.shared) == (0, True)
        assert stories.move_by(story.id, 1).position == 1
        assert stories.move_by(story.id, 1).position == 2
        assert stories.move_by(story.id, 1).position == 2  # no step after the last
        assert stories.move_by(story.id, -5).position == 0
        shown = stories.go_to(story.id, 2)
        key = ws.key
    with Store.open(db_url) as store:  # another server, or the same after a restart
        again = Stories(store.open_workspace(key)).presentation(story.id)
        assert (again.position, again.step_id) == (2, shown.step_id)
        assert again.revision == shown.revision


def test_the_viewer_link_follows_the_story_and_opens_nothing_else(store: Store):
    ws = store.create_workspace()
    stories = Stories(ws)
    story = _three(stories)
    token = stories.viewer_token(story.id)
    assert token == viewer_token(ws.key, story.id) and len(token) == 43
    assert open_viewer(store, token) is None  # not presented yet
    stories.present(story.id)
    viewer = open_viewer(store, token)
    before = viewer.revision()
    assert viewer.state().presentation.position == 0
    stories.move_by(story.id, 1)
    assert viewer.revision() > before
    assert viewer.state().presentation.step_id == story.steps[1].id
    for wrong in (None, "", "x" * 43, token[:-1], token + "a", "'; DROP TABLE stories; --"):
        assert open_viewer(store, wrong) is None
    assert stories.stop(story.id)
    assert viewer.revision() is None and viewer.state() is None
    assert open_viewer(store, token) is None
    other = Stories(store.create_workspace()).viewer_token(story.id)
    assert other != token  # another workspace's key makes another link


def test_a_viewer_reads_only_the_scenarios_its_story_cites(store: Store):
    ws = store.create_workspace()
    cited = ws.save_scenario(small_scenario(1))
    other = ws.save_scenario(small_scenario(2))
    stories = Stories(ws)
    story = stories.create("Own scenario")
    stories.add_step(story.id, StepDraft("One", cited.id, cited.sha256, Settings(budget=300)))
    stories.present(story.id)
    viewer = open_viewer(store, stories.viewer_token(story.id))
    assert viewer.scenario_text(cited.sha256) == small_scenario(1)
    assert viewer.scenario_text(other.sha256) is None
    assert viewer.scenario_text(RIVERTON_HASH) is None  # cited by no step, stored nowhere


def test_stories_of_one_workspace_are_out_of_reach_of_another(store: Store):
    mine = Stories(store.create_workspace())
    story = _three(mine)
    theirs = Stories(store.create_workspace())
    assert theirs.get(story.id) is None and theirs.list() == []
    for attempt in (
        lambda: theirs.add_step(story.id, _step("intruder")),
        lambda: theirs.move_step(story.id, story.steps[0].id, 2),
        lambda: theirs.present(story.id),
    ):
        with pytest.raises(ScenarioError) as exc:
            attempt()
        assert exc.value.problems[0].code == "story_missing"
    assert not theirs.delete(story.id)
    with pytest.raises(ScenarioError) as exc:  # a step of another story, even by its id
        other_story = theirs.create("Theirs")
        theirs.edit_step(other_story.id, story.steps[0].id, caption="x")
    assert exc.value.problems[0].code == "story_step_missing"
    assert mine.get(story.id) == story


def test_limits_are_said_in_both_languages(db_url: URL):
    with Store.open(db_url) as store:
        stories = Stories(store.create_workspace(), StoryLimits(stories=2, steps=3))
        story = _three(stories)
        with pytest.raises(ScenarioError) as exc:
            stories.add_step(story.id, _step("D"))
        assert "at most 3 steps" in exc.value.messages("en")[0]
        assert "最多 3 步" in exc.value.messages("zh")[0]
        stories.create("Second")
        with pytest.raises(ScenarioError) as exc:
            stories.create("Third")
        assert "already holds 2 stories" in exc.value.messages("en")[0]
        with pytest.raises(ScenarioError):
            stories.create("Too long", [_step(str(i)) for i in range(4)])
        assert len(stories.list()) == 2 and len(stories.get(story.id).steps) == 3


@pytest.mark.parametrize(
    ("title", "caption", "code"),
    [
        ("", "", "store_empty"),
        ({"en": "  ", "zh": ""}, "", "store_empty"),
        ("Bell\x07", "", "store_control_char"),
        ("Right\u202eto left", "", "store_control_char"),
        ({"fr": "Bonjour"}, "", "story_text_lang"),
        ("x" * 201, "", "store_too_long"),
        ("Fine", "y" * 1001, "store_too_long"),
        (42, "", "not_string"),
    ],
)
def test_bad_words_are_refused_and_nothing_is_written(store: Store, title, caption, code):
    stories = Stories(store.create_workspace())
    story = stories.create("Kept")
    with pytest.raises(ScenarioError) as exc:
        stories.add_step(story.id, _step(title, caption=caption))
    assert exc.value.problems[0].code == code
    assert stories.get(story.id).steps == ()


def test_text_that_looks_like_sql_is_kept_as_text(store: Store):
    stories = Stories(store.create_workspace())
    title = "Robert'); DROP TABLE story_steps; --"
    story = stories.create(title)
    story = stories.add_step(story.id, _step(title, caption='" OR 1=1 --'))
    assert stories.get(story.id).steps[0].title == title
    assert stories.get(story.id).title == title


def test_two_servers_adding_steps_at_once_get_a_place_each(db_url: URL):
    """Four stores (as four servers) add three steps each to one story at the same time:
    twelve steps at positions 0..11, none lost (the workspace's lock and the one step
    per position constraint)."""
    with Store.open(db_url) as first:
        ws = first.create_workspace()
        story = Stories(ws).create("Busy")
        key = ws.key
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def add(n: int) -> None:
        with Store.open(db_url) as store:
            stories = Stories(store.open_workspace(key))
            barrier.wait()
            try:
                for i in range(3):
                    stories.add_step(story.id, _step(f"{n}-{i}"))
            except BaseException as exc:  # collected for the assert below
                errors.append(exc)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with Store.open(db_url) as store:
        steps = Stories(store.open_workspace(key)).get(story.id).steps
    assert [s.position for s in steps] == list(range(12))
    assert sorted(s.title for s in steps) == sorted(f"{n}-{i}" for n in range(4) for i in range(3))


def test_stories_round_trip_through_a_backup_into_another_database(store: Store, tmp_path):
    """Exported as JSON text and imported into a workspace of a fresh SQLite database:
    the same titles, steps (option, words, focus) and the step being shown."""
    ws = store.create_workspace()
    stories = Stories(ws)
    story = _three(stories)
    stories.edit_step(story.id, story.steps[2].id, caption={"zh": "只有中文"},
                      focus=Focus("chart", "spend"))  # fmt: skip
    stories.present(story.id, 2)
    stories.create({"en": "Empty one"})
    text = json.dumps(export_stories(ws))
    with Store.open(f"sqlite:///{tmp_path / 'other.sqlite3'}") as other:
        target = other.create_workspace()
        restored = import_stories(target, json.loads(text))
        copies = Stories(target)
        assert [s.title for s in restored] == [
            {"en": "Workshop", "zh": "研讨会"},
            {"en": "Empty one"},
        ]
        [first, empty] = restored
        original = stories.get(story.id)
        assert [[getattr(s, f) for f in STEP_FIELDS] for s in first.steps] == [
            [getattr(s, f) for f in STEP_FIELDS] for s in original.steps
        ]
        assert first.id == story.id and empty.steps == ()
        assert copies.presentation(first.id).position == 2
        assert not copies.presentation(first.id).shared  # until it is presented again
        assert copies.presentation(empty.id) is None
        # the copy has its own key, so its own viewer link once presented again
        assert copies.viewer_token(first.id) != stories.viewer_token(story.id)


def test_a_bad_stories_list_is_refused_whole_with_every_place_named():
    good = {"title": "S", "scenario_id": "riverton", "scenario_hash": RIVERTON_HASH,
            "settings": Settings(budget=1).to_dict()}  # fmt: skip
    data = [
        {"id": "0123456789ab", "title": "Fine", "steps": [good]},
        {"id": "0123456789ab", "title": "", "presenting": 3, "steps": [
            good | {"settings": {"budget": -5}},
            good | {"focus": {"kind": "chart", "value": "pie"}},
            good | {"scenario_hash": "abc", "extra": 1},
        ]},
        {"id": "not-an-id", "title": "T", "steps": []},
        "not a story",
    ]  # fmt: skip
    with pytest.raises(ScenarioError) as exc:
        parse_stories(data)
    paths = {p.path for p in exc.value.problems}
    assert {
        "stories[1].title",
        "stories[1].presenting",
        "stories[1].steps[0].settings.budget",
        "stories[1].steps[1].focus.value",
        "stories[1].steps[2].extra",
        "stories[2].id",
        "stories[3]",
    } <= paths, paths
    assert parse_stories(data[:1])[0].draft.steps[0].settings == Settings(budget=1)
    with pytest.raises(ScenarioError):
        parse_stories({"not": "a list"})
    with pytest.raises(ScenarioError):
        parse_stories([data[0]] * 3, StoryLimits(stories=2))


def test_a_workspace_backup_carries_its_stories_into_an_empty_database(store: Store, tmp_path):
    """``workspace export`` then ``import`` into a new database restores the stories with
    their steps in order and the step being presented (the backup of issue 12 holds them)."""
    ws = store.create_workspace()
    stories = Stories(ws)
    story = _three(stories)
    stories.present(story.id, 1)
    text = ws.export_json()
    assert json.loads(text)["stories"][0]["presenting"] == 1
    with Store.open(f"sqlite:///{tmp_path / 'empty.db'}") as fresh:
        restored = Stories(fresh.import_workspace(text))
        (info,) = restored.list()
        back = restored.get(info.id)
        assert _titles(back) == ["A", "B", "C"]
        assert back.title == {"en": "Workshop", "zh": "研讨会"}
        assert restored.presentation(info.id).position == 1


def test_a_backup_without_stories_and_one_with_a_bad_story_are_read_as_they_should(
    store: Store,
):
    ws = store.create_workspace()
    data = json.loads(ws.export_json())
    del data["stories"]  # a file written before stories existed
    assert Stories(store.import_workspace(json.dumps(data))).list() == []
    data["stories"] = [{"id": "x"}]
    with pytest.raises(ScenarioError) as err:
        store.import_workspace(json.dumps(data))
    assert any(p.path.startswith("stories[0]") for p in err.value.problems)


FIVE_YEARS = PlanSettings(
    years=5, budget_by_year=(8000.0, 8000.0, 6000.0, 6000.0, 6000.0), discount_rate=0.03
)


def test_a_plan_step_is_kept_with_its_plan_and_a_single_year_step_without(store: Store):
    """The plan sits in the step's settings column (``records.settings_json``): read back
    equal; editing the step's words keeps it; a one-year step stays without one."""
    stories = Stories(store.create_workspace())
    story = stories.create("Plans", [_step("One year"), _step("Five years", plan=FIVE_YEARS)])
    one, five = stories.get(story.id).steps
    assert one.plan is None
    assert five.plan == FIVE_YEARS and five.settings == Settings(budget=40_000)
    story = stories.edit_step(story.id, five.id, caption="Over five years")
    assert story.steps[1].plan == FIVE_YEARS and story.steps[1].caption == "Over five years"
    with pytest.raises(ScenarioError) as exc:
        stories.add_step(story.id, _step("Too long", plan=PlanSettings(years=99)))
    assert [p.path for p in exc.value.problems] == ["step.settings.plan.years"]


def test_a_plan_step_round_trips_through_a_backup(store: Store, tmp_path):
    """In the backup the plan is inside the step's settings (``settings.plan``), as in the
    database; imported into a fresh database it is the same plan."""
    ws = store.create_workspace()
    stories = Stories(ws)
    stories.create("Plans", [_step("One year"), _step("Five years", plan=FIVE_YEARS)])
    data = export_stories(ws)
    steps = data[0]["steps"]
    assert "plan" not in steps[0]["settings"] and "plan" not in steps[1]
    assert steps[1]["settings"]["plan"]["budget_by_year"] == list(FIVE_YEARS.budget_by_year)
    with Store.open(f"sqlite:///{tmp_path / 'plans.sqlite3'}") as other:
        [copy] = import_stories(other.create_workspace(), json.loads(json.dumps(data)))
        assert [s.plan for s in copy.steps] == [None, FIVE_YEARS]
    bad = json.loads(json.dumps(data))
    bad[0]["steps"][1]["settings"]["plan"] |= {"years": 0, "discount_rate": "high"}
    bad[0]["steps"][0]["settings"]["plan"] = "five"
    with pytest.raises(ScenarioError) as exc:
        parse_stories(bad)
    paths = {p.path for p in exc.value.problems}
    assert "stories[0].steps[0].settings.plan" in paths, paths
    assert any(p.startswith("stories[0].steps[1].settings.plan") for p in paths), paths
