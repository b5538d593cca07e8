"""The analyses the pages run, cached on the server like :mod:`ui.solving`'s solves.

Each is keyed by the scenario's fingerprint (its version), the settings' key and the
analysis' own inputs; the scenario itself is passed unhashed (``_scenario``). Moving a
slider back, or another user asking the same, shows the answer at once.
"""

from __future__ import annotations

import streamlit as st

from govdecide import analyses as an
from govdecide.analyses import equity_rules
from govdecide.io.scenario import Scenario
from govdecide.model.result import Result
from govdecide.model.settings import Settings

MAX_ENTRIES = 32


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def frontier(fingerprint: str, key: str, points: int, _scenario: Scenario) -> an.Frontier:
    """The efficiency-equity frontier with ``points`` points."""
    return an.frontier(_scenario, Settings.from_key(key), points=points)


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def rule_solve(
    fingerprint: str, key: str, kind: str, value: float, _scenario: Scenario
) -> Result:
    """A solve under an alternative equity rule (``kind`` at ``value``)."""
    sweep = an.Sweep(_scenario, equity_rules.EquityRule(kind, value))
    return sweep.solve(Settings.from_key(key))


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def budget_curve(
    fingerprint: str, key: str, budgets: tuple[float, ...], _scenario: Scenario
) -> an.BudgetCurve:
    """The budget curve over the grid ``budgets``."""
    return an.budget_curve(_scenario, Settings.from_key(key), budgets=list(budgets))


@st.cache_data(show_spinner=False, max_entries=MAX_ENTRIES)
def min_budget(fingerprint: str, key: str, coverage: float, _scenario: Scenario) -> an.MinBudget:
    """The smallest budget that gives every district at least ``coverage``."""
    return an.min_budget(_scenario, Settings.from_key(key), coverage)
