"""Tables of a plan over several years, and the frames its charts draw.

Each function takes a :class:`~govdecide.model.years.result.PlanResult` and display names
(:func:`govdecide.io.scenario.display_names`) and returns a ``DataFrame``: under readable
headings for a page or a file (``*_table``), or in long form for a chart of
``present.plan_charts`` (``*_frame``). Figure columns are rounded by their kind, as the
single-year tables are (``present.result_tables.with_kinds``).
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from govdecide.i18n import MONEY, SHARE, UNITS, t
from govdecide.model.years.result import PlanResult
from govdecide.present.result_tables import with_kinds


def year_table(result: PlanResult, lang: str) -> pd.DataFrame:
    """One row per year: budget, new building, running costs, their share of the budget,
    staff used, E and z (in percent)."""
    y = result.year_figures
    col = {k: t(f"plan.col.{k}", lang) for k in (
        "year", "budget", "capital", "running", "running_share", "spend", "staff_used",
        "efficiency", "equity",
    )}  # fmt: skip
    share = (y["running"] / y["budget"].where(y["budget"] > 0)).fillna(0.0)
    frame = pd.DataFrame(
        {
            col["year"]: y["year"].astype(int),
            col["budget"]: y["budget"],
            col["capital"]: y["capital"],
            col["running"]: y["running"],
            col["running_share"]: share,
            col["spend"]: y["spend"],
            col["staff_used"]: y["staff_used"],
            col["efficiency"]: y["efficiency"],
            col["equity"]: y["equity"],
        }
    )
    kinds = {col[k]: MONEY for k in ("budget", "capital", "running", "spend")}
    kinds |= {col["running_share"]: SHARE, col["efficiency"]: SHARE, col["equity"]: SHARE}
    kinds[col["staff_used"]] = UNITS
    return with_kinds(frame, kinds)


def commissioning_table(result: PlanResult, names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """What is commissioned where and when: one row per (year, district, program) that
    gets new units, with the units in service after it and that year's capital."""
    a = result.allocation
    a = a[a["new_units"] > 1e-9]
    col = {k: t(f"plan.col.{k}", lang) for k in (
        "year", "district", "program", "new_units", "units_in_service", "capital",
    )}  # fmt: skip
    frame = pd.DataFrame(
        {
            col["year"]: a["year"].astype(int).to_numpy(),
            col["district"]: a["district"].map(lambda d: names.get(d, d)).to_numpy(),
            col["program"]: a["program"].map(lambda p: names.get(p, p)).to_numpy(),
            col["new_units"]: a["new_units"].to_numpy(),
            col["units_in_service"]: a["units_in_service"].to_numpy(),
            col["capital"]: a["capital"].to_numpy(),
        }
    )
    kinds = {col["new_units"]: UNITS, col["units_in_service"]: UNITS, col["capital"]: MONEY}
    return with_kinds(frame, kinds)


def district_year_table(result: PlanResult, names: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Each district's weighted coverage (percent) by year, districts as rows."""
    d = result.district_years
    wide = d.pivot(index="district", columns="year", values="coverage")
    order = list(dict.fromkeys(d["district"]))
    wide = wide.reindex(order)
    frame = pd.DataFrame({t("plan.col.district", lang): [names.get(k, k) for k in order]})
    kinds = {}
    for year in wide.columns:
        heading = t("plan.col.year_n", lang, year=int(year))
        frame[heading] = wide[year].to_numpy()
        kinds[heading] = SHARE
    return with_kinds(frame, kinds)


def commissioned_frame(result: PlanResult, names: Mapping[str, str]) -> pd.DataFrame:
    """Long form for the chart of what is commissioned when: year, program, program_name,
    new_units (summed over districts), every year and program present."""
    a = result.allocation
    frame = a.groupby(["year", "program"], sort=False, as_index=False)["new_units"].sum()
    frame["program_name"] = frame["program"].map(lambda p: names.get(p, p))
    return frame


def coverage_frame(result: PlanResult, names: Mapping[str, str]) -> pd.DataFrame:
    """Long form for the heatmap of coverage: district, district_name, year, coverage."""
    frame = result.district_years[["district", "year", "coverage"]].copy()
    frame["district_name"] = frame["district"].map(lambda d: names.get(d, d))
    return frame


def budget_frame(result: PlanResult, lang: str) -> pd.DataFrame:
    """Long form for the chart of each year's budget use: year, part, part_name, amount,
    share (of that year's budget); parts are new building, running costs and unspent."""
    rows = []
    for _, y in result.year_figures.iterrows():
        unspent = max(0.0, float(y["budget"]) - float(y["spend"]))
        for part, amount in (
            ("capital", y["capital"]), ("running", y["running"]), ("unspent", unspent),
        ):  # fmt: skip
            budget = float(y["budget"])
            rows.append(
                {
                    "year": int(y["year"]),
                    "part": part,
                    "part_name": t(f"plan.part.{part}", lang),
                    "amount": float(amount),
                    "share": float(amount) / budget if budget > 0 else 0.0,
                }
            )
    return pd.DataFrame(rows, columns=["year", "part", "part_name", "amount", "share"])


def scores_frame(result: PlanResult, lang: str) -> pd.DataFrame:
    """Long form for the chart of E and z per year: year, measure, measure_name, value."""
    y = result.year_figures
    parts = []
    for measure in ("efficiency", "equity"):
        parts.append(
            pd.DataFrame(
                {
                    "year": y["year"].astype(int),
                    "measure": measure,
                    "measure_name": t(f"plan.measure.{measure}", lang),
                    "value": y[measure].astype(float),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
