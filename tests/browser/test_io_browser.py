"""Bring your own data in a real browser: upload a CSV, map a column, solve, download.

The table's population column is headed 'Residents', which the guesses do not know, so
the user must map it by hand: the test picks 'Population' in that column's select box,
builds the scenario, opens the downloads page and saves the HTML report, then checks the
report is about that table, has its charts inline and references nothing outside itself.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import wait_for_app_run

TABLE = (
    "District,Residents,elderly_share,children_share,hotline_calls_per_10k,Notes\n"
    "Hilltop,120000,0.21,0.12,150,older\n"
    "Quayside,80000,0.12,0.15,90,\n"
    "Old Mill,45000,0.25,0.10,200,rural\n"
)


def test_upload_map_solve_download_report(app_url, page, tmp_path):
    table = tmp_path / "my_districts.csv"
    table.write_text(TABLE, encoding="utf-8")
    page.goto(f"{app_url}/data")
    wait_for_app_run(page)
    page.get_by_role("tab", name="Build from a table").click()

    panel = page.get_by_role("tabpanel", name="Build from a table")
    panel.locator("input[type='file']").set_input_files(str(table))
    wait_for_app_run(page, settle_ms=800)
    expect(panel.get_by_text("3 district rows")).to_be_visible()

    # map 'Residents' (not a known header) to Population
    box = panel.locator("[data-testid='stSelectbox']").filter(has_text="Residents")
    box.click()
    page.get_by_role("option", name="Population", exact=True).click()
    wait_for_app_run(page, settle_ms=500)

    panel.get_by_role("button", name="Build and check the scenario").click()
    wait_for_app_run(page, settle_ms=800)
    expect(page.get_by_text("'my_districts' was added to the scenario list")).to_be_visible()

    page.locator("[data-testid='stSidebarNav']").get_by_text("Downloads and report").click()
    wait_for_app_run(page, settle_ms=800)
    expect(page.get_by_role("heading", name="Downloads and report: my_districts")).to_be_visible()
    expect(page.get_by_text("people newly served")).to_be_visible()

    page.get_by_role("button", name="Prepare the report and chart images").click()
    wait_for_app_run(page, settle_ms=800)
    download_button = page.get_by_role("button", name="Download the report (HTML)")
    expect(download_button).to_be_visible(timeout=60_000)
    with page.expect_download() as info:
        download_button.click()
    saved = tmp_path / "report.html"
    info.value.save_as(saved)
    report = saved.read_text(encoding="utf-8")
    assert info.value.suggested_filename == "my_districts-report.html"
    assert "Allocation report: my_districts" in report
    assert "Hilltop" in report and "Old Mill" in report
    assert "my_districts.csv" in report  # the data source is named
    assert report.count("<svg") == 3
    assert not re.search(r"https?://|<script|<link|url\(", report, re.I)
