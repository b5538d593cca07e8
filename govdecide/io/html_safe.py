"""HTML that is safe to open: escaped text, tables of escaped cells, charts' SVG rebuilt
from an allow-list. Shared by the report and the sections its owners add (a workshop
room's, a story's), below all of them so that none imports another for it.

Every text goes through :func:`esc` (one plain line, then :func:`html.escape`), so a
district named ``<script>alert(1)</script>`` is shown, never run. The charts' SVG is parsed
and rebuilt (:func:`inline_svg`), never filtered by pattern: a pattern cannot tell a name
drawn as text from markup.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from govdecide.io.exports import plain_text


def esc(value: object) -> str:
    """Any value as one plain line (:func:`plain_text`), HTML-escaped with quotes too, so
    it is safe inside attributes and carries no control character."""
    return html.escape(plain_text("" if value is None else str(value)), quote=True)


# What a chart may contain: the shapes and text Vega draws, and nothing that runs, links
# or embeds (no script, style, foreignObject, a, image, iframe...).
SVG_ELEMENTS = frozenset(
    "svg g path rect line circle ellipse polyline polygon text tspan title desc defs "
    "clipPath linearGradient radialGradient stop pattern mask marker symbol use".split()
)
_LOCAL_URL = re.compile(r"url\(\s*['\"]?#", re.I)
_XML_NAMESPACE = "{http://www.w3.org/XML/1998/namespace}"


def _safe_attribute(name: str, value: str) -> str | None:
    """The name an attribute keeps in the inlined SVG, or None when it must go: event
    handlers, links other than to ``#id``, ``url(...)`` other than ``url(#id)``."""
    local = name.rsplit("}", 1)[-1]
    if local.lower().startswith("on"):
        return None
    if local == "href":
        return "href" if value.startswith("#") else None
    if "url(" in value.lower() and value.lower().count("url(") != len(_LOCAL_URL.findall(value)):
        return None
    if name.startswith("{"):
        return name if name.startswith(_XML_NAMESPACE) else None
    return local


def _clean_tree(element: ET.Element) -> None:
    """Strip namespaces and unsafe attributes from ``element`` and its children, and
    remove the children that are not drawing elements (with all they contain)."""
    element.tag = element.tag.rsplit("}", 1)[-1]
    kept = {}
    for name, value in element.attrib.items():
        new = _safe_attribute(name, value)
        if new is not None:
            kept[new] = value
    element.attrib.clear()
    element.attrib.update(kept)
    for child in list(element):
        if not isinstance(child.tag, str) or child.tag.rsplit("}", 1)[-1] not in SVG_ELEMENTS:
            element.remove(child)
        else:
            _clean_tree(child)


def inline_svg(svg: str) -> str:
    """An SVG document rebuilt to sit inside the HTML, or '' when it is not readable SVG.

    It is parsed and written again, keeping only drawing elements (:data:`SVG_ELEMENTS`)
    and safe attributes: no XML prolog, no namespace URLs, no script, handler or link out.
    Text stays text whatever it says (the writer escapes it). A document type or entity
    declaration is refused, so nothing is expanded.
    """
    if re.search(r"<!(DOCTYPE|ENTITY)", svg, re.I):
        return ""
    try:
        # no DTD (refused above), so no entity to expand or fetch: what defusedxml guards
        root = ET.fromstring(svg)  # noqa: S314
    except ET.ParseError:
        return ""
    if root.tag.rsplit("}", 1)[-1] != "svg":
        return ""
    _clean_tree(root)
    return ET.tostring(root, encoding="unicode")


def html_table(headers: Sequence[str], rows: Sequence[Sequence[tuple[str, bool]]]) -> str:
    """An HTML table; each cell is (already escaped text, is_number)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if n else f"<td>{c}</td>" for c, n in r)
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
