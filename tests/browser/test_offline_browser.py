"""The app works offline: no page asks any host but the app's own server (issue 11).

Every request the browser makes while each page opens is recorded (documents, scripts,
fonts, images, the favicon, websockets); any that does not go to the app's server, or
to the browser itself (``data:``, ``blob:``, ``about:``), fails the test. The chart test
(``test_charts_browser``) checks the same while it draws every chart.
"""

from __future__ import annotations

from tests.browser.conftest import outside_requests, record_requests, wait_for_app_run

PAGES = [
    "",
    "explore",
    "present",
    "tradeoffs",
    "budget",
    "robustness",
    "compare",
    "data",
    "export",
    "about",
]


def test_no_page_asks_another_host(app_url, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-GB")
    asked = record_requests(context)
    try:
        page = context.new_page()
        for path in PAGES:
            page.goto(f"{app_url}/{path}?scenario=riverton&lang=en")
            wait_for_app_run(page, settle_ms=1000, timeout_ms=90_000)
    finally:
        context.close()
    assert len(asked) > len(PAGES), "no requests were recorded"
    outside = outside_requests(app_url, asked)
    assert not outside, "requests to other hosts:\n" + "\n".join(outside)
