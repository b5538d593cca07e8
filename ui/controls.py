"""The workshop sliders: which ones a scenario shows, their values, and the URL form.

A scenario's ``controls`` list says which settings a workshop moves and over what range;
a scenario without one gets sensible sliders (budget 0-3x, equity weight 0-1, every
program weight 0-3, staff 0-3x when the scenario limits staff). Values live in a store per
scenario in the session (widget state is dropped when a page is left), and go into the
URL under short names (``budget``, ``staff``, ``equity``, ``w.<program>``) only when they
differ from the scenario's own setting, so links stay short.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from govdecide.i18n import localize, t
from govdecide.io.scenario import Scenario
from govdecide.model.settings import Settings
from govdecide.present.summary import budget_units
from ui.links import Note, add_link_notes
from ui.state import DEFAULT_SCENARIO, LANG_KEY, SCENARIO_KEY
from ui.story_workspace import LINK_PARAMS

_STORE = "_govdecide_controls"


@dataclass(frozen=True)
class ControlSpec:
    """One slider: the setting it moves, its range, its default and its words."""

    param: str  # policy.budget | policy.staff | policy.equity_weight | programs.<id>.weight
    query: str  # the URL parameter name
    min: float
    max: float
    step: float
    default: float
    label: str
    help: str

    def clamp(self, value: float) -> float:
        """A value inside the slider's range (URL values may be anything)."""
        return float(min(max(value, self.min), self.max))

    @property
    def digits(self) -> int:
        """Decimals to show: as many as the step needs."""
        if self.step >= 1 and float(self.step).is_integer():
            return 0
        return max(0, min(4, -math.floor(math.log10(self.step)) + 0))


def nice_step(span: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about 100 slider positions."""
    if span <= 0:
        return 1.0
    raw = span / 100
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 5, 10):
        if raw <= mult * power:
            return float(mult * power)
    return float(10 * power)


def query_name(param: str) -> str:
    """The URL parameter of a setting: ``policy.budget`` -> ``budget``."""
    if param == "policy.budget":
        return "budget"
    if param == "policy.staff":
        return "staff"
    if param == "policy.equity_weight":
        return "equity"
    return "w." + param.split(".")[1]


def _current(scenario: Scenario, param: str) -> float:
    """The scenario's own value of a setting (the slider's default)."""
    policy = scenario.policy
    if param == "policy.budget":  # a plan's (v1.1): its first year, as the model reads it
        return float(policy.first_budget)
    if param == "policy.staff":
        return float(policy.first_staff) if policy.first_staff is not None else 0.0
    if param == "policy.equity_weight":
        return float(policy.equity_weight)
    return float(scenario.program(param.split(".")[1]).weight)


def _words(scenario: Scenario, param: str, lang: str) -> tuple[str, str]:
    """Label and help text of a setting's slider, in ``lang``."""
    currency = budget_units(scenario, lang)
    if param == "policy.budget":
        return t("app.ctl.budget", lang, currency=currency), t("app.ctl.budget_help", lang)
    if param == "policy.staff":
        return t("app.ctl.staff", lang), t("app.ctl.staff_help", lang)
    if param == "policy.equity_weight":
        return t("app.ctl.equity", lang), t("app.ctl.equity_help", lang)
    program = scenario.program(param.split(".")[1])
    name = localize(program.name, lang)
    return t("app.ctl.weight", lang, program=name), t("app.ctl.weight_help", lang, program=name)


def default_controls(scenario: Scenario) -> list[tuple[str, float, float, float]]:
    """(param, min, max, step) of the sliders a scenario without ``controls`` gets."""
    budget = float(scenario.policy.first_budget)
    top = budget * 3 if budget > 0 else 1000.0
    out = [("policy.budget", 0.0, top, nice_step(top))]
    if scenario.policy.first_staff is not None:
        staff_top = float(scenario.policy.first_staff) * 3 or 100.0
        out.append(("policy.staff", 0.0, staff_top, nice_step(staff_top)))
    out.append(("policy.equity_weight", 0.0, 1.0, 0.05))
    out.extend((f"programs.{p.id}.weight", 0.0, 3.0, 0.1) for p in scenario.programs)
    return out


def control_specs(scenario: Scenario, lang: str) -> list[ControlSpec]:
    """The sliders of a scenario: its ``controls``, or the defaults when it has none."""
    if scenario.controls:
        raw = [(c.param, c.min, c.max, c.step, c.label) for c in scenario.controls]
    else:
        raw = [(p, lo, hi, step, None) for p, lo, hi, step in default_controls(scenario)]
    specs = []
    seen: set[str] = set()
    for param, lo, hi, step, label in raw:
        if param in seen:
            continue
        seen.add(param)
        words, help_text = _words(scenario, param, lang)
        if label is not None:
            words = localize(label, lang)
        lo, hi = float(lo), float(hi)
        if param == "policy.staff" and scenario.policy.staff is None:
            default = hi  # no staff limit in the scenario: start at the most permissive
        else:
            default = min(max(_current(scenario, param), lo), hi)
        specs.append(
            ControlSpec(param, query_name(param), lo, hi, float(step), default, words, help_text)
        )
    return specs


def settings_from_values(values: Mapping[str, float]) -> Settings:
    """The engine's settings for slider values keyed by param (absent = as the scenario)."""
    weights = {
        param.split(".")[1]: float(v)
        for param, v in values.items()
        if param.startswith("programs.")
    }
    return Settings(
        budget=values.get("policy.budget"),
        staff=values.get("policy.staff"),
        equity_weight=values.get("policy.equity_weight"),
        weights=weights,
    )


def _fmt(spec: ControlSpec, value: float) -> str:
    """A slider value as the URL writes it (as many decimals as the step needs)."""
    return f"{value:.{spec.digits}f}" if spec.digits else f"{value:.0f}"


def read_query(
    specs: list[ControlSpec], query: Mapping[str, str]
) -> tuple[dict[str, float], list[Note]]:
    """Slider values from URL parameters, and notes on what could not be used as given.

    Unreadable or non-finite values are left out (note ``not_number``), values outside a
    slider's range are clamped (note ``clamped``), and parameters that are neither the
    scenario, the language nor a slider of this scenario are noted ``unknown``.
    """
    out: dict[str, float] = {}
    notes: list[Note] = []
    by_name = {spec.query: spec for spec in specs}
    for name, raw in query.items():
        if name in (SCENARIO_KEY, LANG_KEY, *LINK_PARAMS):  # a link's, not a slider's
            continue
        spec = by_name.get(name)
        if spec is None:
            notes.append(("unknown", {"name": name, "value": raw}))
            continue
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = math.nan
        if not math.isfinite(value):
            notes.append(("not_number", {"name": name, "value": raw}))
            continue
        out[spec.param] = spec.clamp(value)
        if out[spec.param] != value:
            words = {"low": _fmt(spec, spec.min), "high": _fmt(spec, spec.max)}
            used = _fmt(spec, out[spec.param])
            notes.append(("clamped", {"name": name, "value": raw, "used": used, **words}))
    return out, notes


def values_from_query(specs: list[ControlSpec], query: Mapping[str, str]) -> dict[str, float]:
    """Slider values from URL parameters; unreadable values are ignored, others clamped."""
    return read_query(specs, query)[0]


def query_from_values(specs: list[ControlSpec], values: Mapping[str, float]) -> dict[str, str]:
    """URL parameters for the slider values that differ from the scenario's own."""
    out = {}
    for spec in specs:
        value = values.get(spec.param, spec.default)
        if abs(value - spec.default) > 1e-12:
            out[spec.query] = _fmt(spec, value)
    return out


# -- session store ------------------------------------------------------------------------


def stored_values(scenario_key: str) -> dict[str, float]:
    """This session's slider values for a scenario (survive page switches)."""
    store = st.session_state.setdefault(_STORE, {})
    return store.setdefault(scenario_key, {})


def widget_key(scenario_key: str, spec: ControlSpec) -> str:
    """The slider's widget key: one per scenario and setting (ranges differ by scenario)."""
    return f"ctl:{scenario_key}:{spec.param}"


def current_values(scenario_key: str, specs: list[ControlSpec]) -> dict[str, float]:
    """Every slider's value: stored in this session, else the scenario's default."""
    stored = stored_values(scenario_key)
    return {s.param: s.clamp(stored.get(s.param, s.default)) for s in specs}


def seed_from_url(scenario_key: str, specs: list[ControlSpec], query: Mapping[str, str]) -> None:
    """Once per session and scenario, take slider values from the URL it was opened with;
    what the link held that could not be used is noted for the user (:mod:`ui.links`)."""
    seeded = st.session_state.setdefault(_STORE + ":seeded", set())
    if scenario_key in seeded:
        return
    seeded.add(scenario_key)
    if query.get(SCENARIO_KEY, DEFAULT_SCENARIO) != scenario_key:
        return  # the link was for another scenario (an unknown one is noted by ui.state)
    values, notes = read_query(specs, query)
    stored_values(scenario_key).update(values)
    add_link_notes(notes)
