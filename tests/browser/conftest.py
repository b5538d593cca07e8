"""Browser tests: `streamlit run app.py` on a free port, driven by Debian's headless chromium.

The server fixture waits the way Streamlit's own end-to-end tests do: the health endpoint
``/_stcore/health`` answers ``ok``, then each page waits until the app element reports
``data-test-script-state="notRunning"`` (the script has finished). Chromium is launched
from ``/usr/bin/chromium`` (no browser download; ``GOVDECIDE_CHROMIUM=/path`` points
elsewhere). Without it the tests skip, except under CI (``CI`` set), where a missing
browser must fail loudly instead of passing silently.

Screenshots go to ``tests/browser/screenshots/`` (ignored by git), so running the tests
never rewrites tracked files. The README's pictures in ``docs/screenshots/`` are refreshed
only on purpose: ``GOVDECIDE_REFRESH_SCREENSHOTS=1 python -m pytest tests/browser``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "tests" / "browser" / "screenshots"  # ignored by git
DOC_SCREENSHOTS = ROOT / "docs" / "screenshots"  # the README's, refreshed on purpose
REFRESH_ENV = "GOVDECIDE_REFRESH_SCREENSHOTS"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
START_TIMEOUT_S = 90


def _chromium() -> str | None:
    """The chromium binary, if this machine has one (``GOVDECIDE_CHROMIUM`` overrides)."""
    override = os.environ.get("GOVDECIDE_CHROMIUM")
    if override:
        return override if os.path.exists(override) else None
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    return shutil.which("chromium")


def _in_ci() -> bool:
    """True under continuous integration (CI=true or any non-empty value but 0/false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``browser``."""
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


def screenshot_dir(for_docs: bool = False) -> Path:
    """Where a screenshot goes: the ignored folder, or ``docs/screenshots`` for a README
    picture when :data:`REFRESH_ENV` is ``1`` (a deliberate refresh, committed by hand)."""
    if for_docs and os.environ.get(REFRESH_ENV, "").strip() == "1":
        return DOC_SCREENSHOTS
    return SCREENSHOTS


def screenshot(page: object, name: str, for_docs: bool = False, full_page: bool = False) -> Path:
    """Save a screenshot of ``page`` as ``name`` (see :func:`screenshot_dir`); its path."""
    folder = screenshot_dir(for_docs)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=full_page)  # type: ignore[attr-defined]
    return path


LOCAL_SCHEMES = ("data:", "blob:", "about:", "chrome")


def record_requests(context: object) -> list[str]:
    """Every URL the pages of a browser context ask for (requests and websockets)."""
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))  # type: ignore[attr-defined]
    context.on("websocket", lambda ws: asked.append(ws.url))  # type: ignore[attr-defined]
    return asked


def outside_requests(app_url: str, asked: list[str]) -> list[str]:
    """The URLs in ``asked`` that go neither to the app's server nor to the browser."""
    port = app_url.rsplit(":", 1)[1]
    local = (app_url, f"ws://127.0.0.1:{port}", *LOCAL_SCHEMES)
    return sorted({url for url in asked if not url.startswith(local)})


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    """True when Streamlit's health endpoint answers ok."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310
            return response.read().decode().strip() == "ok"
    except OSError:
        return False


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """The browser to drive; skip (locally) or fail (CI) when it is missing."""
    path = _chromium()
    if path is None:
        if _in_ci():
            pytest.fail("chromium is not installed but CI is set: browser tests must run in CI")
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    return path


def start_app(port: int, log: Path) -> subprocess.Popen:
    """`streamlit run app.py` on ``port``, its output appended to ``log``; returns once
    the health endpoint answers (fails the test if it never does)."""
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("a") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_app(proc)
            pytest.fail(f"streamlit did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)
    return proc


def stop_app(proc: subprocess.Popen, kill: bool = False) -> None:
    """Stop a server of :func:`start_app`: politely, or at once (``kill``, as a crash)."""
    if proc.poll() is not None:
        return
    if kill:
        proc.kill()
    else:
        proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def app_url(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a free port; yields its base URL, stops it afterwards."""
    port = free_port()
    proc = start_app(port, tmp_path_factory.mktemp("streamlit") / "server.log")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_app(proc)


@pytest.fixture()
def own_server(chromium_path: str, tmp_path: Path) -> Iterator[dict]:
    """A server of the test's own (it may kill, restart or load it): a dict with its
    ``url``, ``port``, ``log`` and process (``proc``), stopped after the test."""
    port = free_port()
    log = tmp_path / "server.log"
    server = {"url": f"http://127.0.0.1:{port}", "port": port, "log": log}
    server["proc"] = start_app(port, log)
    try:
        yield server
    finally:
        stop_app(server["proc"])


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    """One headless chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture()
def page(browser: object) -> Iterator[object]:
    """A fresh page (own cookies, own Streamlit session) in English, 1400x1000."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 1400, "height": 1000}, locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


def wait_for_app_run(page: object, settle_ms: int = 250, timeout_ms: int = 30_000) -> None:
    """Block until Streamlit has finished running the script (as Streamlit's tests do).

    The script must still be finished after ``settle_ms``: a page may rerun at once (a
    fragment's poll, the navigation's first rerun), and on a loaded machine the first
    "not running" can be the pause between two runs, when half the page is still the old
    run's elements. ``timeout_ms`` bounds each wait (the analyses' runs take longer).
    """
    page.wait_for_timeout(210)  # type: ignore[attr-defined]
    done = page.locator(  # type: ignore[attr-defined]
        "[data-testid='stApp'][data-test-script-state='notRunning']"
    )
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        page.locator(  # type: ignore[attr-defined]
            "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
        ).wait_for(state="attached", timeout=timeout_ms)
        done.wait_for(state="attached", timeout=timeout_ms)
        page.wait_for_timeout(settle_ms)  # type: ignore[attr-defined]
        if done.count() == 1 or time.monotonic() > deadline:
            return


def nav_link(page: object, url_path: str) -> object:
    """The sidebar's link to the page at ``url_path`` ("" for the first page): found by
    its address, so adding a page to the navigation does not move a test's clicks."""
    suffix = f"/{url_path}" if url_path else "/"
    return page.locator(  # type: ignore[attr-defined]
        f"[data-testid='stSidebarNavLink'][href$='{suffix}']"
    ).first
