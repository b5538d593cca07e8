"""The story pages with AppTest (issue 17): build a story on the Story page, present it on
Present (Previous/Next, what changed), follow it with the viewer link; every string in
both languages, the user's words escaped, the state in the store.

Each test has a database of its own (``GOVDECIDE_DATA_DIR`` in its tmp_path); the store
the page wrote is opened again here to check what was kept.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from govdecide import load_scenario
from govdecide.i18n import t
from govdecide.model.settings import Settings
from govdecide.store import ENV_DATA_DIR, ENV_URL, StepDraft, Store, Stories, content_hash
from govdecide.story.bundled import load_story
from ui.story_present import VIEWER_PAGE
from ui.text import bullet_list, md_escape

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
RIVERTON = ROOT / "scenarios" / "riverton.yaml"
RIVERTON_HASH = content_hash(RIVERTON.read_text(encoding="utf-8"))
TIMEOUT = 90


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A database of the test's own, where the app's store opens it."""
    monkeypatch.delenv(ENV_URL, raising=False)
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path))
    return tmp_path


def _store(data_dir: Path) -> Store:
    return Store.open(f"sqlite:///{data_dir / 'govdecide.sqlite3'}")


def _app(page: str | None = None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _button(at: AppTest, label: str):
    found = [b for b in at.button if b.label == label]
    assert found, f"no button {label!r} in {[b.label for b in at.button]}"
    return found[0]


def _markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _prepared(data_dir: Path, titles: tuple = ("One", "Two", "Three")) -> tuple[str, str]:
    """A workspace with a story of three Riverton steps at equity weights 0, 0.5, 1."""
    with _store(data_dir) as store:
        ws = store.create_workspace()
        stories = Stories(ws)
        story = stories.create({"en": "Workshop", "zh": "研讨会"})
        for title, weight in zip(titles, (0.0, 0.5, 1.0)):
            draft = StepDraft(
                title,
                "riverton",
                RIVERTON_HASH,
                Settings(equity_weight=weight),
                caption={"en": f"About {title}", "zh": f"关于{title}"},
            )
            stories.add_step(story.id, draft)
        return ws.key, story.id


def test_the_story_page_keeps_nothing_until_a_story_is_made(data_dir):
    at = _app("app_pages/story.py", lang="en")
    assert at.title[0].value == t("story.page.title", "en")
    assert "ws" not in at.query_params
    at.text_input(key="story_new_title:en:en").input("Workshop")
    at.text_input(key="story_new_title:en:zh").input("研讨会")
    _button(at, t("story.build.create", "en")).click().run()
    assert not at.exception
    key, story_id = at.query_params["ws"], at.query_params["story"]
    with _store(data_dir) as store:
        [info] = Stories(store.open_workspace(key)).list()
    assert (info.id, info.title, info.steps) == (story_id, {"en": "Workshop", "zh": "研讨会"}, 0)


def test_adding_the_current_setting_as_a_step_keeps_its_words_and_settings(data_dir):
    """The link's sliders (budget 45,000) are the current setting; the step keeps them,
    the scenario's hash, both titles, a caption and a district focus."""
    key, story_id = _prepared(data_dir, titles=())
    at = _app("app_pages/story.py", lang="en", ws=key, story=story_id, budget="45000")
    form = f"story_add:{story_id}:en"
    at.text_input(key=f"{form}:title:en").input("More money")
    at.text_input(key=f"{form}:title:zh").input("增加预算")
    at.text_area(key=f"{form}:caption:en").input("Look at the outskirts")
    at.selectbox(key=f"{form}:focus").select("district:eastfield")
    _button(at, t("story.build.add_button", "en")).click().run()
    assert not at.exception
    with _store(data_dir) as store:
        [step] = Stories(store.open_workspace(key)).get(story_id).steps
    assert step.title == {"en": "More money", "zh": "增加预算"}
    assert step.caption == {"en": "Look at the outskirts"}
    assert (step.scenario_id, step.scenario_hash) == ("riverton", RIVERTON_HASH)
    assert step.settings.budget == 45_000 and step.district == "eastfield"
    assert step.figures["budget"] == 45_000 and step.figures["people_newly_served"] > 0
    assert "1\\. More money" in _markdown(at)


def test_steps_are_moved_edited_and_deleted_in_the_store(data_dir):
    key, story_id = _prepared(data_dir)
    at = _app("app_pages/story.py", lang="en", ws=key, story=story_id)
    with _store(data_dir) as store:
        stories = Stories(store.open_workspace(key))
        one, two, three = stories.get(story_id).steps
        at.button(key=f"story_down_{one.id}").click().run()
        assert [s.title for s in stories.get(story_id).steps] == ["Two", "One", "Three"]
        at.button(key=f"story_up_{three.id}").click().run()
        assert [s.title for s in stories.get(story_id).steps] == ["Two", "Three", "One"]
        at.button(key=f"story_delete_{two.id}").click().run()
        assert [s.title for s in stories.get(story_id).steps] == ["Three", "One"]
        edit = f"story_edit_{one.id}:en"
        at.text_area(key=f"{edit}:caption:en").input("A new caption")
        at.selectbox(key=f"{edit}:focus").select("chart:map")
        [save] = [b for b in at.button if b.key == f"FormSubmitter:{edit}-Save"]
        save.click().run()
        edited = stories.get(story_id).steps[1]
    assert not at.exception
    assert edited.caption == {"en": "A new caption", "zh": "关于One"} and edited.chart == "map"


@pytest.mark.parametrize(
    ("example", "first"), [("riverton_story", "现行方案"), ("riverton_five_years", "只看今年")]
)
def test_the_example_story_is_copied_into_the_workspace(data_dir, example, first):
    """Either bundled example, picked by the trainer, is copied whole (a plan step too)."""
    at = _app("app_pages/story.py", lang="zh")
    at.selectbox(key="story_example:zh").set_value(example).run()
    _button(at, t("story.build.example_copy", "zh")).click().run()
    assert not at.exception
    key, story_id = at.query_params["ws"], at.query_params["story"]
    bundled = load_story(ROOT / "scenarios" / "stories" / f"{example}.yaml", ROOT / "scenarios")
    with _store(data_dir) as store:
        story = Stories(store.open_workspace(key)).get(story_id)
    assert [s.title for s in story.steps] == [s.title for s in bundled.draft.steps]
    assert [s.plan for s in story.steps] == [s.plan for s in bundled.draft.steps]
    assert f"1\\. {first}" in _markdown(at)
    with _store(data_dir) as store:  # the texts it cites are kept (see the next test)
        kept = store.open_workspace(key)
        assert all(kept.scenario_by_hash(s.scenario_hash) for s in story.steps)


def test_a_story_on_a_bundled_scenario_still_shows_after_the_file_changes(
    data_dir, tmp_path, monkeypatch
):
    """A new version of govdecide may change a bundled file (issue 14 added running costs
    to Riverton's): a step added on it keeps the text it cites in the workspace, so the
    viewer still solves the step once the bundled file says something else."""
    key, story_id = _prepared(data_dir, titles=())
    at = _app("app_pages/story.py", lang="en", ws=key, story=story_id)
    for title in ("Today", "Again"):  # the kept copy must not replace the bundled entry
        at.text_input(key=f"story_add:{story_id}:en:title:en").input(title)
        _button(at, t("story.build.add_button", "en")).click().run()
        assert not at.exception
    with _store(data_dir) as store:
        steps = Stories(store.open_workspace(key)).get(story_id).steps
        cited = [(s.scenario_id, s.scenario_hash) for s in steps]
        assert cited == [("riverton", RIVERTON_HASH)] * 2
        [kept_info] = store.open_workspace(key).scenarios()
        assert kept_info.origin == "bundled"  # kept for citing, not offered in the picker
    at = _app("app_pages/story.py", lang="en", ws=key, story=story_id)  # a fresh browser
    at.switch_page("app_pages/present.py").run()
    assert "another scenario" not in _markdown(at)
    folder = tmp_path / "newer"  # the next version's bundled files: Riverton changed
    folder.mkdir()
    for path in (ROOT / "scenarios").glob("*.yaml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    newer = folder / "riverton.yaml"
    newer.write_text(newer.read_text(encoding="utf-8") + "\n# a later edition\n", "utf-8")
    monkeypatch.setattr("ui.state.SCENARIO_DIR", folder)
    with _store(data_dir) as store:
        step = Stories(store.open_workspace(key)).get(story_id).steps[0]
        kept = store.open_workspace(key).scenario_by_hash(step.scenario_hash)
    assert kept is not None and kept.yaml == RIVERTON.read_text(encoding="utf-8")
    from ui.story_view import bundled_by_hash, step_scenario

    assert step.scenario_hash not in bundled_by_hash()  # the bundled file cites no more
    found = step_scenario(step, lambda sha: kept.yaml if sha == kept.sha256 else None)
    assert found is not None and found[1].name == load_scenario(RIVERTON).name


def test_a_full_story_says_its_limit(data_dir):
    key, story_id = _prepared(data_dir, titles=())
    with _store(data_dir) as store:
        stories = Stories(store.open_workspace(key))
        for i in range(stories.limits.steps):
            stories.add_step(story_id, StepDraft(f"S{i}", "riverton", RIVERTON_HASH, Settings()))
    at = _app("app_pages/story.py", lang="en", ws=key, story=story_id)
    at.text_input(key=f"story_add:{story_id}:en:title:en").input("One too many")
    _button(at, t("story.build.add_button", "en")).click().run()
    assert not at.exception
    assert any("at most 30 steps" in w.value for w in at.warning)


def _expected_changes(lang: str, titles: tuple[str, str], weights: tuple[float, float]) -> str:
    """What the library says between two Riverton steps, as the page writes it."""
    from govdecide import Allocator
    from govdecide.story import tell_story, what_changed
    from ui import solving

    scenario = load_scenario(RIVERTON)
    allocator = Allocator(scenario)
    steps = [
        StepDraft(title, "riverton", RIVERTON_HASH, Settings(equity_weight=w))
        for title, w in zip(titles, weights)
    ]
    told = tell_story(
        steps, lambda s: scenario, lambda s, sc: lambda st: allocator.solve(solving.interactive(st))
    )
    return bullet_list(what_changed(*told, lang))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_present_steps_through_the_story_and_says_what_changed(data_dir, lang):
    key, story_id = _prepared(data_dir)
    at = _app("app_pages/present.py", lang=lang, ws=key, story=story_id)
    assert at.title[0].value == "One"
    assert at.subheader[0].value == md_escape("About One" if lang == "en" else "关于One")
    assert md_escape(t("story.show.first", lang)) in _markdown(at)
    at.button(key="story_next").click().run()
    assert not at.exception
    assert at.title[0].value == "Two"
    assert _expected_changes(lang, ("One", "Two"), (0.0, 0.5)) in _markdown(at)
    with _store(data_dir) as store:
        assert Stories(store.open_workspace(key)).presentation(story_id).position == 1
    at.button(key="story_next").click().run()
    assert at.title[0].value == "Three" and at.button(key="story_next").disabled
    at.button(key="story_prev").click().run()
    assert at.title[0].value == "Two"
    assert [b.label for b in at.button if b.key in ("story_prev", "story_next")] == [
        t("story.present.previous", lang),
        t("story.present.next", lang),
    ]


def test_a_reload_of_present_shows_the_same_story_and_step(data_dir):
    key, story_id = _prepared(data_dir)
    at = _app("app_pages/present.py", lang="en", ws=key, story=story_id)
    at.button(key="story_next").click().run()
    again = _app("app_pages/present.py", lang="en", ws=key, story=story_id)
    assert again.title[0].value == "Two"


def test_present_without_a_story_shows_the_current_setting(data_dir):
    key, _story_id = _prepared(data_dir)
    at = _app("app_pages/present.py", lang="en", ws=key)
    assert at.selectbox(key="present_story:en").value == ""
    assert at.title[0].value == "Riverton"


def test_the_viewer_follows_the_presented_step_and_reads_nothing_else(data_dir):
    key, story_id = _prepared(data_dir)
    _app("app_pages/present.py", lang="en", ws=key, story=story_id)  # starts presenting
    with _store(data_dir) as store:
        stories = Stories(store.open_workspace(key))
        token = stories.viewer_token(story_id)
        viewer = _app(f"app_pages/{VIEWER_PAGE}.py", lang="en", view=token)
        assert viewer.title[0].value == "One"
        assert not [b for b in viewer.button if b.key in ("story_prev", "story_next")]
        stories.move_by(story_id, 2)
        viewer.run()
        assert viewer.title[0].value == "Three"
        stories.stop(story_id)
        viewer.run()
    assert not viewer.title
    assert viewer.info[0].value == t("story.view.waiting", "en")
    nobody = _app(f"app_pages/{VIEWER_PAGE}.py", lang="zh")
    assert nobody.info[0].value == t("story.view.no_link", "zh")


def test_user_words_are_shown_as_text(data_dir):
    hostile = "**bold** [link](http://example.com) <b>x</b> $x$"
    key, story_id = _prepared(data_dir, titles=(hostile, "Plain"))
    at = _app("app_pages/present.py", lang="en", ws=key, story=story_id)
    assert at.title[0].value == md_escape(hostile)
    at.button(key="story_next").click().run()
    assert md_escape(f"Going from {hostile} to Plain") in _markdown(at)


def test_a_broken_database_is_said_and_present_still_works(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_URL, "mysql://nobody@nowhere/none")
    at = _app("app_pages/story.py", lang="en")
    assert at.error and "database" in at.error[0].value.lower()
    present = _app("app_pages/present.py", lang="en", ws="x" * 32)
    assert present.title[0].value == "Riverton"


def test_stop_presenting_turns_the_viewer_link_off_and_shows_the_current_setting(data_dir):
    key, story_id = _prepared(data_dir)
    at = _app("app_pages/present.py", lang="en", ws=key, story=story_id)
    at.button(key="story_stop").click().run()
    assert not at.exception
    assert at.title[0].value == "Riverton" and "story" not in at.query_params
    with _store(data_dir) as store:
        assert Stories(store.open_workspace(key)).presentation(story_id) is None


def test_a_story_is_deleted_only_when_the_trainer_says_so(data_dir):
    key, story_id = _prepared(data_dir)
    at = _app("app_pages/story.py", lang="en", ws=key, story=story_id)
    delete = at.button(key=f"story_delete:{story_id}")
    assert delete.disabled
    at.checkbox(key=f"story_sure:{story_id}").check().run()
    at.button(key=f"story_delete:{story_id}").click().run()
    assert not at.exception and "story" not in at.query_params
    with _store(data_dir) as store:
        assert Stories(store.open_workspace(key)).list() == []
    stale = _app("app_pages/present.py", lang="en", ws=key, story=story_id)
    assert stale.title[0].value == "Riverton"


def test_present_makes_the_report_with_the_story_as_its_last_section(data_dir, monkeypatch):
    """The report of the step shown carries "the story we told" (issue 17); the worker's
    drawing runs in the test's process here (the same function)."""
    from ui import rendering

    monkeypatch.setattr(rendering, "in_worker", lambda function, *args: function(*args))
    key, story_id = _prepared(data_dir)
    at = _app("app_pages/present.py", lang="en", ws=key, story=story_id)
    at.button(key="story_report").click().run()
    assert not at.exception, [e.value for e in at.exception]
    (download,) = [
        b for b in at.get("download_button") if b.proto.label.startswith("Download the report")
    ]
    assert download.proto.label == t("story.present.report_download", "en")


FIVE_YEARS = ROOT / "scenarios" / "stories" / "riverton_five_years.yaml"


def _chart_rows(chart) -> int:
    """How many data rows a drawn chart carries (inline values and sent datasets)."""
    spec = json.loads(chart.proto.spec)
    inline = sum(len(d.get("values", [])) for d in [spec.get("data") or {}])
    inline += sum(len(v) for v in (spec.get("datasets") or {}).values())
    return inline + len(chart.proto.datasets)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_viewer_shows_a_five_year_step_with_the_plans_charts(data_dir, lang):
    """The bundled five-year story copied into a workspace and presented at its second
    step (a plan): the viewer shows the plan's sentences (the library's, for the step's
    settings), its four charts with data, and what changed in the plan's words."""
    from govdecide.io.scenario import display_names
    from govdecide.model.years import solve_plan
    from govdecide.present.plan_summary import plan_summary

    story = load_story(FIVE_YEARS, ROOT / "scenarios")
    with _store(data_dir) as store:
        stories = Stories(store.create_workspace())
        kept = stories.create(story.draft.title, story.draft.steps)
        stories.present(kept.id, 1)
        token = stories.viewer_token(kept.id)
    viewer = _app(f"app_pages/{VIEWER_PAGE}.py", lang=lang, view=token)
    step = story.draft.steps[1]
    assert step.plan is not None and step.plan.years == 5
    assert viewer.title[0].value == md_escape(step.title[lang])
    scenario = load_scenario(RIVERTON)
    plan = solve_plan(scenario, step.settings, step.plan)
    text = _markdown(viewer).replace("\\", "")
    for sentence in plan_summary(plan, display_names(scenario, lang), lang):
        assert sentence.replace("\\", "") in text, sentence
    assert t("story.plan.chg_to_plan", lang, years="5") in text
    charts = viewer.get("vega_lite_chart")
    assert len(charts) >= 5  # the step's own chart and the plan's four
    specs = [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in charts]
    for key in ("plan.chart.commissioned", "plan.chart.coverage"):
        assert any(t(key, lang) in spec for spec in specs), key
    assert all(_chart_rows(c) > 0 for c in charts)


def test_present_steps_from_one_plan_to_the_next_with_the_librarys_words(data_dir):
    """On Present, Next from step 3 to step 4 of the five-year story: the page's "what
    changed" is the library's for the two plans (budget by year, last year's figures)."""
    from govdecide import Allocator
    from govdecide.story import tell_story, what_changed

    story = load_story(FIVE_YEARS, ROOT / "scenarios")
    with _store(data_dir) as store:
        ws = store.create_workspace()
        kept = Stories(ws).create(story.draft.title, story.draft.steps)
        Stories(ws).present(kept.id, 2)
        key = ws.key
    at = _app("app_pages/present.py", lang="en", ws=key, story=kept.id)
    assert at.title[0].value == md_escape(story.draft.steps[2].title["en"])
    at.button(key="story_next").click().run()
    assert not at.exception
    assert at.title[0].value == md_escape(story.draft.steps[3].title["en"])
    scenario = load_scenario(RIVERTON)
    allocator = Allocator(scenario)
    told = tell_story(story.draft.steps[2:4], lambda s: scenario, lambda s, sc: allocator.solve)
    expected = bullet_list(what_changed(*told, "en"))
    assert expected in _markdown(at)
    assert "12,000 · 12,000 · 9,000 · 9,000 · 9,000" in expected
