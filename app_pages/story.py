"""Story: build a guided story for a workshop, step by step, to present on Present.

Each step is the current setting (the scenario in the sidebar, the Allocate page's
sliders) with a title, a caption in one or both languages and what to look at. Steps can
be moved, edited and deleted; a bundled example story can be copied to start from.
Everything is kept in the workspace named in the address.
"""

from __future__ import annotations

import streamlit as st

from govdecide.i18n import t
from ui.sidebar import require_scenario
from ui.state import current_lang
from ui.story_build import add_step_form, choose_story, said_later, steps_list, story_settings
from ui.story_workspace import story_store

lang = current_lang()
st.title(t("story.page.title", lang))
st.caption(t("story.page.intro", lang))
said_later(lang)
store = story_store(lang)
if store is None:
    st.stop()
stories, story = choose_story(store, lang)
if stories is None or story is None:
    st.stop()
entry, scenario = require_scenario(lang)
st.page_link(
    "app_pages/present.py", label=t("story.build.present", lang), icon=":material/slideshow:"
)
steps_list(stories, story, lang)
add_step_form(stories, story, entry, scenario, lang)
story_settings(stories, story, lang)
