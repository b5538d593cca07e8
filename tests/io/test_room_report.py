"""The room's section of the HTML report: in the report, escaped, in both languages."""

from __future__ import annotations

import pandas as pd
import pytest

from govdecide.io.report import ReportParts, render_report
from govdecide.io.room_report import room_section
from govdecide.model.engine import solve
from govdecide.model.settings import Settings
from tests.rooms.scenarios import one_district


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_room_section_is_in_the_report(lang):
    scenario = one_district()
    result = solve(scenario, Settings())
    rules = pd.DataFrame({"Parameter": ["<b>Weight</b>"], "Mean": [40.0], "Median": [20.0]})
    spread = pd.DataFrame({"Parameter": ["Weight"], "Lowest (%)": [0.0], "Highest (%)": [100.0]})
    heading, body = room_section(
        code="ACD347", round_number=2, summary_line="Room ACD347 & co", rules=rules,
        spread=spread, satisfaction=[0.5, 1.0, None, 0.25], rounds=None, lang=lang,
    )  # fmt: skip
    assert "ACD347" in heading
    assert "&lt;b&gt;Weight&lt;/b&gt;" in body and "<b>Weight" not in body
    assert "Room ACD347 &amp; co" in body
    assert "25.0%" in body and "50.0%" in body  # the lowest and the median of three
    page = render_report(
        scenario, result, Settings(), lang, ReportParts(sections=[(heading, body)])
    )
    assert f"<h2>{heading}</h2>" in page
    assert page.index(heading) < page.index("</body>")
