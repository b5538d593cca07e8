"""Showing scenario text safely in Streamlit's Markdown.

Scenario names and sources are user text: a ``$`` pair turns into LaTeX ("R$ thousand"),
``*`` or ``[`` into formatting or links, and GitHub-flavoured Markdown (which Streamlit
renders) makes ``https://...``, ``www.x`` and ``a@b.org`` clickable by themselves.
:func:`md_escape` makes them literal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~$<>:])")
_LINE_START = re.compile(r"^(\s*)([-+=]|\d+\.)", re.MULTILINE)
# The starts of GFM's extended autolinks: a scheme before its colon, "www" before its dot,
# an "@" between address characters. An invisible word joiner after each breaks the match
# and shows nothing (a backslash would not: GFM finds autolinks in the escaped text too).
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|xmpp)(?=:)|(www)(?=\.)|(?<=[-.\w+])(@)(?=[-\w])")
WORD_JOINER = "\u2060"


def md_escape(text: str) -> str:
    """``text`` with Markdown, LaTeX (``$``), HTML and directive (``:``) syntax escaped."""
    unlinked = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)
    escaped = _SPECIAL.sub(r"\\\1", unlinked)
    # a list marker or heading underline at a line start would change the layout
    return _LINE_START.sub(_escape_marker, escaped)


def _escape_marker(match: re.Match[str]) -> str:
    """``- x`` -> ``\\- x`` and ``1. x`` -> ``1\\. x`` (a backslash before a digit is literal)."""
    indent, marker = match.group(1), match.group(2)
    if marker.endswith("."):
        return indent + marker[:-1] + "\\."
    return indent + "\\" + marker


_DIRECTIVE = re.compile(r":[A-Za-z0-9_/+-]+(:|\[)")


def label_escape(text: str) -> str:
    """Escape a widget label only where Markdown would change it.

    Widget labels also become the element's ``aria-label`` verbatim, so escaping every
    special character would make screen readers read backslashes ("R\\$ thousand"). A
    single ``$`` or a plain colon renders literally; only a ``$`` pair (LaTeX), directive
    syntax (``:red[...]``, ``:smile:``) and emphasis or link characters are escaped.
    """
    out = re.sub(r"([\\`*_\[\]<>|~#])", r"\\\1", text)
    if out.count("$") >= 2:
        out = out.replace("$", "\\$")
    return _DIRECTIVE.sub(lambda m: "\\" + m.group(0), out)


def bullet_list(lines: Iterable[str]) -> str:
    """A Markdown list with one escaped item per line of user-facing text."""
    return "\n".join(f"- {md_escape(line)}" for line in lines)
