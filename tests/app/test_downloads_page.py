"""The Downloads page says which chart could not be drawn and keeps the others' files.

The report and the chart images are drawn in a worker process on the server; here the
worker's function runs in the test's process (the same code), so that vl-convert's
failure on one chart can be staged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from govdecide.i18n import t
from govdecide.io import exports
from ui import rendering

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_chart_that_cannot_be_drawn_is_a_warning_and_the_rest_downloads(monkeypatch, lang):
    real_svg = exports.chart_svg
    calls = {"n": 0}

    def svg_failing_on_units(chart):  # the charts come as spend, units, coverage
        calls["n"] += 1
        if calls["n"] % 3 == 2:
            raise exports.ChartError("staged failure")
        return real_svg(chart)

    monkeypatch.setattr(exports, "chart_svg", svg_failing_on_units)
    monkeypatch.setattr(rendering, "files_in_worker", rendering.report_files)
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/export.py").run()
    at.button(key="io_prepare").click().run()
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any("staged failure" in w for w in warnings), warnings
    labels = [b.label for b in at.get("download_button")]
    assert t("io.exp.report_html", lang) in labels
    assert labels.count("SVG") == 2 and labels.count("PNG") == 2, labels
