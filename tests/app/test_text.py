"""User text shown as Markdown stays literal: no formatting, no LaTeX, no links.

GitHub-flavoured Markdown (Streamlit's renderer) turns ``https://x``, ``www.x`` and
``a@b.org`` into links even without brackets, so an escaped name must not contain those
trigger sequences any more; what a person sees stays the same (only invisible word joiners
are added).
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from ui.text import WORD_JOINER, md_escape

# The starts of GFM extended autolinks (scheme, www., an address's @ between word characters)
AUTOLINK_START = re.compile(r"(?i)(https?|ftp|mailto|xmpp):|www\.|[-.\w+]@[-\w]")


def test_addresses_in_a_name_are_not_links_and_look_the_same():
    name = "Harbour https://evil.example/x, WWW.evil.example and mail a.b@evil.example"
    escaped = md_escape(name)
    assert not AUTOLINK_START.search(escaped), escaped
    visible = escaped.replace(WORD_JOINER, "").replace("\\", "")
    assert visible == name


@given(st.text(alphabet="htpsw.:@/aAxHTPSW-_+ 1", max_size=40))
def test_no_escaped_text_starts_an_autolink(text):
    assert not AUTOLINK_START.search(md_escape(text))
