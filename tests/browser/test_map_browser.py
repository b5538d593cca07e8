"""Your own map in a real browser (issue 16): London's bundled boundaries imported as if
they were a user's file onto a copy of the London scenario without its map.

The copy is uploaded on the data page, the boundary file in the map section, matched by
name, given an attribution and used; then the Allocate page's map of gains must draw every
borough: its SVG has a shape for each of the 33, the screenshot shows coloured polygons
(many colours of the viridis scale over a sixth or more of its box; London fills about a
quarter), and the map PNG of the downloads page, opened as an image, shows them too.
"""

from __future__ import annotations

import io

import numpy as np
import yaml
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, SCREENSHOTS, screenshot, wait_for_app_run

LONDON = ROOT / "scenarios" / "london.yaml"
BOUNDARIES = ROOT / "scenarios" / "maps" / "london_boroughs.topojson"
ATTRIBUTION = "Contains OS data © Crown copyright and database right 2015"
SHAPES_JS = """
e => [...e.querySelectorAll('svg g.mark-shape.role-mark')].map(
  g => [...g.querySelectorAll('path')].filter(p => {
    const r = p.getBoundingClientRect(); return r.width > 0.5 && r.height > 0.5; }).length)
"""


def colour_facts(png: bytes) -> tuple[int, float]:
    """(distinct strong colours, share of pixels that are coloured) of an image: a
    coloured pixel is neither white-ish, grey nor black (a drawn district, not paper)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.thumbnail((400, 400))
    pixels = np.asarray(image).reshape(-1, 3).astype(int)
    coloured = pixels[pixels.max(axis=1) - pixels.min(axis=1) > 40]
    distinct = {tuple(p) for p in (coloured // 16).tolist()}
    return len(distinct), len(coloured) / len(pixels)


def london_without_map(tmp_path) -> str:
    data = yaml.safe_load(LONDON.read_text(encoding="utf-8"))
    data.pop("map")
    for district in data["districts"]:
        district.pop("map_id", None)
    path = tmp_path / "london_copy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def import_the_map(page, app_url: str, tmp_path) -> None:
    page.goto(f"{app_url}/data")
    wait_for_app_run(page)
    upload_tab = page.get_by_role("tabpanel", name="Upload a scenario file")
    upload_tab.locator("input[type='file']").set_input_files(london_without_map(tmp_path))
    wait_for_app_run(page, settle_ms=800)
    expect(page.get_by_text("was added to the scenario list")).to_be_visible()

    section = page.locator("[data-testid='stFileUploader']").filter(has_text="Boundary file")
    section.locator("input[type='file']").set_input_files(str(BOUNDARIES))
    wait_for_app_run(page, settle_ms=1500, timeout_ms=60_000)
    expect(page.get_by_text("33 features with an area")).to_be_visible(timeout=60_000)

    by = page.get_by_role("combobox", name="Match features to districts by")
    by.click()
    by.fill("name (English")
    page.keyboard.press("Enter")
    wait_for_app_run(page, settle_ms=800)
    expect(page.get_by_text("33 of 33 districts matched by id")).to_be_visible()
    page.get_by_role("textbox", name="Attribution (who made the boundaries").fill(ATTRIBUTION)
    page.keyboard.press("Enter")
    wait_for_app_run(page, settle_ms=500)
    page.get_by_role("button", name="Use this map").click()
    wait_for_app_run(page, settle_ms=1500, timeout_ms=60_000)
    expect(page.get_by_text("now draws its districts with your map")).to_be_visible(timeout=60_000)


def test_imported_london_boundaries_draw_every_borough(app_url, page, tmp_path):
    import_the_map(page, app_url, tmp_path)
    preview = page.locator("[data-testid='stVegaLiteChart']").first
    expect(preview).to_be_visible(timeout=30_000)

    page.locator("[data-testid='stSidebarNav']").get_by_text("Allocate").click()
    wait_for_app_run(page, settle_ms=1500, timeout_ms=120_000)
    page.get_by_role("tab", name="Map of gains").click()
    wait_for_app_run(page, settle_ms=1500, timeout_ms=60_000)
    chart = page.locator("[data-testid='stVegaLiteChart']").filter(has_text="Coverage gain")
    expect(chart).to_be_visible(timeout=60_000)
    expect(chart.get_by_text(ATTRIBUTION)).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('svg g.mark-shape.role-mark')].some("
        "g => g.querySelectorAll('path').length >= 33)",
        timeout=30_000,
    )
    background, choropleth = chart.evaluate(SHAPES_JS)
    assert background == 33 and choropleth == 33, (background, choropleth)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = chart.screenshot(path=str(SCREENSHOTS / "map_of_gains_your_map.png"))
    screenshot(page, "allocate_map_of_gains_your_map.png")
    colours, share = colour_facts(shot)
    assert colours >= 8, f"{colours} colours: the districts are not drawn in their values"
    assert share > 0.15, f"only {share:.0%} of the map is coloured"

    page.locator("[data-testid='stSidebarNav']").get_by_text("Downloads and report").click()
    wait_for_app_run(page, settle_ms=800, timeout_ms=120_000)
    page.get_by_role("button", name="Prepare the report and chart images").click()
    wait_for_app_run(page, settle_ms=800, timeout_ms=180_000)
    row = page.locator("[data-testid='stHorizontalBlock']").filter(has_text="Map of coverage gains")
    expect(row).to_be_visible(timeout=120_000)
    with page.expect_download() as info:
        row.get_by_role("button", name="PNG").click()
    png = info.value.path().read_bytes()
    assert png.startswith(b"\x89PNG")
    colours, share = colour_facts(png)
    assert colours >= 8 and share > 0.15, (colours, share)
    (tmp_path / "map.png").write_bytes(png)
