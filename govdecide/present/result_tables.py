"""Tables of one result, under readable headings, districts and programs by name.

Each function takes a :class:`~govdecide.model.result.Result` (its ``allocation`` and
``districts`` frames) and the display names of the scenario (or the scenario itself),
and returns a ``DataFrame`` ready for a page. Shares stay shares (0-1) unless the heading
says percent.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from govdecide.i18n import localize, t
from govdecide.io.scenario import Scenario, display_names
from govdecide.model.result import Result


def district_outcome_table(scenario: Scenario, result: Result, lang: str) -> pd.DataFrame:
    """The full allocation, one row per district and program: new units (with the
    program's unit), spend, staff, need, people served and coverage before and after
    (in percent)."""
    names = display_names(scenario, lang)
    units = {p.id: localize(p.unit, lang) for p in scenario.programs}
    a = result.allocation.copy()
    return pd.DataFrame(
        {
            t("app.col.district", lang): a["district"].map(lambda x: names.get(x, x)),
            t("app.col.program", lang): a["program"].map(lambda x: names.get(x, x)),
            t("app.col.new_units", lang): a["new_units"].astype(float),
            t("app.col.unit", lang): a["program"].map(lambda x: units.get(x, "")),
            t("app.col.spend", lang): a["spend"].astype(float),
            t("app.col.staff", lang): a["staff"].astype(float),
            t("app.col.need", lang): a["need"].astype(float),
            t("app.col.served", lang): a["served"].astype(float),
            t("app.col.coverage_before", lang): a["coverage_before"].astype(float) * 100,
            t("app.col.coverage_after", lang): a["coverage_after"].astype(float) * 100,
        }
    )


def units_and_coverage_table(
    result: Result, names: Mapping[str, str], lang: str
) -> pd.DataFrame:
    """New units by district (rows) and program (columns), then coverage before and after
    (shares): a frontier point's allocation at a glance."""
    units = result.allocation.pivot_table(
        index="district", columns="program", values="new_units", aggfunc="sum", sort=False
    )
    units.columns = [names.get(p, p) for p in units.columns]
    cov = result.districts.set_index("district")[["coverage_before", "coverage_after"]]
    table = units.join(cov).rename(
        columns={
            "coverage_before": t("an.page.coverage_before", lang),
            "coverage_after": t("an.page.coverage_after", lang),
        }
    )
    table.index = [names.get(d, d) for d in table.index]
    table.index.name = t("an.page.district", lang)
    return table.reset_index()


def funded_pairs_table(result: Result, names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Only the districts and programs that get new units: units, spend and the district's
    coverage after (a share)."""
    rows = result.allocation[result.allocation["new_units"] > 0]
    return pd.DataFrame(
        {
            t("an.page.district", lang): [names.get(d, d) for d in rows["district"]],
            t("an.page.program", lang): [names.get(p, p) for p in rows["program"]],
            t("an.page.new_units", lang): rows["new_units"].to_numpy(),
            t("an.page.spend", lang): rows["spend"].to_numpy(),
            t("an.page.coverage_after", lang): rows["coverage_after"].to_numpy(),
        }
    )
