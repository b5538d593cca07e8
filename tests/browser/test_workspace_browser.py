"""Saved work in a real browser (issue 12): the link brings it back, a restart keeps it,
and two servers sharing one PostgreSQL serve the same workspace.

Each test runs its own server(s) on a database of its own: a SQLite file in the test's
data directory (``GOVDECIDE_DATA_DIR``), or a fresh schema of the test PostgreSQL
(``GOVDECIDE_TEST_POSTGRES_URL``; skipped without a server, failing under ``CI=true``,
as the store's own tests do). "Another person" is a new browser context: no cookies, no
session, only the link. The data table is read from a canvas, so options are checked by
the comparison's headline lines ("Base: need served ..."), which are text.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import free_port, screenshot, start_app, stop_app, wait_for_app_run
from tests.store.conftest import full_url, postgres_server  # noqa: F401 (a fixture)

TABLE = (
    "District,Population,elderly_share,children_share,hotline_calls_per_10k\n"
    "Hilltop,120000,0.21,0.12,150\n"
    "Quayside,80000,0.12,0.15,90\n"
    "Old Mill,45000,0.25,0.10,200\n"
)


def _serve(tmp_path: Path, name: str) -> dict:
    """A server of this test on a free port, with the environment the test has set."""
    port = free_port()
    log = tmp_path / f"{name}.log"
    return {"url": f"http://127.0.0.1:{port}", "port": port, "log": log,
            "proc": start_app(port, log)}  # fmt: skip


@pytest.fixture()
def server(chromium_path, tmp_path, monkeypatch) -> Iterator[dict]:
    """One server on the test's own SQLite file."""
    monkeypatch.delenv("GOVDECIDE_DATABASE_URL", raising=False)
    monkeypatch.setenv("GOVDECIDE_DATA_DIR", str(tmp_path / "data"))
    running = _serve(tmp_path, "server")
    try:
        yield running
    finally:
        stop_app(running["proc"])


def _restart(server: dict) -> None:
    """Kill the server at once (as a crash) and start another on the same port."""
    stop_app(server["proc"], kill=True)
    time.sleep(1.0)
    server["proc"] = start_app(server["port"], server["log"])


def _context(browser):
    return browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")


def _settle(page, timeout_ms: int = 60_000) -> None:
    wait_for_app_run(page, settle_ms=1000, timeout_ms=timeout_ms)


def _save_option(page, name: str) -> None:
    page.get_by_label("Name of this option").fill(name)
    page.get_by_role("button", name="Save the current settings").click()
    _settle(page)
    expect(page.get_by_text(f"Saved “{name}”.")).to_be_visible()


def _sidebar_link(page) -> str:
    """The workspace link the sidebar offers to copy."""
    code = page.locator("[data-testid='stSidebar'] [data-testid='stCode']")
    expect(code).to_be_visible()
    return code.inner_text().strip()


def _both_options_shown(page) -> None:
    expect(page.get_by_text(re.compile(r"Base: need served"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Lean: need served"))).to_be_visible()


def _open_anew_then_after_a_restart(server: dict, browser, link: str, check) -> None:
    """Open ``link`` in a new browser and ``check`` the page; kill and restart the server,
    then do it again (``check(page, "new_browser" | "restart")``)."""
    for step in ("new_browser", "restart"):
        if step == "restart":
            _restart(server)
        other = _context(browser)
        try:
            page = other.new_page()
            page.goto(link)
            _settle(page)
            check(page, step)
        finally:
            other.close()


def test_two_saved_options_survive_a_reload_a_new_browser_and_a_restart(server, browser):
    """Save "Base", open the page again at a budget of 30,000 and save "Lean"; reload:
    both; a new browser with the sidebar's link: both; the server killed and started
    again: both."""
    first = _context(browser)
    try:
        page = first.new_page()
        page.goto(server["url"] + "/compare?lang=en")
        _settle(page)
        expect(page.get_by_text("Nothing is saved yet.")).to_be_visible()
        _save_option(page, "Base")
        link = _sidebar_link(page)
        assert re.fullmatch(
            rf"{server['url']}/compare\?ws=[\w-]{{32}}&scenario=riverton&lang=en", link
        )
        page.goto(link + "&budget=30000")  # a new session of the same workspace
        _settle(page)
        _save_option(page, "Lean")
        _both_options_shown(page)
        page.reload()
        _settle(page)
        _both_options_shown(page)
        screenshot(page, "workspace_compare.png")
        with page.expect_download() as download:  # the file is made when asked for
            page.get_by_role("button", name="Download the saved options (JSON)").click()
        saved = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert [s["name"] for s in saved["snapshots"]] == ["Base", "Lean"]
        assert [s["budget"] for s in saved["snapshots"]] == [40000, 30000]
    finally:
        first.close()

    def check(page, step: str) -> None:
        _both_options_shown(page)
        expect(page.get_by_text("Your work is saved in this workspace.")).to_be_visible()

    _open_anew_then_after_a_restart(server, browser, link, check)


def test_an_imported_table_opens_from_the_link_with_its_settings(server, browser, tmp_path):
    """Build a scenario from a CSV, move its budget slider three steps: a new browser with
    the address opens that scenario at that budget, also after a restart."""
    table = tmp_path / "my_districts.csv"
    table.write_text(TABLE, encoding="utf-8")
    first = _context(browser)
    try:
        page = first.new_page()
        page.goto(server["url"] + "/data?lang=en")
        _settle(page)
        page.get_by_role("tab", name="Build from a table").click()
        panel = page.get_by_role("tabpanel", name="Build from a table")
        panel.locator("input[type='file']").set_input_files(str(table))
        _settle(page)
        panel.get_by_role("button", name="Build and check the scenario").click()
        _settle(page)
        expect(page.get_by_text("'my_districts' was added to the scenario list")).to_be_visible()
        expect(page.get_by_text("It is saved in your workspace")).to_be_visible()
        page.locator("[data-testid='stSidebarNav']").get_by_text("Allocate").click()
        _settle(page)
        expect(page.get_by_role("heading", name="Allocate — my_districts")).to_be_visible()
        budget = page.get_by_role("slider").first
        start = float(budget.input_value())
        budget.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
            _settle(page)
        moved = budget.input_value()
        assert float(moved) > start
        expect(page).to_have_url(re.compile(rf"[?&]budget={moved}(&|$)"))
        address = page.url
        assert re.search(r"[?&]ws=[\w-]{32}", address)
        assert re.search(r"[?&]scenario=my_districts(&|$)", address)
    finally:
        first.close()

    def check(page, step: str) -> None:
        expect(page.get_by_role("heading", name="Allocate — my_districts")).to_be_visible()
        expect(page.get_by_role("slider").first).to_have_value(moved)
        expect(page.get_by_text("Part of this link was not understood")).to_have_count(0)
        screenshot(page, f"workspace_imported_{step}.png")

    _open_anew_then_after_a_restart(server, browser, address, check)


@pytest.fixture()
def two_servers_one_postgres(chromium_path, postgres_server, tmp_path, monkeypatch):  # noqa: F811
    """Two servers on different ports sharing a fresh schema of the test PostgreSQL."""
    schema = f"test_{secrets.token_hex(6)}"
    admin = create_engine(postgres_server)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = postgres_server.update_query_dict({"options": f"-csearch_path={schema}"})
    monkeypatch.setenv("GOVDECIDE_DATABASE_URL", full_url(url))
    monkeypatch.setenv("GOVDECIDE_DATA_DIR", str(tmp_path / "unused"))
    servers: list[dict] = []
    try:
        servers = [_serve(tmp_path, name) for name in ("one", "two")]
        yield servers[0], servers[1]
    finally:
        for running in servers:
            stop_app(running["proc"])
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_two_servers_on_one_postgresql_serve_the_same_workspace(two_servers_one_postgres, browser):
    """Saves on server one show on server two (a load balancer may send the next person
    anywhere), and a save there shows back on one."""
    one, two = two_servers_one_postgres
    people = [_context(browser), _context(browser)]
    try:
        page_one, page_two = (c.new_page() for c in people)
        page_one.goto(one["url"] + "/compare?lang=en")
        _settle(page_one)
        _save_option(page_one, "Base")
        link = _sidebar_link(page_one)
        page_one.goto(link + "&budget=30000")
        _settle(page_one)
        _save_option(page_one, "Lean")
        on_two = link.replace(one["url"], two["url"])
        page_two.goto(on_two)
        _settle(page_two)
        _both_options_shown(page_two)
        page_two.goto(on_two + "&equity=1")
        _settle(page_two)
        _save_option(page_two, "Even")
        page_one.reload()
        _settle(page_one)
        expect(page_one.get_by_text(re.compile(r"Even: need served"))).to_be_visible()
        screenshot(page_one, "workspace_two_servers.png")
    finally:
        for context in people:
            context.close()
