"""What the data pages show of a table or a scenario being imported or edited.

A read table is previewed with its spreadsheet row numbers; the edit tables of
:func:`govdecide.io.table_edit.scenario_frames` keep ids as column names (``ind:<id>``,
``base:<program>``), and these functions give them readable headings in the reader's
language.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from govdecide.i18n import localize, t
from govdecide.io.scenario import Scenario
from govdecide.io.table_edit import BASE_COL, DISTRICT_COLUMNS, IND_COL
from govdecide.io.table_read import RawTable

PREVIEW_ROWS = 10


def table_preview(table: RawTable, rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    """The first ``rows`` rows of a read table as text (empty cells blank), indexed by
    their row numbers in the spreadsheet so that a problem's "row 7" can be found."""
    return pd.DataFrame(
        [["" if v is None else str(v) for v in r] for r in table.rows[:rows]],
        columns=list(table.columns),
        index=list(table.row_numbers[:rows]),
    )


def is_measure_column(column: str) -> bool:
    """True for a district table's indicator and baseline columns (numbers, at least 0)."""
    return column.startswith((IND_COL, BASE_COL))


def district_edit_headings(columns: Iterable[str], scenario: Scenario, lang: str) -> dict[str, str]:
    """Headings of the districts edit table: each indicator by its name (its id when
    unnamed), each baseline as 'Units already in place: <program>', and the fixed columns
    (id, names, population, area) in words."""
    headings: dict[str, str] = {}
    names = {p.id: localize(p.name, lang) for p in scenario.programs}
    for column in columns:
        if column.startswith(IND_COL):
            ident = column[len(IND_COL) :]
            meta = scenario.indicator(ident)
            named = meta is not None and meta.name
            headings[column] = localize(meta.name, lang) if named else ident
        elif column.startswith(BASE_COL):
            ident = column[len(BASE_COL) :]
            headings[column] = t("io.field.baseline", lang, name=names.get(ident, ident))
    for column in DISTRICT_COLUMNS:
        headings[column] = t(f"io.edit.col.{column}", lang)
    return headings


def edit_headings(columns: Iterable[str], lang: str) -> dict[str, str]:
    """Headings of the programs or policy edit table, one per column id."""
    return {c: t(f"io.edit.col.{c}", lang) for c in columns}
