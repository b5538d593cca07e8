"""The HTML report made from a workspace carries its whole decision log, escaped.

Twoton (tests/present/conftest.py) at its own settings: 1,000 people newly served, E and
z 50%, 100 spent; the log's entry shows those figures as the report writes every figure.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govdecide import Settings, parse_scenario, solve
from govdecide.io.report import LOG_MARK, ReportParts, render_report, with_decision_log
from govdecide.store import Decision, headline_figures
from tests.present.conftest import TWOTON


@pytest.fixture(scope="module")
def twoton():
    return parse_scenario(TWOTON, "twoton.yaml")


@pytest.fixture(scope="module")
def result(twoton):
    return solve(twoton, Settings())


def _entry(result, seq: int, note: str) -> Decision:
    return Decision(
        seq=seq, recorded_at=datetime(2025, 3, 12, 9, 30, tzinfo=UTC), scenario_id="twoton",
        scenario_hash="c" * 64, settings=Settings(), status=result.status,
        figures=headline_figures(result), solver="highs", method="milp",
        versions={"govdecide": "0.1.0"}, note=note,
    )  # fmt: skip


def test_a_report_without_a_workspace_has_no_log_section(twoton, result):
    page = render_report(twoton, result, Settings(), "en", ReportParts())
    assert "Decision log" not in page
    assert LOG_MARK in page  # where with_decision_log puts one


def test_the_log_section_lists_every_entry_in_order_escaped(twoton, result):
    log = [_entry(result, 1, "<script>alert(1)</script>"), _entry(result, 2, "corrects 1")]
    parts = ReportParts(decisions=log, labels={"twoton": "Twoton"})
    page = render_report(twoton, result, Settings(), "en", parts)
    section = page[page.index("Decision log of this workspace") :]
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert section.index("corrects 1") > section.index("&lt;script&gt;")
    assert ">1,000</td>" in section and ">50.0%</td>" in section and ">Twoton</td>" in section
    assert LOG_MARK not in page


def test_a_log_is_put_into_a_report_drawn_without_it(twoton, result):
    """The app's worker draws the report; the log goes in after, where the mark is."""
    page = render_report(twoton, result, Settings(), "zh", ReportParts())
    filed = with_decision_log(page, [_entry(result, 1, "通过")], "zh")
    assert "此工作区的决策记录" in filed and "通过" in filed
    assert filed.index("此工作区的决策记录") < filed.index("</body>")
    empty = with_decision_log(page, [], "en")
    assert "No decision is recorded in this workspace yet." in empty
