"""Saved options and decisions of a plan over years: its settings and its own figures.

The plan is tests/model/test_years.py's one-district town: 200 people, stations of 100
places at 10 each with a running cost of 6, a budget of 10 a year for 2 years. By hand:
year 1 builds one station (spend 10), year 2 pays its running cost (spend 6) and cannot
afford a second, so both years serve 100 of 200 (E = z = 50%, objective 0.5), 100 people
newly served by year 2, budget 20 and spend 16 over the 2 years. Those are the figures a
plan's option or decision keeps, apart from any single year's.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import URL, create_engine, update

from govdecide.errors import ScenarioError
from govdecide.io.scenario import parse_scenario
from govdecide.model.settings import Settings
from govdecide.model.years import PlanResult, PlanSettings, solve_plan
from govdecide.store import Store, decisions_frame, options_frame, parse_backup, plan_figures
from govdecide.store.records import PLAN_KEY, yearly_budgets
from govdecide.store.schema import DecisionRow, OptionRow
from tests.model.test_years import ONE as ONE_TEMPLATE

ONE = ONE_TEMPLATE.replace("RUN", "6")  # a running cost of 6 a year
PLAN = PlanSettings(years=2, budget_by_year=(10.0, 10.0), discount_rate=0.03, growth=False)
SETTINGS = Settings(gap=0.0, equity_weight=0.4)


@pytest.fixture(scope="module")
def planned() -> PlanResult:
    return solve_plan(parse_scenario(ONE), SETTINGS, PLAN)


def _scenario(ws):
    return ws.save_scenario(ONE, label="one.yaml")


def _filled(ws, planned: PlanResult) -> None:
    """A plan option, a single-year option and a plan decision of the town."""
    sc = _scenario(ws)
    ws.save_option("Plan", scenario_id=sc.id, scenario_hash=sc.sha256, settings=SETTINGS,
                   figures=plan_figures(planned), plan=PLAN)  # fmt: skip
    ws.save_option("One year", scenario_id=sc.id, scenario_hash=sc.sha256,
                   settings=SETTINGS, figures={"efficiency": 0.5})  # fmt: skip
    ws.record_decision(scenario_id=sc.id, scenario_hash=sc.sha256, settings=SETTINGS,
                       result=planned, note="plan", plan=PLAN)  # fmt: skip


def test_the_plan_figures_are_paper_figures(planned):
    figures = plan_figures(planned)
    assert planned.status == "optimal"
    assert figures["years"] == 2
    assert figures["plan_objective"] == pytest.approx(0.5)
    assert figures["gap"] == pytest.approx(0.0)
    assert figures["efficiency"] == pytest.approx(0.5)  # year 2's
    assert figures["equity"] == pytest.approx(0.5)
    assert figures["people_newly_served"] == pytest.approx(100)
    assert figures["budget_total"] == pytest.approx(20)
    assert figures["spend_total"] == pytest.approx(16)
    assert yearly_budgets(figures) == [10.0, 10.0]
    # nothing of the plan sits under a single year's name
    assert not {"budget", "budget_used", "objective"} & set(figures)


def test_a_plan_option_round_trips_its_plan(store: Store, planned):
    ws = store.create_workspace()
    sc = _scenario(ws)
    saved = ws.save_option("Two-year plan", scenario_id=sc.id, scenario_hash=sc.sha256,
                           settings=SETTINGS, figures=plan_figures(planned),
                           plan=PLAN)  # fmt: skip
    assert saved.plan == PLAN and saved.settings == SETTINGS
    again = store.open_workspace(ws.key).options()
    assert again == [saved]
    assert again[0].figures["budget_total"] == pytest.approx(20)
    # the same name saved as a one-year option replaces the plan, plan and all
    single = ws.save_option("Two-year plan", scenario_id=sc.id, scenario_hash=sc.sha256,
                            settings=SETTINGS, figures={"efficiency": 0.5})  # fmt: skip
    assert single.id == saved.id and single.plan is None
    assert ws.options()[0].plan is None


def test_a_plan_decision_round_trips_its_plan_and_figures(store: Store, planned):
    ws = store.create_workspace()
    sc = _scenario(ws)
    entry = ws.record_decision(scenario_id=sc.id, scenario_hash=sc.sha256, settings=SETTINGS,
                               result=planned, note="Adopted", plan=PLAN)  # fmt: skip
    assert entry.plan == PLAN
    assert entry.status == "optimal" and entry.solver == planned.final.solver
    assert entry.method == planned.method
    assert entry.figures == plan_figures(planned)
    assert store.open_workspace(ws.key).decisions() == [entry]


def test_a_plan_result_needs_its_plan_and_a_plan_needs_its_result(store: Store, planned):
    ws = store.create_workspace()
    sc = _scenario(ws)
    with pytest.raises(ValueError):
        ws.record_decision(scenario_id=sc.id, scenario_hash=sc.sha256, settings=SETTINGS,
                           result=planned)  # fmt: skip
    with pytest.raises(ValueError):
        ws.record_decision(scenario_id=sc.id, scenario_hash=sc.sha256, settings=SETTINGS,
                           result=planned.final, plan=PLAN)  # fmt: skip
    assert ws.decisions() == []


def test_a_plan_that_cannot_be_used_is_not_saved(store: Store, planned):
    ws = store.create_workspace()
    sc = _scenario(ws)
    with pytest.raises(ScenarioError) as caught:
        ws.save_option("Bad", scenario_id=sc.id, scenario_hash=sc.sha256, settings=SETTINGS,
                       figures={}, plan=PlanSettings(years=0))  # fmt: skip
    assert [p.path for p in caught.value.problems] == ["settings.plan.years"]
    assert ws.options() == []


def test_an_old_row_without_a_plan_reads_as_none(db_url: URL, result):
    """A row written before plans existed (its settings JSON has no ``plan`` key) reads
    back as a single-year option and decision, figures unchanged."""
    with Store.open(db_url) as store:
        ws = store.create_workspace()
        sc = ws.save_scenario(ONE)
        ws.save_option("Old", scenario_id=sc.id, scenario_hash=sc.sha256,
                       settings=Settings(budget=10), figures={"efficiency": 0.5})  # fmt: skip
        ws.record_decision(scenario_id=sc.id, scenario_hash=sc.sha256,
                           settings=Settings(budget=10), result=result)  # fmt: skip
        engine = create_engine(db_url)
        with engine.begin() as connection:
            for table in (OptionRow, DecisionRow):
                connection.execute(update(table).values(settings={"budget": 10.0}))
        engine.dispose()
        (option,), (decision,) = ws.options(), ws.decisions()
        assert option.plan is None and option.settings == Settings(budget=10)
        assert decision.plan is None and decision.settings == Settings(budget=10)


def test_a_backup_with_a_plan_round_trips(db_url: URL, planned, tmp_path):
    with Store.open(f"sqlite:///{tmp_path / 'source.sqlite3'}") as source:
        ws = source.create_workspace()
        _filled(ws, planned)
        text = ws.export_json()
        options, decisions = ws.options(), ws.decisions()
    assert json.loads(text)["options"][0]["settings"][PLAN_KEY]["years"] == 2
    with Store.open(db_url) as target:
        restored = target.import_workspace(text)
        again = target.open_workspace(restored.key)
        assert [(o.name, o.plan, o.settings, o.figures) for o in again.options()] == [
            (o.name, o.plan, o.settings, o.figures) for o in options
        ]
        assert again.decisions() == decisions


@pytest.mark.parametrize(
    ("bad", "where"),
    [({"years": 0}, "years"), ({"discount_rate": 2.0}, "discount_rate"),
     ({"budget_by_year": "10,10"}, "budget_by_year"), ("two years", "")],
)  # fmt: skip
def test_a_tampered_plan_in_a_backup_is_refused_with_its_path(store: Store, planned, bad, where):
    ws = store.create_workspace()
    _filled(ws, planned)
    data = ws.export()
    for part in ("options", "decisions"):
        plan = data[part][0]["settings"][PLAN_KEY]
        data[part][0]["settings"][PLAN_KEY] = plan | bad if isinstance(bad, dict) else bad
    with pytest.raises(ScenarioError) as caught:
        parse_backup(data)
    suffix = f".{where}" if where else ""
    paths = {p.path for p in caught.value.problems}
    assert paths == {f"options[0].settings.plan{suffix}", f"decisions[0].settings.plan{suffix}"}
    assert all(caught.value.messages("en")) and all(caught.value.messages("zh"))


def test_the_tables_carry_the_plan_in_columns(store: Store, planned):
    ws = store.create_workspace()
    _filled(ws, planned)
    frame = options_frame(ws.options()).set_index("name")
    assert frame.loc["Plan", "plan.years"] == 2
    assert json.loads(frame.loc["Plan", "plan.budget_by_year"]) == [10.0, 10.0]
    assert frame.loc["Plan", "plan.discount_rate"] == pytest.approx(0.03)
    assert not frame.loc["Plan", "plan.growth"]
    assert frame.loc["Plan", "budget_year_2"] == pytest.approx(10)
    assert frame.loc["Plan", "spend_total"] == pytest.approx(16)
    assert frame["plan.years"].isna()["One year"]
    assert list(frame.columns[-8:]) == [f"plan.{k}" for k in PLAN.to_dict()]
    log = decisions_frame(ws.decisions())
    assert log.loc[0, "plan.years"] == 2 and log.loc[0, "years"] == 2
    # a log with no plan in it has no plan column
    assert not any(c.startswith("plan.") for c in decisions_frame([]).columns)
