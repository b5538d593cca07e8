"""What a scenario says before anything is solved: its districts, programs and sources.

The Explore page and the sidebar show these; each function builds a ``DataFrame`` or a
text from the scenario alone, with headings and words from the catalogue in the reader's
language. The map's colour choices (:func:`indicator_options`) are population, density
(when every district has an area) and then every indicator, declared ones first.
"""

from __future__ import annotations

import pandas as pd

from govdecide.i18n import fmt_num, localize, t
from govdecide.io.scenario import Scenario
from govdecide.io.scenario_schema import Indicator, Program


def indicator_options(scenario: Scenario) -> list[str]:
    """What the map can be coloured by: population, density, then every indicator."""
    options = ["population"]
    if all(d.area_km2 for d in scenario.districts):
        options.append("density")
    declared = [i.id for i in scenario.indicators]
    seen = set(declared)
    for d in scenario.districts:
        for key in d.indicators:
            if key not in seen:
                seen.add(key)
                declared.append(key)
    return options + declared


def unit_text(unit: object, lang: str) -> str:
    """An indicator's unit in ``lang``; the format's plain keyword ``share`` translated."""
    text = localize(unit, lang)  # type: ignore[arg-type]
    return t("app.explore.unit_share", lang) if text.strip().lower() == "share" else text


def indicator_label(scenario: Scenario, key: str, lang: str) -> str:
    """An indicator's name with its unit, in ``lang`` (an undeclared one by its id)."""
    if key == "population":
        return t("app.explore.population", lang)
    if key == "density":
        return t("app.explore.density", lang)
    meta = scenario.indicator(key)
    if meta is None:
        return key
    name = localize(meta.name, lang) or key
    unit = unit_text(meta.unit, lang)
    return f"{name} ({unit})" if unit else name


def indicator_values(scenario: Scenario, key: str) -> pd.Series:
    """The indicator per district id (NaN where a district lacks it)."""
    out = {}
    for d in scenario.districts:
        if key == "population":
            out[d.id] = d.population
        elif key == "density":
            out[d.id] = d.population / d.area_km2 if d.area_km2 else float("nan")
        else:
            out[d.id] = d.indicators.get(key, float("nan"))
    return pd.Series(out, dtype=float)


def value_format(scenario: Scenario, key: str, values: pd.Series) -> str:
    """A d3 format for an indicator: shares as %, large counts grouped, small ones short."""
    meta = scenario.indicator(key)
    if meta is not None and localize(meta.unit, "en").strip().lower() == "share":
        return ".1%"
    top = float(values.abs().max()) if len(values) else 0.0
    return ",.0f" if top >= 100 else ",.2~f"


def district_profile_table(scenario: Scenario, lang: str) -> pd.DataFrame:
    """One row per district: name, population, area (when any is given), density and
    every indicator, the columns named with their units."""
    rows = []
    keys = indicator_options(scenario)[1:]
    has_area = any(d.area_km2 for d in scenario.districts)
    for d in scenario.districts:
        row: dict[str, object] = {
            t("app.col.district", lang): localize(d.name, lang),
            t("app.explore.population", lang): d.population,
        }
        if has_area:
            row[t("app.explore.area", lang)] = d.area_km2
        for key in keys:
            if key == "density":
                row[indicator_label(scenario, key, lang)] = round(d.population / d.area_km2)
            else:
                row[indicator_label(scenario, key, lang)] = d.indicators.get(key)
        rows.append(row)
    return pd.DataFrame(rows)


def need_rule(program: Program, scenario: Scenario, lang: str) -> str:
    """A program's need rule in words: 'population x Share aged 65+ x 0.0001'."""
    rule = program.need
    if rule.indicator == "population":
        text = t("app.explore.need_population", lang)
    else:
        meta = scenario.indicator(rule.indicator)
        name = (localize(meta.name, lang) if meta and meta.name else None) or rule.indicator
        text = t("app.explore.need_per_capita", lang, indicator=name) if rule.per_capita else name
    if rule.scale != 1:
        text += f" × {rule.scale:g}"
    return text


def _yes_no(flag: bool, lang: str) -> str:
    """'yes' or 'no' in ``lang``."""
    return t("app.explore.yes" if flag else "app.explore.no", lang)


def programs_table(scenario: Scenario, lang: str) -> pd.DataFrame:
    """Programs with unit, unit cost, capacity, staff, need rule, bounds and weight."""
    rows = []
    for p in scenario.programs:
        bounds = t(
            "app.explore.bounds",
            lang,
            lo=fmt_num(p.min_units, lang, 0 if float(p.min_units).is_integer() else 2),
            hi="∞" if p.max_units is None else fmt_num(p.max_units, lang),
        )
        if p.district_bounds:
            bounds += " " + t("app.explore.overrides", lang, n=len(p.district_bounds))
        rows.append(
            {
                t("app.col.program", lang): localize(p.name, lang),
                t("app.col.unit", lang): localize(p.unit, lang),
                t("app.explore.unit_cost", lang): p.unit_cost,
                t("app.explore.capacity", lang): p.capacity,
                t("app.explore.staff_per_unit", lang): p.staff_per_unit,
                t("app.explore.whole_units", lang): _yes_no(p.integer, lang),
                t("app.explore.need_rule", lang): need_rule(p, scenario, lang),
                t("app.explore.bounds_col", lang): bounds,
                t("app.explore.weight", lang): p.weight,
            }
        )
    return pd.DataFrame(rows)


def _name_and_source(indicator: Indicator, lang: str) -> tuple[str, str]:
    """An indicator's name (its id when unnamed) and source ("no source given" when none)."""
    name = localize(indicator.name, lang) or indicator.id
    source = localize(indicator.source, lang) or t("app.about.no_source", lang)
    return name, source


def sources_table(scenario: Scenario, lang: str) -> pd.DataFrame:
    """Every indicator with its unit, source and whether it is illustrative."""
    rows = []
    for ind in scenario.indicators:
        name, source = _name_and_source(ind, lang)
        rows.append(
            {
                t("app.explore.indicator", lang): name,
                t("app.explore.unit", lang): unit_text(ind.unit, lang),
                t("app.explore.source", lang): source,
                t("app.explore.illustrative_col", lang): _yes_no(ind.illustrative, lang),
            }
        )
    return pd.DataFrame(rows)


def source_lines(scenario: Scenario, lang: str) -> list[str]:
    """Every indicator as one line, 'name: source', flagged when it is illustrative."""
    lines = []
    for ind in scenario.indicators:
        name, source = _name_and_source(ind, lang)
        flag = " " + t("app.about.illustrative", lang) if ind.illustrative else ""
        lines.append(f"{name}: {source}{flag}")
    return lines
