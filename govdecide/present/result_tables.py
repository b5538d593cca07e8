"""Tables of one result, under readable headings, districts and programs by name.

Each function takes a :class:`~govdecide.model.result.Result` (its ``allocation`` and
``districts`` frames) and the display names of the scenario (or the scenario itself),
and returns a ``DataFrame`` ready for a page. Shares stay shares (0-1) unless the heading
says percent. A figure column of a known kind (people, money, units, a share in percent)
is rounded as its text would be, one rule per kind (``i18n.round_for_table``), and the
kinds are kept in ``frame.attrs["kinds"]``, from which :func:`table_formats` gives a
page its number formats.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from govdecide.i18n import INDEX, MONEY, PEOPLE, SHARE, UNITS, localize, round_for_table, t
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.result import Result

# A page's number format for each kind (Streamlit's "localized": grouped digits, as many
# decimals as the rounded figure has, so 0.034% still reads 0.034)
FORMATS = {
    PEOPLE: "localized",
    MONEY: "localized",
    UNITS: "localized",
    SHARE: "localized",
    INDEX: "%.3f",
}
DECIMALS = {PEOPLE: 0, INDEX: 3}  # what a figure of a kind is rounded to (else 2)


def with_kinds(frame: pd.DataFrame, kinds: Mapping[str, str]) -> pd.DataFrame:
    """``frame`` with each listed column rounded by its kind (a share becomes percent) and
    the kinds recorded in ``frame.attrs["kinds"]``."""
    for column, kind in kinds.items():
        values = frame[column].to_numpy(dtype=float)
        if kind == SHARE:
            rounded = np.round(values * 100, 1) + 0.0
            tiny = np.flatnonzero((rounded == 0) & (values != 0) & np.isfinite(values))
            rounded[tiny] = [round_for_table(v, SHARE) for v in values[tiny].tolist()]
            frame[column] = rounded
        else:
            frame[column] = np.round(values, DECIMALS.get(kind, 2)) + 0.0  # no -0.0
    frame.attrs["kinds"] = dict(kinds)
    return frame


def table_formats(frame: pd.DataFrame) -> dict[str, str]:
    """The number format of each figure column of a table made here, by its kind (what a
    page passes to ``ui.tables.number_columns``)."""
    return {column: FORMATS[kind] for column, kind in frame.attrs.get("kinds", {}).items()}


def district_outcome_table(scenario: Scenario, result: Result, lang: str) -> pd.DataFrame:
    """The full allocation, one row per district and program: new units (with the
    program's unit), spend, staff, need, people served and coverage before and after
    (in percent)."""
    names = display_names(scenario, lang)
    units = {p.id: localize(p.unit, lang) for p in scenario.programs}
    a = result.allocation
    col = {k: t(f"app.col.{k}", lang) for k in ("new_units", "spend", "staff", "need")}
    col |= {k: t(f"app.col.{k}", lang) for k in ("served", "coverage_before", "coverage_after")}
    frame = pd.DataFrame(
        {
            t("app.col.district", lang): a["district"].map(lambda x: names.get(x, x)),
            t("app.col.program", lang): a["program"].map(lambda x: names.get(x, x)),
            col["new_units"]: a["new_units"],
            t("app.col.unit", lang): a["program"].map(lambda x: units.get(x, "")),
            **{col[k]: a[k] for k in ("spend", "staff", "need", "served")},
            **{col[k]: a[k] for k in ("coverage_before", "coverage_after")},
        }
    )
    kinds = {"new_units": UNITS, "spend": MONEY, "staff": UNITS, "need": PEOPLE}
    kinds |= {"served": PEOPLE, "coverage_before": SHARE, "coverage_after": SHARE}
    return with_kinds(frame, {col[k]: kind for k, kind in kinds.items()})


def units_and_coverage_table(result: Result, names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """New units by district (rows) and program (columns), then coverage before and after
    (shares): a frontier point's allocation at a glance."""
    units = result.allocation.pivot_table(
        index="district", columns="program", values="new_units", aggfunc="sum", sort=False
    )
    units.columns = [names.get(p, p) for p in units.columns]
    units = with_kinds(units.astype(float), dict.fromkeys(units.columns, UNITS))
    kinds = units.attrs["kinds"]
    cov = result.districts.set_index("district")[["coverage_before", "coverage_after"]]
    table = units.join(cov).rename(
        columns={
            "coverage_before": t("an.page.coverage_before", lang),
            "coverage_after": t("an.page.coverage_after", lang),
        }
    )
    table.index = [names.get(d, d) for d in table.index]
    table.index.name = t("an.page.district", lang)
    table = table.reset_index()
    table.attrs["kinds"] = kinds  # shares stay shares here (the page shows them in percent)
    return table


def funded_pairs_table(result: Result, names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Only the districts and programs that get new units: units, spend and the district's
    coverage after (a share)."""
    rows = result.allocation[result.allocation["new_units"] > 0]
    units, spend = t("an.page.new_units", lang), t("an.page.spend", lang)
    table = pd.DataFrame(
        {
            t("an.page.district", lang): [names.get(d, d) for d in rows["district"]],
            t("an.page.program", lang): [names.get(p, p) for p in rows["program"]],
            units: rows["new_units"].to_numpy(dtype=float),
            spend: rows["spend"].to_numpy(dtype=float),
            t("an.page.coverage_after", lang): rows["coverage_after"].to_numpy(),
        }
    )
    return with_kinds(table, {units: UNITS, spend: MONEY})
