"""Browser history: a change of page adds an entry, a change of settings replaces it.

The address bar is a link to the current view, rewritten (``st.query_params``) whenever a
slider moves. Streamlit's browser side adds a history entry for every such rewrite, so
after four slider moves the Back button seemed dead: it only stepped back through them
while the app kept showing the current settings. Streamlit has no option to replace
instead (only widgets bound to a query parameter do, and their parameters leave the
address on every other page, where the analyses need them).

:func:`keep_history_by_page` puts a small constant script on the page (no user text in
it) that makes the browser keep one entry per page: an address change on the same path
replaces the current entry, one to another path adds an entry as before. Entries made
before the script ran (the bare address the app was opened at, before its first run wrote
the full link) are marked unknown, and Back passes over them.
"""

from __future__ import annotations

import streamlit as st

HISTORY_SCRIPT = """<script>
(() => {
  const h = window.history;
  if (h.__govdecideHistory) return;
  h.__govdecideHistory = true;
  const mark = (state) => Object.assign({}, state || {}, {govdecide: 1});
  const push = h.pushState.bind(h);
  const replace = h.replaceState.bind(h);
  h.pushState = (state, title, url) => {
    const next = new URL(url, window.location.href);
    const go = next.pathname === window.location.pathname ? replace : push;
    return go(mark(state), title, url);
  };
  h.replaceState = (state, title, url) => replace(mark(state), title, url);
  replace(mark(h.state), "", window.location.href);
  window.addEventListener("popstate", (event) => {
    if (!(event.state && event.state.govdecide)) h.back();
  });
})();
</script>"""


def keep_history_by_page() -> None:
    """Install the script of this module in the browser (once per page load; drawn on
    every run so that a session may start on any page)."""
    st.html(HISTORY_SCRIPT, width="content", unsafe_allow_javascript=True)
