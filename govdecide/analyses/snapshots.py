"""Snapshots: a setting and its result saved under a name, downloadable, compared by district.

A saved-options file comes back as an upload, so it is input like a scenario file: it is
read only after every value in it has been checked (:func:`snapshots_from_json`), and
refused with a :class:`ScenarioError` (a ``ValueError``) that says where and why. A name
with a control character would abort the chart export; a negative population, a
duplicated district or a figure of the wrong type would break the comparison.

A plan over years (:func:`plan_snapshot`) is compared by its last year, the way a
policymaker reads a plan's outcome: where coverage stands at its end. Its coverage, E and
z are the last year's; its new units are all it commissions; its spend (by district too)
is what it costs over all its years, building and running, against its budgets summed
over them. ``years`` says how many years a snapshot covers (1: a single year), its
settings carry the plan's under ``plan``, and whoever shows it labels it so.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import fmt_num, t
from govdecide.io.scenario_schema import MAX_YEARS, printable, unsafe_character
from govdecide.model.result import Result
from govdecide.model.settings import UNLIMITED, Settings
from govdecide.model.years.result import PlanResult
from govdecide.model.years.settings import PLAN_KEY, PlanSettings

SNAPSHOT_COLUMNS = [
    "district",
    "population",
    "need",
    "new_units",
    "spend",
    "coverage_before",
    "coverage_after",
]
OPTIONS_FORMAT = "govdecide/snapshots-v1"
MAX_PROBLEMS = 50  # listed one by one; a wholly wrong file is not worth a thousand lines
# the headline figures, each a number or null (null when the option had no solution)
_FIGURES = ("efficiency", "equity", "objective", "spend", "people_newly_served")
# the settings that are numbers (staff may also be "unlimited")
_SETTING_NUMBERS = ("budget", "staff", "equity_weight", "time_limit_s", "gap")
# a district's figures: (name, lower limit, whether the limit itself is allowed, upper)
_DISTRICT_FIGURES = (
    ("population", 0.0, False, None),
    ("need", 0.0, True, None),
    ("new_units", 0.0, True, None),
    ("spend", 0.0, True, None),
    ("coverage_before", 0.0, True, 1.0),
    ("coverage_after", 0.0, True, 1.0),
)


@dataclass(frozen=True)
class Snapshot:
    """A named setting and its result's headline and per-district figures."""

    name: str
    settings: dict[str, Any]
    status: str
    efficiency: float | None
    equity: float | None
    objective: float | None
    budget: float
    spend: float | None
    people_newly_served: float | None
    districts: pd.DataFrame = field(compare=False)
    allocation: pd.DataFrame = field(compare=False)
    scenario: str = ""
    years: int = 1  # how many years it covers: above 1, a plan compared by its last year

    @property
    def plan(self) -> PlanSettings | None:
        """The plan's settings, for a plan over years (None for a single year)."""
        data = self.settings.get(PLAN_KEY)
        return None if data is None else PlanSettings.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (what the download holds)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["districts"] = self.districts.to_dict(orient="records")
        out["allocation"] = self.allocation.to_dict(orient="records")
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Snapshot:
        """A snapshot read back from :meth:`to_dict` output (a downloaded file)."""
        fields = dict(data)
        rows = fields.get("districts") or []
        fields["districts"] = pd.DataFrame(rows).reindex(columns=SNAPSHOT_COLUMNS)
        fields["allocation"] = pd.DataFrame(fields.get("allocation") or [])
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in fields.items() if k in known})


def snapshot(name: str, settings: Settings, result: Result, scenario: str = "") -> Snapshot:
    """Save a setting and its result under a name (kept in the session, downloadable)."""
    ok = result.has_solution
    districts = (
        result.districts[SNAPSHOT_COLUMNS].copy() if ok else pd.DataFrame(columns=SNAPSHOT_COLUMNS)
    )
    return Snapshot(
        name=name,
        settings=settings.to_dict(),
        status=result.status,
        efficiency=result.efficiency,
        equity=result.equity,
        objective=result.objective,
        budget=result.budget,
        spend=result.budget_used,
        people_newly_served=result.people_newly_served,
        districts=districts,
        allocation=result.allocation.copy() if ok else pd.DataFrame(),
        scenario=scenario,
    )


def plan_snapshot(
    name: str, settings: Settings, plan: PlanSettings, result: PlanResult, scenario: str = ""
) -> Snapshot:
    """A plan over years saved under a name, to be compared by its last year.

    Coverage, E, z and people newly served are the last year's (``result.final``); new
    units are all the plan commissions; spend is what it costs over its years (building
    and running), by district too, against the budgets of all its years: never one
    year's figures, and ``years`` says so.
    """
    final = result.final
    ok = result.has_solution
    districts = pd.DataFrame(columns=SNAPSHOT_COLUMNS)
    if ok:
        districts = final.districts[SNAPSHOT_COLUMNS].copy()
        costs = result.allocation.assign(cost=lambda f: f["capital"] + f["running"])
        by_district = costs.groupby("district")["cost"].sum()
        districts["spend"] = districts["district"].map(by_district).fillna(0.0).to_numpy()
    years = result.year_figures
    return Snapshot(
        name=name,
        settings=settings.to_dict() | {PLAN_KEY: plan.to_dict()},
        status=result.status,
        efficiency=final.efficiency if ok else None,
        equity=final.equity if ok else None,
        objective=result.objective,
        budget=float(years["budget"].sum()) if ok else float(final.budget),
        spend=float(years["spend"].sum()) if ok else None,
        people_newly_served=final.people_newly_served if ok else None,
        districts=districts,
        allocation=final.allocation.copy() if ok else pd.DataFrame(),
        scenario=scenario,
        years=result.years,
    )


def snapshots_to_json(snapshots: Iterable[Snapshot]) -> str:
    """Snapshots as a JSON document (the page's download)."""
    return json.dumps(
        {"format": OPTIONS_FORMAT, "snapshots": [s.to_dict() for s in snapshots]},
        ensure_ascii=False,
        indent=2,
        default=float,
    )


def snapshots_from_json(text: str) -> list[Snapshot]:
    """Snapshots from :func:`snapshots_to_json` output, every value checked first.

    Raises :class:`ScenarioError` (a ``ValueError``) naming each wrong value by its place
    (``snapshots[0].districts[2].population``): not JSON, nested past the reader's depth,
    another format, or values of the wrong type, size or character.
    """
    try:
        data = json.loads(text)
    except RecursionError:
        raise ScenarioError([Problem("", "options_too_deep", {})]) from None
    except ValueError:  # not JSON, or an integer of thousands of digits
        raise ScenarioError([Problem("", "options_not_json", {})]) from None
    if not isinstance(data, dict) or data.get("format") != OPTIONS_FORMAT:
        raise ScenarioError([Problem("", "options_format", {"expected": OPTIONS_FORMAT})])
    items = data.get("snapshots", [])
    if not isinstance(items, list):
        raise ScenarioError([Problem("snapshots", "not_list", {"got": _quote(items)})])
    problems: list[Problem] = []
    for i, item in enumerate(items):
        problems += _snapshot_problems(f"snapshots[{i}]", item)
    if problems:
        if len(problems) > MAX_PROBLEMS:
            more = len(problems) - MAX_PROBLEMS
            problems = [*problems[:MAX_PROBLEMS], Problem("", "more_problems", {"count": more})]
        raise ScenarioError(problems)
    return [Snapshot.from_dict(s) for s in items]


def _quote(value: Any) -> str:
    """A value for a message: short, and printable whatever it holds."""
    text = value if isinstance(value, str) else type(value).__name__
    return printable(text[:40])


def _text_problems(where: str, value: Any, required: bool = True) -> list[Problem]:
    """A text of the file: a string (non-empty when required) of safe characters."""
    if value is None or value == "":
        return [Problem(where, "missing", {})] if required else []
    if not isinstance(value, str):
        return [Problem(where, "not_string", {"got": _quote(value)})]
    char = unsafe_character(value)
    return [] if char is None else [Problem(where, "bad_character", {"char": char})]


def _number_problems(where: str, value: Any, required: bool = False) -> list[Problem]:
    """A figure of the file: a finite number (or null, unless required)."""
    if value is None and not required:
        return []
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return [Problem(where, "not_number", {"got": _quote(value)})]
    try:
        finite = math.isfinite(float(value))
    except OverflowError:  # an integer no float can hold
        return [Problem(where, "number_too_large", {"limit": "1e308", "got": _quote(value)})]
    return [] if finite else [Problem(where, "not_finite", {"got": str(value)})]


def _snapshot_problems(where: str, item: Any) -> list[Problem]:
    """Everything wrong with one saved option, each at its place."""
    if not isinstance(item, dict):
        return [Problem(where, "not_mapping", {"got": _quote(item)})]
    found = _text_problems(f"{where}.name", item.get("name"))
    found += _text_problems(f"{where}.status", item.get("status"))
    found += _text_problems(f"{where}.scenario", item.get("scenario"), required=False)
    found += _number_problems(f"{where}.budget", item.get("budget"), required=True)
    for key in _FIGURES:  # each present, a number or null
        if key not in item:
            found.append(Problem(f"{where}.{key}", "missing", {}))
        found += _number_problems(f"{where}.{key}", item.get(key))
    if item.get("efficiency") is not None:  # the headline shows E with z and the spend
        for key in ("equity", "spend"):
            if item.get(key) is None:
                found.append(Problem(f"{where}.{key}", "missing", {}))
    found += _years_problems(f"{where}.years", item.get("years", 1))
    found += _settings_problems(f"{where}.settings", item.get("settings"))
    found += _district_problems(f"{where}.districts", item.get("districts") or [])
    found += _allocation_problems(f"{where}.allocation", item.get("allocation") or [])
    return found


def _years_problems(where: str, value: Any) -> list[Problem]:
    """How many years an option covers: a whole number from 1 to MAX_YEARS."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_YEARS:
        return [Problem(where, "plan_years", {"got": _quote(value), "max": MAX_YEARS})]
    return []


def _plan_problems(where: str, value: Any) -> list[Problem]:
    """A plan's settings kept with an option's: what :meth:`PlanSettings.from_dict`
    reads and :meth:`PlanSettings.check` accepts."""
    if value is None:
        return []
    if not isinstance(value, dict):
        return [Problem(where, "not_mapping", {"got": _quote(value)})]
    try:
        PlanSettings.from_dict(value).check()
    except ScenarioError as exc:
        return [Problem(f"{where}.{p.path}", p.code, p.params) for p in exc.problems]
    except (TypeError, ValueError, OverflowError):
        return [Problem(where, "not_mapping", {"got": _quote(value)})]
    return []


def _settings_problems(where: str, value: Any) -> list[Problem]:
    """The option's settings: what :meth:`Settings.from_dict` reads and
    :meth:`Settings.check` accepts (weights for any program the file names)."""
    if not isinstance(value, dict):
        return [Problem(where, "not_mapping", {"got": _quote(value)})]
    weights = value.get("weights") or {}
    if not isinstance(weights, dict):
        return [Problem(f"{where}.weights", "not_mapping", {"got": _quote(weights)})]
    found = [p for key in weights for p in _text_problems(f"{where}.weights", key)]
    found += [p for w in weights.values() for p in _number_problems(f"{where}.weights", w)]
    for key in _SETTING_NUMBERS:
        if value.get(key) != UNLIMITED:
            found += _number_problems(f"{where}.{key}", value.get(key))
    if not isinstance(value.get("integer", True), bool):
        found.append(Problem(f"{where}.integer", "not_bool", {"got": _quote(value["integer"])}))
    found += _plan_problems(f"{where}.{PLAN_KEY}", value.get(PLAN_KEY))
    for key in ("solver", "method"):
        if value.get(key) is not None:
            found += _text_problems(f"{where}.{key}", value[key])
    if found:
        return found
    try:
        Settings.from_dict(value).check(set(weights))
    except ScenarioError as exc:
        return [Problem(f"{where}.{p.path}", p.code, p.params) for p in exc.problems]
    except (TypeError, ValueError, OverflowError):
        return [Problem(where, "not_mapping", {"got": _quote(value)})]
    return []


def _district_problems(where: str, rows: Any) -> list[Problem]:
    """The option's districts: records with a unique district id and figures in range."""
    if not isinstance(rows, list):
        return [Problem(where, "not_list", {"got": _quote(rows)})]
    found: list[Problem] = []
    first: dict[str, int] = {}
    for i, row in enumerate(rows):
        at = f"{where}[{i}]"
        if not isinstance(row, dict):
            found.append(Problem(at, "not_mapping", {"got": _quote(row)}))
            continue
        ident = row.get("district")
        found += _text_problems(f"{at}.district", ident)
        if isinstance(ident, str) and ident in first:
            again = {"id": printable(ident), "first": f"{where}[{first[ident]}]"}
            found.append(Problem(f"{at}.district", "duplicate_id", again))
        elif isinstance(ident, str):
            first[ident] = i
        for key, low, low_ok, high in _DISTRICT_FIGURES:
            found += _figure_problems(f"{at}.{key}", row.get(key), low, low_ok, high)
    return found


def _figure_problems(
    where: str, value: Any, low: float, low_ok: bool, high: float | None
) -> list[Problem]:
    """A district figure: a finite number within its range (the equity indicators and
    the comparison compute with every one)."""
    found = _number_problems(where, value, required=True)
    if found:
        return found
    if value < low or (value == low and not low_ok):
        code = "greater_than_equal" if low_ok else "greater_than"
        return [Problem(where, code, {"limit": str(low), "got": str(value)})]
    if high is not None and value > high:
        return [Problem(where, "less_than_equal", {"limit": str(high), "got": str(value)})]
    return []


def _allocation_problems(where: str, rows: Any) -> list[Problem]:
    """The option's allocation: records of texts (safe characters) and finite numbers."""
    if not isinstance(rows, list):
        return [Problem(where, "not_list", {"got": _quote(rows)})]
    found: list[Problem] = []
    for i, row in enumerate(rows):
        at = f"{where}[{i}]"
        if not isinstance(row, dict):
            found.append(Problem(at, "not_mapping", {"got": _quote(row)}))
            continue
        for key, value in row.items():
            place = f"{at}.{printable(key)}"
            found += _text_problems(f"{at}", key)
            if isinstance(value, str):
                found += _text_problems(place, value, required=False)
            elif value is not None and not isinstance(value, bool):
                found += _number_problems(place, value)
    return found


def compare(a: Snapshot, b: Snapshot) -> pd.DataFrame:
    """Side by side by district: spend and coverage in A and B, and B minus A.

    Columns: district, spend_a, spend_b, spend_diff, coverage_a, coverage_b, coverage_diff
    (coverage = weighted coverage after). No units: a district's units of different
    programs do not add up (see ``present.analysis_tables.comparison_units_table``).
    """
    cols = {"spend": "spend", "coverage_after": "coverage"}
    left, right = (
        s.districts.set_index("district")[list(cols)].rename(columns=cols) for s in (a, b)
    )
    order = list(dict.fromkeys([*left.index, *right.index]))
    left, right = left.reindex(order), right.reindex(order)
    out = pd.DataFrame({"district": order})
    for c in cols.values():
        out[f"{c}_a"] = left[c].to_numpy(dtype=float)
        out[f"{c}_b"] = right[c].to_numpy(dtype=float)
        out[f"{c}_diff"] = out[f"{c}_b"] - out[f"{c}_a"]
    return out


def compare_sentence(
    frame: pd.DataFrame,
    name_a: str,
    name_b: str,
    names: Mapping[str, str] | None = None,
    lang: str = "en",
    most: int = 3,
) -> str:
    """Who gains and who loses coverage going from A to B, the largest changes first."""
    names = names or {}
    tol = 1e-4

    def listing(rows: pd.DataFrame, key: str) -> str:
        parts = [
            t(
                key,
                lang,
                district=names.get(str(r.district), str(r.district)),
                points=fmt_num(abs(r.coverage_diff) * 100, lang, 1),
            )
            for r in rows.head(most).itertuples()
        ]
        more = len(rows) - most
        if more > 0:
            parts.append(t("an.cmp.more", lang, n=more))
        return t("an.cmp.sep", lang).join(parts)

    valid = frame.dropna(subset=["coverage_diff"])
    gains = valid[valid["coverage_diff"] > tol].sort_values("coverage_diff", ascending=False)
    losses = valid[valid["coverage_diff"] < -tol].sort_values("coverage_diff")
    if gains.empty and losses.empty:
        return t("an.cmp.same", lang, a=name_a, b=name_b)
    parts = []
    if not gains.empty:
        parts.append(
            t("an.cmp.gain", lang, a=name_a, b=name_b, list=listing(gains, "an.cmp.item_gain"))
        )
    if not losses.empty:
        parts.append(t("an.cmp.loss", lang, list=listing(losses, "an.cmp.item_loss")))
    else:
        parts.append(t("an.cmp.noloss", lang))
    return " ".join(parts) if lang != "zh" else "".join(parts)
