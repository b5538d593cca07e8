"""Running the browser tests must not rewrite tracked files (issue 11, item 13).

Screenshots go to a folder git ignores; the README's pictures in docs/screenshots/ change
only when refreshed on purpose (``GOVDECIDE_REFRESH_SCREENSHOTS=1``). No browser needed.
"""

from __future__ import annotations

import subprocess

from tests.browser import conftest


def _ignored(path) -> bool:
    """True when git ignores ``path`` (``git check-ignore`` exits 0)."""
    done = subprocess.run(  # noqa: S603
        ["git", "check-ignore", "-q", str(path)],  # noqa: S607
        cwd=conftest.ROOT,
        check=False,
    )
    return done.returncode == 0


def test_screenshots_go_to_an_ignored_folder(monkeypatch):
    """By default every screenshot, the README's too, lands in an ignored folder."""
    monkeypatch.delenv(conftest.REFRESH_ENV, raising=False)
    for for_docs in (False, True):
        folder = conftest.screenshot_dir(for_docs)
        assert folder != conftest.DOC_SCREENSHOTS
        assert _ignored(folder / "allocate.png")
    assert not _ignored(conftest.DOC_SCREENSHOTS / "allocate.png")


def test_the_readme_pictures_are_refreshed_on_purpose(monkeypatch):
    """With the variable set, the README's pictures go to docs/screenshots; the test-only
    screenshots still do not."""
    monkeypatch.setenv(conftest.REFRESH_ENV, "1")
    assert conftest.screenshot_dir(True) == conftest.DOC_SCREENSHOTS
    assert conftest.screenshot_dir(False) != conftest.DOC_SCREENSHOTS
