"""The "Plan over years" page's downloads: CSV and workbook at once, the report on request.

The report is drawn in the server's worker process; here the worker's function runs in
the test's process (the same code). The files must be the library's for the plan shown.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from govdecide.i18n import t
from ui import rendering

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_plan_downloads_offer_csv_workbook_and_report(monkeypatch, lang):
    made = []

    def in_process(function, *args):
        made.append(function.__name__)
        return function(*args)

    monkeypatch.setattr(rendering, "in_worker", in_process)
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/plan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.slider(key="plan_years").set_value(2).run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("plan.dl.title", lang) in [e.label for e in at.expander]
    labels = [b.label for b in at.get("download_button")]
    assert t("plan.dl.csv", lang) in labels and t("plan.dl.xlsx", lang) in labels
    assert t("plan.dl.report", lang) not in labels  # drawn only on request
    at.button(key="plan_dl_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.label for b in at.get("download_button")]
    assert t("plan.dl.report", lang) in labels
    assert made == ["plan_report_bytes"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_downloads_page_offers_the_plan_last_shown(monkeypatch, lang):
    monkeypatch.setattr(rendering, "in_worker", lambda function, *args: function(*args))
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/export.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("plan.dl.none_yet", lang) in [c.value for c in at.caption]
    at.switch_page("app_pages/plan.py").run()
    at.slider(key="plan_years").set_value(3).run()
    at.switch_page("app_pages/export.py").run()
    assert not at.exception, [e.value for e in at.exception]
    captions = " ".join(c.value for c in at.caption)
    assert t("plan.dl.none_yet", lang) not in captions
    assert t("plan.dl.last", lang, years="3", status="@").split("@")[0] in captions
    labels = [b.label for b in at.get("download_button")]
    assert t("plan.dl.csv", lang) in labels and t("plan.dl.xlsx", lang) in labels
    at.button(key="plan_dlx_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("plan.dl.report", lang) in [b.label for b in at.get("download_button")]
