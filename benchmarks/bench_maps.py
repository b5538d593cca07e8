"""Map benchmark (issue 16): matching and preparing a 3,000-feature boundary file, and
drawing the map of gains at 3,000 districts in the browser. Reported, never asserted.

The boundary file is generated for ``scenarios/large_region.yaml`` (3,000 invented
districts on a tile grid): one Voronoi cell per district around its tile, placed at
115.5-117.5 E, 39.5-41 N, its edges cut every 0.002 degrees (about 60 points a district,
like a real district outline), named as the districts are, written as GeoJSON. Library
steps are timed directly (median of ``--repeats``); with ``--browser`` the app is started
(as the browser tests start it), the scenario and the file are uploaded, the map is used,
and the Allocate page is timed: from opening it to the solve's status (the solve), and
from clicking "Map of gains" to all 3,000 shapes in the map's SVG (the drawing).

    python -m benchmarks.bench_maps              # library steps
    python -m benchmarks.bench_maps --browser    # and the browser (a few minutes)
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely

from benchmarks.common import command_line, machine, median, secs, stamp, write_section
from govdecide import load_scenario
from govdecide.i18n import localize
from govdecide.io.boundaries import prepare_map, read_map
from govdecide.io.boundary_match import match_features

ROOT = Path(__file__).resolve().parents[1]
REGION = ROOT / "scenarios" / "large_region.yaml"


def boundary_file(scenario) -> bytes:  # noqa: ANN001 - a Scenario
    """One Voronoi cell per district around its tile (see the module's doc), as GeoJSON."""
    cols = max(d.tile[0] for d in scenario.districts) + 1
    rows = max(d.tile[1] for d in scenario.districts) + 1
    points = np.array(
        [[115.5 + 2.0 * (d.tile[0] + 0.5) / cols, 41.0 - 1.5 * (d.tile[1] + 0.5) / rows]
         for d in scenario.districts]
    )  # fmt: skip
    box = shapely.box(115.5, 39.5, 117.5, 41.0)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), extend_to=box))
    centres = shapely.points(points)
    tree = shapely.STRtree(cells)
    order = [int(tree.query(c, predicate="within")[0]) for c in centres]
    cells = shapely.segmentize(shapely.intersection(cells[order], box), 0.002)
    features = [
        {"type": "Feature", "properties": {"name": localize(d.name, "en")},
         "geometry": json.loads(shapely.to_geojson(shapely.set_precision(c, 1e-5)))}
        for d, c in zip(scenario.districts, cells, strict=True)
    ]  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def library(repeats: int) -> tuple[str, bytes]:
    """The library steps' table, and the file (for the browser part)."""
    scenario = load_scenario(REGION)
    data = boundary_file(scenario)
    reads, matches, prepares = [], [], []
    for _ in range(repeats):
        start = time.perf_counter()
        boundaries = read_map(data, "region.geojson")
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        match = match_features(boundaries, scenario, "name")
        matches.append(time.perf_counter() - start)
        start = time.perf_counter()
        prepared = prepare_map(boundaries, match, scenario, "Invented")
        prepares.append(time.perf_counter() - start)
    rows = [
        f"| read and check (GeoJSON, {len(data) / 2**20:.1f} MB, {boundaries.points:,} points) "
        f"| {secs(median(reads))} |",
        f"| match by name ({len(match.districts()):,} of {len(scenario.districts):,} districts) "
        f"| {secs(median(matches))} |",
        f"| prepare: join, one topology, simplify ({prepared.points_before:,} -> "
        f"{prepared.points_after:,} points, {len(prepared.text) / 2**20:.2f} MB TopoJSON) "
        f"| {secs(median(prepares))} |",
    ]
    table = f"| step (3,000 districts) | seconds (median of {repeats}) |\n| --- | ---: |\n"
    return table + "\n".join(rows) + "\n", data


def browser(data: bytes) -> str:
    """The browser figures (see the module's doc)."""
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, stop_app
    from tests.browser.conftest import wait_for_app_run as wait

    folder = Path(tempfile.mkdtemp())
    (folder / "region.geojson").write_bytes(data)
    port = free_port()
    proc = start_app(port, folder / "server.log")
    try:
        with sync_playwright() as pw:
            chrome = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = chrome.new_page(viewport={"width": 1400, "height": 1000}, locale="en-GB")
            page.set_default_timeout(600_000)
            page.goto(f"http://127.0.0.1:{port}/data")
            wait(page)
            panel = page.get_by_role("tabpanel", name="Upload a scenario file")
            panel.locator("input[type='file']").set_input_files(str(REGION))
            wait(page, settle_ms=1500, timeout_ms=600_000)
            uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Boundary")
            uploader.locator("input[type='file']").set_input_files(str(folder / "region.geojson"))
            wait(page, settle_ms=2000, timeout_ms=600_000)
            page.get_by_role("button", name="Use this map").click()
            wait(page, settle_ms=2000, timeout_ms=600_000)
            expect(page.get_by_text("now draws its districts")).to_be_visible()
            start = time.perf_counter()
            page.locator("[data-testid='stSidebarNav']").get_by_text("Allocate").click()
            page.get_by_role("tab", name="Map of gains").wait_for()
            wait(page, settle_ms=1000, timeout_ms=600_000)
            solved = time.perf_counter() - start
            start = time.perf_counter()
            page.get_by_role("tab", name="Map of gains").click()
            page.wait_for_function(
                "() => [...document.querySelectorAll('svg g.mark-shape.role-mark')]"
                ".some(g => g.querySelectorAll('path').length >= 3000)",
                timeout=600_000,
            )
            drawn = time.perf_counter() - start
            chrome.close()
    finally:
        stop_app(proc)
    return (
        "| in the browser (3,000 districts) | seconds |\n| --- | ---: |\n"
        f"| open Allocate until the solve's status shows | {secs(solved)} |\n"
        f'| click "Map of gains" until all 3,000 shapes are in the SVG | {secs(drawn)} |\n'
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args()
    table, data = library(args.repeats)
    body = (
        f"### Your own map (issue 16)\n\n`{command_line('benchmarks.bench_maps')}`, "
        f"{stamp()}; {machine()}.\n\n{table}"
    )
    if args.browser:
        body += "\n" + browser(data)
    print(body)
    write_section("bench_maps", body)


if __name__ == "__main__":
    main()
