"""A scenario as editable tables (the app's data editor), and the edited tables back.

The app shows a scenario's districts, programs and policy as three DataFrames; the user
edits cells, adds and deletes rows; :func:`scenario_from_frames` validates the result like
any loaded file, and reports each problem at the table and row the user sees.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import t
from govdecide.io.scenario import Scenario, scenario_from_data, scenario_to_data
from govdecide.io.table_read import in_chinese

IND_COL = "ind:"
BASE_COL = "base:"
DISTRICT_COLUMNS = ("id", "name_en", "name_zh", "population", "area_km2")
PROGRAM_COLUMNS = (
    "id",
    "name_en",
    "name_zh",
    "unit_cost",
    "capacity",
    "staff_per_unit",
    "integer",
    "need_indicator",
    "per_capita",
    "scale",
    "min_units",
    "max_units",
    "weight",
    "spend_min",
    "spend_max",
)
POLICY_COLUMNS = ("budget", "staff", "equity_weight")
# program columns that hold a number of the program itself (the need's scale is in "need")
_PROGRAM_NUMBERS = (
    "unit_cost",
    "capacity",
    "staff_per_unit",
    "min_units",
    "max_units",
    "weight",
    "spend_min",
    "spend_max",
)


# ---------------------------------------------------------------------------------------
# Cells


def _text_parts(text: Any) -> dict[str, str]:
    """A scenario text as {language: text}; a plain string counts as zh when it is written
    in Chinese characters and as en otherwise (so it lands in the column it reads in)."""
    if text is None:
        return {}
    if isinstance(text, str):
        return {"zh" if in_chinese(text) else "en": text}
    return dict(text)


def _cell_text(value: Any) -> Any:
    """An editor cell as text: '' when blank, a string as it is, a number as its digits;
    anything else (a list pasted into a cell) stays as it is, for validation to refuse
    (its ``str`` could recurse without end)."""
    if _blank_cell(value):
        return ""
    value = _plain(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _text_from(original: Any, en: Any, zh: Any) -> Any:
    """A scenario text from edited en/zh cells, keeping the original's shape and its other
    languages: an unchanged plain string stays a plain string."""
    en_text = _cell_text(en)
    zh_text = _cell_text(zh)
    if isinstance(original, str):
        lang = next(iter(_text_parts(original)))
        mine, other = (en_text, zh_text) if lang == "en" else (zh_text, en_text)
        if mine == original and not other:
            return original
    parts = _text_parts(original) if isinstance(original, dict) else {}
    for lang, text in (("en", en_text), ("zh", zh_text)):
        if text:
            parts[lang] = text
        else:
            parts.pop(lang, None)
    if not parts:
        return None
    if len(parts) == 1 and not isinstance(original, dict):
        return next(iter(parts.values()))
    return parts


def _blank_cell(value: Any) -> bool:
    """True for an empty editor cell: None, NaN, pandas NA or white space."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(value != value)  # NaN
    except (TypeError, ValueError):  # pandas.NA has no truth value; nor has an array
        return type(value).__name__ == "NAType"


def _plain(value: Any) -> Any:
    """An editor cell as a plain Python value for validation (None when blank).

    numpy numbers become float (whole numbers int, so the YAML reads naturally); text that
    reads as a number stays text, so validation reports it instead of guessing.
    """
    if _blank_cell(value):
        return None
    if isinstance(value, bool):
        return value
    if getattr(value, "ndim", None) == 0 and hasattr(value, "item"):
        value = value.item()  # a numpy scalar (an array pasted into a cell stays one)
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _plain_bool(value: Any, default: bool = False) -> Any:
    """A check box cell as bool (blank = the default)."""
    value = _plain(value)
    if value is None:
        return default
    return value


def _plain_id(value: Any) -> str | None:
    """An id cell as trimmed text (None when blank): the key that finds the original row."""
    ident = _plain(value)
    return str(ident).strip() if ident is not None else None


# ---------------------------------------------------------------------------------------
# Scenario -> tables


def scenario_frames(scenario: Scenario) -> dict[str, Any]:
    """The editable parts of a scenario as three DataFrames: districts, programs, policy.

    Districts get one ``ind:<id>`` column per indicator and one ``base:<program>`` column
    per program (units already in place). What the tables do not show (tiles, map ids,
    units, descriptions, per-district bounds, solver options, sliders) is kept from the
    scenario by id when the tables are read back (:func:`scenario_from_frames`).
    """
    import pandas as pd

    pol = scenario.policy
    policy = pd.DataFrame(
        [  # a plan's yearly budget and staff: the table edits its first year's (v1.1)
            {
                "budget": pol.first_budget,
                "staff": pol.first_staff,
                "equity_weight": pol.equity_weight,
            }
        ],  # fmt: skip
        columns=list(POLICY_COLUMNS),
    ).astype(float)
    return {
        "districts": _district_frame(scenario),
        "programs": _program_frame(scenario),
        "policy": policy,
    }


def _district_frame(scenario: Scenario) -> Any:
    """One row per district; every number column float, so blank cells are NaN."""
    import pandas as pd

    indicator_ids = list(dict.fromkeys(i for d in scenario.districts for i in d.indicators))
    indicator_ids += [i.id for i in scenario.indicators if i.id not in indicator_ids]
    program_ids = [p.id for p in scenario.programs]
    rows = []
    for d in scenario.districts:
        names = _text_parts(d.name)
        row: dict[str, Any] = {
            "id": d.id,
            "name_en": names.get("en", ""),
            "name_zh": names.get("zh", ""),
            "population": d.population,
            "area_km2": d.area_km2,
        }
        for ind in indicator_ids:
            row[IND_COL + ind] = d.indicators.get(ind)
        for pid in program_ids:
            row[BASE_COL + pid] = d.baseline.get(pid)  # blank = none given (0 units)
        rows.append(row)
    columns = [
        *DISTRICT_COLUMNS,
        *(IND_COL + i for i in indicator_ids),
        *(BASE_COL + p for p in program_ids),
    ]
    districts = pd.DataFrame(rows, columns=columns)
    for column in columns[3:]:
        districts[column] = districts[column].astype(float)
    return districts


def _program_frame(scenario: Scenario) -> Any:
    """One row per program, the need's indicator, per-capita flag and scale beside it."""
    import pandas as pd

    rows = []
    for p in scenario.programs:
        names = _text_parts(p.name)
        rows.append(
            {
                "id": p.id,
                "name_en": names.get("en", ""),
                "name_zh": names.get("zh", ""),
                "integer": p.integer,
                "need_indicator": p.need.indicator,
                "per_capita": p.need.per_capita,
                "scale": p.need.scale,
                **{column: getattr(p, column) for column in _PROGRAM_NUMBERS},
            }
        )
    programs = pd.DataFrame(rows, columns=list(PROGRAM_COLUMNS))
    for column in (*_PROGRAM_NUMBERS, "scale"):
        programs[column] = programs[column].astype(float)
    return programs


# ---------------------------------------------------------------------------------------
# Tables -> scenario


def scenario_from_frames(
    scenario: Scenario, frames: Mapping[str, Any], file: str = "<edited tables>"
) -> Scenario:
    """The scenario with the edited tables applied, validated like any loaded file.

    Rows are matched to the original by id, so what the tables do not show is kept for
    districts and programs that still exist. Blank cells mean "not given" (an indicator a
    district lacks, no maximum); a required cell left blank is reported by the validator.
    Problems are raised as :class:`ScenarioError` with paths like ``districts[3].population``.
    """
    base = scenario_to_data(scenario)
    data = dict(base)
    data["districts"] = _districts_from(frames["districts"], base["districts"])
    data["programs"] = _programs_from(frames["programs"], base["programs"])
    data["policy"] = _policy_from(frames["policy"], base["policy"])
    try:
        return scenario_from_data(data, file=file)
    except ScenarioError as exc:
        raise ScenarioError([_edit_problem(p) for p in exc.problems]) from None


def _districts_from(frame: Any, old_districts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """District mappings from the districts table; a district's tile, map id and other
    parts the table does not show come from the original district with the same id."""
    by_id = {d["id"]: d for d in old_districts}
    districts = []
    for _, row in frame.iterrows():
        ident = _plain_id(row.get("id"))
        old = by_id.get(ident or "", {})
        item: dict[str, Any] = {
            k: v for k, v in old.items() if k not in ("indicators", "baseline", "area_km2")
        }
        item["id"] = ident
        item["name"] = _text_from(old.get("name"), row.get("name_en"), row.get("name_zh"))
        item["population"] = _plain(row.get("population"))
        area = _plain(row.get("area_km2"))
        if area is not None:
            item["area_km2"] = area
        indicators = {}
        baseline = {}
        for column in frame.columns:
            value = _plain(row.get(column))
            if column.startswith(IND_COL) and value is not None:
                indicators[column[len(IND_COL) :]] = value
            elif column.startswith(BASE_COL) and value is not None:
                baseline[column[len(BASE_COL) :]] = value
        if indicators:
            item["indicators"] = indicators
        if baseline:
            item["baseline"] = baseline
        districts.append({k: v for k, v in item.items() if v is not None})
    return districts


def _programs_from(frame: Any, old_programs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Program mappings from the programs table; units, descriptions and per-district
    bounds come from the original program with the same id."""
    by_id = {p["id"]: p for p in old_programs}
    programs = []
    for _, row in frame.iterrows():
        ident = _plain_id(row.get("id"))
        old = by_id.get(ident or "", {})
        item = {k: v for k, v in old.items() if k not in PROGRAM_COLUMNS and k != "need"}
        item["id"] = ident
        item["name"] = _text_from(old.get("name"), row.get("name_en"), row.get("name_zh"))
        for column in _PROGRAM_NUMBERS:
            value = _plain(row.get(column))
            if value is not None:
                item[column] = value
        item["integer"] = _plain_bool(row.get("integer"))
        need: dict[str, Any] = {"indicator": _plain(row.get("need_indicator"))}
        if _plain_bool(row.get("per_capita")):
            need["per_capita"] = True
        scale = _plain(row.get("scale"))
        if scale is not None:
            need["scale"] = scale
        item["need"] = {k: v for k, v in need.items() if v is not None}
        programs.append({k: v for k, v in item.items() if v is not None})
    return programs


def _policy_from(frame: Any, old_policy: Mapping[str, Any]) -> dict[str, Any]:
    """The policy from the first row of the policy table; solver options are kept."""
    policy_row = frame.iloc[0] if len(frame) else {}
    policy = {k: v for k, v in old_policy.items() if k not in POLICY_COLUMNS}
    for column in POLICY_COLUMNS:
        value = _plain(policy_row.get(column)) if len(frame) else None
        old = old_policy.get(column)
        if value is not None and isinstance(old, list) and old:
            policy[column] = [value, *old[1:]]  # the first year edited, the later ones kept
        elif value is not None:
            policy[column] = value
    return policy


@dataclass(frozen=True)
class EditProblem(Problem):
    """A problem of an edit table, located by table and row as the user sees them."""

    table: str = ""
    row: int = 0

    def message(self, lang: str = "en") -> str:
        """'Districts table, row 2: population: is required but missing'."""
        inner = Problem(self.path, self.code, self.params).message(lang)
        where = (
            t(f"io.edit.table_{self.table}", lang) + ", " + t("io.tbl.at_row", lang, row=self.row)
        )
        return f"{where}: {inner}"


def _edit_problem(problem: Problem) -> Problem:
    """``districts[1].population`` -> districts table, row 2, ``population``."""
    m = re.match(r"^(districts|programs)\[(\d+)\](?:\.(.*))?$", problem.path)
    if m:
        return EditProblem(
            m.group(3) or "",
            problem.code,
            problem.params,
            None,
            problem.file,
            table=m.group(1),
            row=int(m.group(2)) + 1,
        )
    if problem.path.startswith("policy"):
        return EditProblem(
            problem.path.partition(".")[2],
            problem.code,
            problem.params,
            None,
            problem.file,
            table="policy",
            row=1,
        )
    return problem
