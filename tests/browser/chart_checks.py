"""Does a chart really draw in the browser? Measured from the SVG Vega renders.

A chart can be on the page and draw nothing: a plot area squeezed to zero height by a long
axis title (a flat line, no scale, the title pushed out of view), half of its row labels
hidden because they overlap. :func:`chart_facts` reads, from one chart's SVG, the size of
its plot area, each axis's tick labels (shown or hidden) and title, the chart title's box
and whether any mark has an area; :func:`chart_problems` lists what is wrong, in words.
"""

from __future__ import annotations

import re
from typing import Any

MIN_PLOT_PX = 60  # a plot area smaller than this in either direction shows nothing readable

_FACTS_JS = """
e => {
  const svg = e.querySelector('svg');
  if (!svg) return null;
  const rect = n => { const r = n.getBoundingClientRect();
                      return {x: r.x, y: r.y, w: r.width, h: r.height}; };
  const shown = t => t.getAttribute('opacity') !== '0' && getComputedStyle(t).opacity !== '0';
  const plots = [...svg.querySelectorAll('path.background')].map(rect);
  const plot = plots.reduce((a, b) => (b.w * b.h > a.w * a.h ? b : a), {x: 0, y: 0, w: 0, h: 0});
  const axes = [...svg.querySelectorAll('g.role-axis')].map(a => ({
    labels: [...a.querySelectorAll('.role-axis-label text')].map(
      t => ({text: t.textContent, shown: shown(t)})),
    title: [...a.querySelectorAll('.role-axis-title text')].map(t => t.textContent)
      .join(' ').trim(),
  })).filter(a => a.labels.length > 0 || a.title);
  const titles = [...svg.querySelectorAll('.role-title-text text')].map(
    t => ({text: t.textContent, box: rect(t)}));
  const marks = [...svg.querySelectorAll('g.role-mark > *')].map(rect);
  return {svg: rect(svg), plot, axes, titles,
          marks_with_area: marks.filter(m => m.w > 0.5 && m.h > 0.5).length};
}
"""

_NUMBER = re.compile(r"^[−+\-]?[\d.,\s]+[%kKMB万亿]?$")


def chart_facts(chart: object) -> dict[str, Any] | None:
    """What one ``stVegaLiteChart`` element draws (None when it has no SVG yet)."""
    return chart.evaluate(_FACTS_JS)  # type: ignore[attr-defined]


def _axis_problems(axis: dict[str, Any], where: str) -> list[str]:
    """A scale needs two shown numbers; row labels must all be shown; every axis a title."""
    out = []
    labels = axis["labels"]
    shown = [lab["text"] for lab in labels if lab["shown"]]
    numeric = all(_NUMBER.match(lab["text"].strip() or "x") for lab in labels)
    if labels and numeric and len(shown) < 2:
        out.append(f"{where}: a number axis shows {len(shown)} tick label(s)")
    if labels and not numeric and len(shown) < len(labels):
        out.append(f"{where}: {len(labels) - len(shown)} of {len(labels)} row labels hidden")
    if not axis["title"]:
        out.append(f"{where}: an axis has no title")
    return out


def chart_problems(facts: dict[str, Any] | None, name: str, is_map: bool = False) -> list[str]:
    """Why a chart does not really draw, in words (empty when it does).

    Every chart: a plot area of at least :data:`MIN_PLOT_PX` both ways, a title inside
    the drawing, at least one mark with an area. Charts with axes (not maps): each axis
    has a title and readable tick labels (see :func:`_axis_problems`).
    """
    if facts is None:
        return [f"{name}: no SVG drawn"]
    out = []
    plot = facts["plot"]
    if plot["w"] < MIN_PLOT_PX or plot["h"] < MIN_PLOT_PX:
        out.append(f"{name}: plot area {plot['w']:.0f} x {plot['h']:.0f} px")
    svg = facts["svg"]
    titles = [x for x in facts["titles"] if x["text"].strip()]
    if not titles:
        out.append(f"{name}: no title")
    for title in titles:
        box = title["box"]  # a glyph box pokes out of the drawing by its ascent at most
        if box["h"] <= 0 or box["y"] + box["h"] / 2 < svg["y"]:
            out.append(f"{name}: title {title['text']!r} is outside the drawing")
    if facts["marks_with_area"] == 0:
        out.append(f"{name}: no mark has an area (nothing drawn)")
    if not is_map:
        if len(facts["axes"]) < 2:
            out.append(f"{name}: {len(facts['axes'])} axis drawn, two expected")
        for i, axis in enumerate(facts["axes"]):
            out.extend(_axis_problems(axis, f"{name} axis {i}"))
    return out
