"""govdecide, the app: ``streamlit run app.py`` opens on the teaching city.

This file only sets up navigation (``st.Page``/``st.navigation``), the store (opened and
migrated once per server, see ``ui.workspace``) and the sidebar every page shares
(scenario picker, language switch, about this scenario, saved work); each page lives in
``app_pages/`` and stays thin. The folder is not called ``pages/``: that name switches on
Streamlit's old pages-directory mode, which only private API could switch off again.

To add a page, add one line to :data:`PAGES`: (section title key, page file, page title
key, icon). Sections appear in the order they first occur; the first page is the one the
app opens on. Title keys may live in any catalogue file (``govdecide/locales/*.yaml``).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from govdecide.i18n import t
from ui import workspace
from ui.history import keep_history_by_page
from ui.links import show_link_notes
from ui.sidebar import render_sidebar, sync_url
from ui.state import current_entry, current_lang, init_session, label_of
from ui.story_workspace import keep_link_params
from ui.workspace_view import show_flash, workspace_panel

# (section title key, page file, page title key, Material icon)
PAGES: list[tuple[str, str, str, str]] = [
    ("app.section.decide", "app_pages/allocate.py", "app.page.allocate", ":material/tune:"),
    ("app.section.decide", "app_pages/explore.py", "app.page.explore", ":material/map:"),
    ("app.section.decide", "app_pages/present.py", "app.page.present", ":material/slideshow:"),
    # issue 17 (guided stories): build one, and the participants' viewer of one presented
    ("app.section.decide", "app_pages/story.py", "story.page.build", ":material/auto_stories:"),
    ("app.section.decide", "app_pages/story_viewer.py", "story.page.follow", ":material/cast:"),
    # issue 4 (analyses) adds its pages here, in section "app.section.analyse"
    ("app.section.analyse", "app_pages/tradeoffs.py", "an.page.tradeoffs", ":material/balance:"),
    ("app.section.analyse", "app_pages/budget.py", "an.page.budget", ":material/savings:"),
    ("app.section.analyse", "app_pages/robustness.py", "an.page.robustness", ":material/shuffle:"),
    ("app.section.analyse", "app_pages/compare.py", "an.page.compare", ":material/compare_arrows:"),
    # issue 5 (data in/out) adds its pages here, in section "app.section.data"
    ("app.section.data", "app_pages/data.py", "io.page.data", ":material/upload_file:"),
    ("app.section.data", "app_pages/export.py", "io.page.export", ":material/download:"),
    ("app.section.data", "app_pages/decisions.py", "ws.page.decisions", ":material/gavel:"),
    # issue 13 (workshop rooms): the facilitator's page and the participants' (by link)
    ("room.section", "app_pages/workshop.py", "room.page.workshop", ":material/groups:"),
    ("room.section", "app_pages/room.py", "room.page.room", ":material/how_to_vote:"),
    # issue 14 (plans over several years): its own section, after the others' pages
    ("plan.section", "app_pages/plan.py", "plan.page.nav", ":material/event_note:"),
    ("app.section.help", "app_pages/about.py", "app.page.about", ":material/info:"),
]
# Pages with their own address (a room's code and secrets) and their own language switch:
# the shared sidebar and its address sync would replace that address.
OWN_ADDRESS_PAGES = {"workshop", "room"}

HERE = Path(__file__).parent
# The tab's icon is an emoji, drawn by the browser itself: a ":material/...:" page icon
# makes every page fetch its picture from Google's font host, and the app must work offline.
PAGE_ICON = "\N{CLASSICAL BUILDING}\N{VARIATION SELECTOR-16}"


def navigation(lang: str) -> dict[str, list[st.Page]]:
    """The pages of :data:`PAGES` grouped by section, with titles in ``lang``."""
    sections: dict[str, list[st.Page]] = {}
    for i, (section, path, title_key, icon) in enumerate(PAGES):
        page = st.Page(
            str(HERE / path),
            title=t(title_key, lang),
            icon=icon,
            url_path=Path(path).stem,
            default=i == 0,
        )
        sections.setdefault(t(section, lang), []).append(page)
    return sections


def main() -> None:
    """Set up the session, draw the shared sidebar and run the chosen page."""
    st.set_page_config(page_title="govdecide", page_icon=PAGE_ICON, layout="wide")
    workspace.start()  # the store (migrated once per server), the link's workspace
    init_session()
    lang = current_lang()
    # every page in view: collapsed, Streamlit hides pages past the tenth behind "View more"
    page = st.navigation(navigation(lang), expanded=True)
    if page.url_path in OWN_ADDRESS_PAGES:
        page.run()
        return
    render_sidebar(lang)
    with st.sidebar:
        workspace_panel(lang)
        keep_history_by_page()  # before the address is written: Back steps between pages
    sync_url(lang)
    keep_link_params()  # the workspace, story and viewer token of the link (issue 17)
    show_link_notes(lang, page.url_path, label_of(current_entry(), lang))
    show_flash()
    page.run()


# Streamlit runs this file as "__main__"; the report's worker process (ui.rendering,
# started with "spawn") imports it as "__mp_main__" and must not run the app.
if __name__ == "__main__":
    main()
