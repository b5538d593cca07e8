"""A workshop room's section of the HTML report: how the room decided.

Built from the room's localised tables (:mod:`govdecide.present.room_tables`) and handed to
:func:`govdecide.io.report.build_report` as one more section: which room and round, the
rule and how many answered, the parameters under every rule side by side, the spread of
opinion, each participant's satisfaction summed up, and the rounds compared. Everything a
participant typed (their names) stays out: the report speaks of the room, not of people.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from govdecide.i18n import fmt_num, fmt_pct, t
from govdecide.io.html_safe import esc, html_table
from govdecide.io.report import build_report
from govdecide.io.scenario import Scenario
from govdecide.model.result import Result
from govdecide.model.settings import Settings


def frame_html(frame: pd.DataFrame, lang: str) -> str:
    """A localised table as report HTML (numbers right-aligned, one decimal; every cell
    escaped: parameter names quote the scenario's program names)."""
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for value in record:
            number = isinstance(value, int | float | np.number) and not isinstance(value, bool)
            if number:
                text = "" if pd.isna(value) else fmt_num(float(value), lang, 1)
            else:
                text = str(value)
            cells.append((esc(text), number))  # the table takes escaped text
        rows.append(cells)
    return html_table([str(c) for c in frame.columns], rows)


def room_section(
    *,
    code: str,
    round_number: int,
    summary_line: str,
    rules: pd.DataFrame,
    spread: pd.DataFrame,
    satisfaction: Sequence[float | None],
    rounds: pd.DataFrame | None,
    lang: str,
) -> tuple[str, str]:
    """The room's section: (heading, escaped HTML body)."""
    heading = t("room.report.heading", lang, code=code, round=round_number)
    known = [s for s in satisfaction if s is not None]
    parts = [f"<p>{esc(summary_line)}</p>"]
    parts.append(f"<h3>{esc(t('room.live.rules', lang))}</h3>{frame_html(rules, lang)}")
    parts.append(f"<h3>{esc(t('room.report.spread', lang))}</h3>{frame_html(spread, lang)}")
    if known:
        line = t(
            "room.report.satisfaction",
            lang,
            count=fmt_num(len(known), lang),
            lowest=fmt_pct(min(known), lang),
            median=fmt_pct(float(np.median(known)), lang),
        )
        parts.append(f"<p>{esc(line)}</p>")
    if rounds is not None and len(rounds) > 1:
        parts.append(f"<h3>{esc(t('room.live.rounds', lang))}</h3>{frame_html(rounds, lang)}")
    return heading, "".join(parts)


def room_report(
    scenario: Scenario,
    settings_key: str,
    lang: str,
    result: Result,
    sections: Sequence[tuple[str, str]],
) -> bytes:
    """The HTML report of the room's plan with the room's section (what the Workshop page
    offers; run where chart drawing may hold the interpreter, see ``ui.rendering``)."""
    page, _ = build_report(
        scenario, Settings.from_key(settings_key), lang, result=result, sections=sections
    )
    return page.encode("utf-8")
