"""The Explore page's parts: the map by indicator, districts, programs and sources."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from govdecide.i18n import fmt_num, localize, t
from govdecide.io.scenario import Scenario
from govdecide.io.scenario_schema import Program
from ui.maps import district_map, unmatched_features
from ui.state import Entry
from ui.text import md_escape


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


def indicator_label(scenario: Scenario, key: str, lang: str) -> str:
    """An indicator's name with its unit, in ``lang``."""
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


def unit_text(unit: object, lang: str) -> str:
    """An indicator's unit in ``lang``; the format's plain keyword ``share`` translated."""
    text = localize(unit, lang)  # type: ignore[arg-type]
    return t("app.explore.unit_share", lang) if text.strip().lower() == "share" else text


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


def map_section(scenario: Scenario, entry: Entry, lang: str) -> None:
    """The map coloured by a chosen indicator, with population on hover."""
    options = indicator_options(scenario)
    # the choice is kept under its own key: the widget's label changes with the language,
    # which would otherwise reset it to the first option
    # (the index is fixed when the widget is created: a changing index would make it a
    # new widget and lose the user's next choice)
    chosen_key = f"_govdecide_explore_choice:{entry.key}"
    widget_key = f"explore_indicator:{entry.key}:{lang}"
    first = st.session_state.setdefault("_govdecide_explore_first", {})
    if widget_key not in st.session_state:
        chosen = st.session_state.get(chosen_key, options[0])
        first[widget_key] = options.index(chosen) if chosen in options else 0
    key = st.selectbox(
        t("app.explore.colour_by", lang),
        options,
        index=first.get(widget_key, 0),
        format_func=lambda k: indicator_label(scenario, k, lang),
        key=widget_key,
    )
    st.session_state[chosen_key] = key
    label = indicator_label(scenario, key, lang)
    values = indicator_values(scenario, key)
    population = {d.id: fmt_num(d.population, lang) for d in scenario.districts}
    chart = district_map(
        scenario,
        entry,
        values,
        lang,
        title=t("app.chart.indicator_title", lang, indicator=label),
        value_title=label,
        value_format=value_format(scenario, key, values),
        extra={t("app.explore.population", lang): population},
    )
    if chart is None:
        st.info(t("app.explore.no_map", lang))
        return
    st.altair_chart(chart, width="content")
    missing = unmatched_features(scenario, entry)
    if missing:
        st.warning(md_escape(t("app.explore.unmatched", lang, names=", ".join(missing))))
    if scenario.map is not None and scenario.attribution is not None:
        st.caption(md_escape(localize(scenario.attribution, lang)))


def districts_table(scenario: Scenario, lang: str) -> pd.DataFrame:
    """Districts with population, area and every indicator, columns named with units."""
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
        text = (
            t("app.explore.need_per_capita", lang, indicator=name)
            if rule.per_capita
            else name
        )
    if rule.scale != 1:
        text += f" × {rule.scale:g}"
    return text


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
                t("app.explore.whole_units", lang): t(
                    "app.explore.yes" if p.integer else "app.explore.no", lang
                ),
                t("app.explore.need_rule", lang): need_rule(p, scenario, lang),
                t("app.explore.bounds_col", lang): bounds,
                t("app.explore.weight", lang): p.weight,
            }
        )
    return pd.DataFrame(rows)


def sources_table(scenario: Scenario, lang: str) -> pd.DataFrame:
    """Every indicator with its unit, source and whether it is illustrative."""
    rows = []
    for ind in scenario.indicators:
        rows.append(
            {
                t("app.explore.indicator", lang): localize(ind.name, lang) or ind.id,
                t("app.explore.unit", lang): unit_text(ind.unit, lang),
                t("app.explore.source", lang): localize(ind.source, lang)
                or t("app.about.no_source", lang),
                t("app.explore.illustrative_col", lang): t(
                    "app.explore.yes" if ind.illustrative else "app.explore.no", lang
                ),
            }
        )
    return pd.DataFrame(rows)
