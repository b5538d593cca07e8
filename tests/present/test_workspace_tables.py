"""The decision log and the saved options as a person reads them (Twoton, see conftest).

Twoton at its own settings (budget 100, max-min): 5 clinics each, both districts at 50%,
so 500 + 500 = 1,000 people newly served, E = (500 + 1,500) / 4,000 = 50%, z = 50%, all
100 coins spent. Those are the figures a decision on it records and the log shows.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govdecide import Settings
from govdecide.present.result_tables import table_formats
from govdecide.present.workspace_tables import decision_log_table, decision_log_text, options_table
from govdecide.store import Decision, SavedOption, headline_figures

WHEN = datetime(2025, 3, 12, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def decision(maxmin) -> Decision:
    return Decision(
        seq=1, recorded_at=WHEN, scenario_id="abc123def456", scenario_hash="a" * 64,
        settings=Settings(budget=100.0), status=maxmin.status,
        figures=headline_figures(maxmin), solver="highs", method="milp",
        versions={"govdecide": "0.1.0", "pulp": "3.3", "highs": "1.8"},
        note="=HYPERLINK(\"x\") **adopted**",
    )  # fmt: skip


def test_the_figures_are_paper_figures(maxmin):
    figures = headline_figures(maxmin)
    assert figures["people_newly_served"] == pytest.approx(1000)
    assert figures["efficiency"] == pytest.approx(0.5)
    assert figures["equity"] == pytest.approx(0.5)
    assert figures["budget_used"] == pytest.approx(100)


def test_the_log_table_shows_each_entry_by_kind(decision):
    table = decision_log_table([decision], "en", {"abc123def456": "Twoton"})
    row = table.iloc[0]
    assert row["No."] == 1
    assert row["Recorded (UTC)"] == "2025-03-12 09:30 UTC"
    assert row["Scenario"] == "Twoton"
    assert row["Status"] == "optimal"
    assert row["People newly served"] == 1000
    assert row["Need served (E) (%)"] == 50.0  # a share shown in percent, its heading says so
    assert row["Worst-served district (z) (%)"] == 50.0
    assert row["Spent"] == 100
    assert row["Equity weight"] == "as in the scenario"
    assert row["Note"] == decision.note  # kept as written: whoever shows it escapes it
    assert table_formats(table) == {
        "People newly served": "localized", "Need served (E) (%)": "localized",
        "Worst-served district (z) (%)": "localized", "Spent": "localized",
        "Budget": "localized",
    }  # fmt: skip


def test_the_log_in_chinese_and_an_unknown_scenario_by_its_id(decision):
    table = decision_log_table([decision], "zh")
    assert table.iloc[0]["情景"] == "abc123def456"
    assert table.iloc[0]["状态"] == "最优"


def test_the_log_as_text_for_the_report(decision):
    headings, rows = decision_log_text([decision], "en")
    cells = dict(zip(headings, rows[0]))
    assert cells["People newly served"] == ("1,000", True)
    assert cells["Need served (E)"] == ("50.0%", True)
    assert cells["Spent"] == ("100", True)
    assert cells["Solved with"] == (
        "HiGHS, integer program (branch and bound), govdecide 0.1.0",
        False,
    )


def test_an_empty_log_is_an_empty_table_with_its_headings():
    table = decision_log_table([], "en")
    assert table.empty and "Note" in table.columns


def test_options_table(maxmin):
    option = SavedOption(
        id=3, name="Plan $A$", scenario_id="twoton", scenario_hash="b" * 64,
        settings=Settings(equity_weight=0.25), figures=headline_figures(maxmin), saved_at=WHEN,
    )  # fmt: skip
    table = options_table([option], "en")
    row = table.iloc[0]
    assert row["Option"] == "Plan $A$"
    assert row["Equity weight"] == "0.25"
    assert row["Budget"] == 100 and row["Need served (E) (%)"] == 50.0
    assert row["Saved (UTC)"] == "2025-03-12 09:30 UTC"
