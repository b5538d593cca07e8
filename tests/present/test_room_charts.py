"""The room's charts and tables: built from the room's frames, in both languages."""

from __future__ import annotations

import pandas as pd
import pytest

from govdecide.present import room_charts
from govdecide.present.room_tables import combined_table, submissions_export
from govdecide.rooms import RULES, RoomConfig, Submission, combine_all, combined_frame, spread_frame
from tests.rooms.scenarios import one_district

CONFIG = RoomConfig(programs=("clinic", "school"), equity=True)
SUBS = [Submission({"clinic": 10, "school": 0}, 0.2), Submission({"clinic": 2, "school": 8}, 0.6)]
NAMES = {"clinic": "Clinic", "school": "School"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_charts_have_their_data_and_titles(lang):
    spread = spread_frame(one_district(), CONFIG, SUBS)
    assert len(spread) == 6  # 2 participants x (2 weights + equity)
    spec = room_charts.spread_chart(spread, {"w.clinic": 0.6, "w.school": 0.4}, NAMES, lang)
    assert spec.to_dict()["title"]["text"]
    hist = room_charts.satisfaction_histogram([0.05, 0.5, 0.55, 1.0, None], lang).to_dict()
    counts = next(iter(hist["datasets"].values()))
    assert [r["count"] for r in counts] == [1, 0, 0, 0, 0, 2, 0, 0, 0, 1]
    assert "5.0%" in str(hist["title"]["subtitle"])  # the lowest, 5%


def test_the_rules_table_is_in_percent():
    frame = combined_frame(CONFIG, combine_all(one_district(), CONFIG, SUBS))
    table = combined_table(frame, NAMES, "en", RULES)
    # clinic shares 1 and 0.2: mean and median 0.6; the geometric mean vetoes schools (a 0)
    # and gives clinics all of the room's weight
    assert list(table.iloc[0]) == ["Weight of Clinic", 60.0, 60.0, 100.0]


def test_the_export_is_anonymous_unless_a_name_was_given():
    from datetime import UTC, datetime

    class Rec:
        def __init__(self, seat, name, sub):
            self.seat, self.name, self.submission = seat, name, sub
            self.round, self.changes, self.submitted_at = 1, 1, datetime(2025, 1, 1, tzinfo=UTC)

    out = submissions_export(
        one_district(), CONFIG, [Rec(1, None, SUBS[0]), Rec(2, "=Ana", SUBS[1])], "en"
    )
    assert list(out["name"]) == ["anonymous", "=Ana"]  # the CSV writer neutralises "="
    assert list(out["share.clinic"]) == [1.0, 0.2]
    assert isinstance(out, pd.DataFrame) and "equity_weight" in out.columns
