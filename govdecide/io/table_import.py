"""From a district table and a column mapping to a validated scenario.

The table (:mod:`govdecide.io.table_read`) gives the districts, the mapping
(:mod:`govdecide.io.table_mapping`) says which column is which field, and an existing
scenario (the template) gives the programs and the policy.

Nothing is silently dropped or invented, because a wrong figure in a public decision is
worse than an error: every bad cell is reported with its spreadsheet row number (the header
is row 1) and its column, all at once; ignored columns, scaled units and template parts
that cannot apply are listed as notes. Values are checked against what their field is: a
share indicator holds values between 0 and 1 (percentages are refused, with the unit
``percent`` offered as the fix, or divided when the header says %), and a need above a
district's population is noted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import LANGS, localize, t
from govdecide.io.scenario import scenario_from_data, scenario_to_data
from govdecide.io.scenario_schema import FORMAT, Scenario
from govdecide.io.table_mapping import (
    AREA,
    AS_IS,
    BASELINE_PREFIX,
    ID,
    IGNORE,
    INDICATOR_PREFIX,
    NAME,
    NAME_EN,
    NAME_ZH,
    PERCENT,
    POPULATION,
    TEN_THOUSANDS,
    THOUSANDS,
    UNITS,
    check_mapping,
    check_units,
    guess_mapping,
    is_share,
    is_valid_id,
    percent_fixes,
    population_unit,
    share_unit,
    slugify,
    unit_label,
    written_as_percent,
)
from govdecide.io.table_read import (
    Note,
    RawTable,
    TableProblem,
    _problem,
    in_chinese,
    is_blank,
    is_formula,
    parse_number,
    read_table,
    row_list,
    special_digit,
)

__all__ = ["UNITS", "TableImport", "build_scenario", "import_table", "percent_fixes"]


@dataclass(frozen=True)
class TableImport:
    """A scenario built from a table, with the mapping used and what the user should know."""

    scenario: Scenario
    mapping: dict[str, str]
    notes: tuple[Note, ...]
    units: dict[str, str] = field(default_factory=dict)  # column -> unit, when not as is

    def note_messages(self, lang: str = "en") -> list[str]:
        """Every note as a sentence in ``lang``."""
        return [n.message(lang) for n in self.notes]


def import_table(
    data: bytes,
    file: str,
    template: Scenario,
    mapping: Mapping[str, str] | None = None,
    name: str | Mapping[str, str] | None = None,
    sheet: str | None = None,
    units: Mapping[str, str] | None = None,
) -> TableImport:
    """Read a table's bytes and build its scenario in one call (the command line's path)."""
    table = read_table(data, file, sheet=sheet)
    return build_scenario(table, template, mapping=mapping, name=name, units=units)


def build_scenario(
    table: RawTable,
    template: Scenario,
    mapping: Mapping[str, str] | None = None,
    name: str | Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
) -> TableImport:
    """Build and validate a scenario from a table, the template's programs and policy.

    ``mapping`` (column -> field) overrides the guesses column by column, and ``units``
    (column -> a key of :data:`UNITS`) the unit a header states or implies. Every row
    problem is collected and raised together, each with its spreadsheet row number:
    missing or non-positive population, text (or a formula) in a number column, negative
    indicators, missing or duplicate names and ids. Template parts that name the template's
    own districts (per-district bounds, the map) cannot apply to new districts: they are
    left out and listed as notes, like the columns that are ignored.
    """
    full = guess_mapping(table, template)
    full.update(mapping or {})
    problems = check_mapping(table, full, template) + check_units(table, units or {})
    if problems:
        raise ScenarioError(problems)
    columns = _Columns.of(table, full, template, units or {})
    notes = [*table.notes, *_mapping_notes(full, columns, template)]
    districts = _districts(table, columns)
    problems = _share_problems(table, columns, template, districts)
    if problems:
        raise ScenarioError(problems)
    data = _scenario_data(table, template, districts, columns.indicators, name, notes)
    try:
        scenario = scenario_from_data(data, file=table.file)
    except ScenarioError as exc:
        raise ScenarioError(_rows_for(exc.problems, table, columns)) from None
    notes += _need_notes(scenario, table, columns)
    return TableImport(
        scenario=scenario, mapping=dict(full), notes=tuple(notes), units=dict(columns.units)
    )


# ---------------------------------------------------------------------------------------
# Columns and cells


@dataclass(frozen=True)
class _Columns:
    """A checked mapping as positions in the table's rows, and the unit of each column.

    ``by_field`` leaves out ignored columns; ``indicators`` and ``baselines`` map an
    indicator or program id to its column; ``units`` holds the columns whose numbers are
    scaled (a key of :data:`UNITS` other than as is).
    """

    by_field: dict[str, str]
    index: dict[str, int]
    indicators: dict[str, str]
    baselines: dict[str, str]
    units: dict[str, str]

    @classmethod
    def of(
        cls,
        table: RawTable,
        mapping: Mapping[str, str],
        template: Scenario,
        units: Mapping[str, str],
    ) -> _Columns:
        """The columns of a mapping that :func:`check_mapping` found nothing wrong with.

        Units: the population header's (万人, thousands), percent for a share column whose
        header says % and whose values lie between 1 and 100, then the caller's.
        """
        by_field = {fieldname: c for c, fieldname in mapping.items() if fieldname != IGNORE}
        indicators = _prefixed(by_field, INDICATOR_PREFIX)
        applied = {by_field[POPULATION]: population_unit(by_field[POPULATION])}
        for ind, column in indicators.items():
            applied[column] = share_unit(table, column, template.indicator(ind))
        applied.update(units)
        return cls(
            by_field=by_field,
            index={c: j for j, c in enumerate(table.columns)},
            indicators=indicators,
            baselines=_prefixed(by_field, BASELINE_PREFIX),
            units={c: u for c, u in applied.items() if u != AS_IS},
        )

    def scale(self, column: str, value: Any) -> float:
        """What a cell's number is multiplied by: its column's unit, except that a cell
        written with a % sign already is a share (``parse_number`` divided it)."""
        unit = self.units.get(column, AS_IS)
        return 1.0 if unit == PERCENT and written_as_percent(value) else UNITS[unit]


def _prefixed(by_field: Mapping[str, str], prefix: str) -> dict[str, str]:
    """``{"indicator:x": column}`` -> ``{"x": column}`` for the fields with ``prefix``."""
    return {f[len(prefix) :]: c for f, c in by_field.items() if f.startswith(prefix)}


# the unit of a scaled population in a note's words
_PEOPLE_UNITS = {
    TEN_THOUSANDS: {"en": "10,000", "zh": "万"},
    THOUSANDS: {"en": "1,000", "zh": "千"},
}


def _mapping_notes(mapping: Mapping[str, str], columns: _Columns, template: Scenario) -> list[Note]:
    """What the mapping does that the user might not expect: ignored columns, and the
    columns whose numbers are scaled (a population in 万, percentages of a share)."""
    notes: list[Note] = []
    ignored = [c for c, f in mapping.items() if f == IGNORE]
    if ignored:
        notes.append(Note("ignored_columns", {"columns": ", ".join(ignored)}))
    share_of = {c: ind for ind, c in columns.indicators.items()}
    for column, unit in columns.units.items():
        factor = f"{UNITS[unit]:,.2f}".rstrip("0").rstrip(".")
        meta = template.indicator(share_of.get(column, ""))
        if column == columns.by_field[POPULATION] and unit in _PEOPLE_UNITS:
            notes.append(
                Note(
                    "population_scaled",
                    {"column": column, "unit": _PEOPLE_UNITS[unit], "factor": factor},
                )
            )
        elif unit == PERCENT and meta is not None:
            notes.append(
                Note("percent_scaled", {"column": column, "indicator": meta.name or meta.id})
            )
        else:
            labels = {lang: unit_label(unit, lang) for lang in LANGS}
            notes.append(Note("unit_scaled", {"column": column, "unit": labels, "factor": factor}))
    return notes


def _text_cell(value: Any) -> str:
    """A cell as trimmed text (numbers without a spurious '.0')."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


@dataclass(frozen=True)
class _Row:
    """One table row read field by field. Each bad cell is added to ``problems`` instead
    of raised, so that every bad cell of the table is reported together, not the first."""

    cells: tuple[Any, ...]
    row: int
    columns: _Columns
    file: str
    problems: list[TableProblem]

    def cell(self, fieldname: str) -> Any:
        """This row's cell for a field (None when no column is mapped to it)."""
        column = self.columns.by_field.get(fieldname)
        return None if column is None else self.cells[self.columns.index[column]]

    def number(self, column: str, positive: bool = False, required: bool = True) -> float | None:
        """This row's number in ``column`` in the scenario's unit (the column's unit
        applied), or None with the problem recorded."""
        value = self.cells[self.columns.index[column]]
        if is_blank(value):
            if required:
                self.problems.append(
                    _problem("missing_value", self.file, row=self.row, column=column)
                )
            return None
        n = parse_number(value)
        if n is None:
            got = _text_cell(value)[:40]
            char = special_digit(got)
            if char is not None:
                self.problems.append(
                    _problem(
                        "odd_digits", self.file, row=self.row, column=column, got=got, char=char
                    )
                )
                return None
            code = "formula" if is_formula(value) else "not_number"
            self.problems.append(_problem(code, self.file, row=self.row, column=column, got=got))
            return None
        if positive and n <= 0:
            self.problems.append(
                _problem(
                    "not_positive", self.file, row=self.row, column=column, got=_text_cell(value)
                )
            )
            return None
        if n < 0:
            self.problems.append(
                _problem("negative", self.file, row=self.row, column=column, got=_text_cell(value))
            )
            return None
        return n * self.columns.scale(column, value)


# ---------------------------------------------------------------------------------------
# Districts


@dataclass
class _Seen:
    """Ids and display names given so far (-> their row), to report the second use."""

    ids: dict[str, int]
    names: dict[str, int]


def _districts(table: RawTable, columns: _Columns) -> list[dict[str, Any]]:
    """Every row as a district mapping; raises with the problems of every row at once."""
    problems: list[TableProblem] = []
    districts: list[dict[str, Any]] = []
    seen = _Seen(ids={}, names={})
    for cells, row in zip(table.rows, table.row_numbers, strict=True):
        reading = _Row(cells, row, columns, table.file, problems)
        ident, names = _identity(reading, len(districts) + 1, seen)
        districts.append(_district(reading, ident, names))
    if problems:
        raise ScenarioError(problems)
    return districts


def _identity(row: _Row, position: int, seen: _Seen) -> tuple[str, dict[str, str]]:
    """A district's id and its names by language, from the id and name columns.

    An id the user typed that is a valid id is kept; otherwise the id is made from the id
    or the English name, or numbered (``d001``) for names in Chinese only. A typed id used
    twice is an error; an id made from names is not the user's, so a repeat is numbered.
    """
    file = row.file
    names: dict[str, str] = {}
    for fieldname, lang in ((NAME, None), (NAME_EN, "en"), (NAME_ZH, "zh")):
        text = _text_cell(row.cell(fieldname))
        if text:
            names[lang or ("zh" if in_chinese(text) else "en")] = text
    raw_id = _text_cell(row.cell(ID))
    if not names and not raw_id:
        row.problems.append(_problem("missing_name", file, row=row.row))
    display = names.get("en") or names.get("zh") or raw_id
    ident = raw_id if is_valid_id(raw_id) else slugify(raw_id or names.get("en", ""))
    if not ident:
        ident = f"d{position:03d}"
    key = display.casefold()
    if display and key in seen.names:
        row.problems.append(
            _problem("duplicate_name", file, row=row.row, name=display, first=seen.names[key])
        )
    elif display:
        seen.names[key] = row.row
    if ident in seen.ids:
        if raw_id:
            row.problems.append(
                _problem("duplicate_id", file, row=row.row, id=raw_id, first=seen.ids[ident])
            )
        ident = f"{ident}_{row.row}"
    seen.ids[ident] = row.row
    return ident, names


def _district(row: _Row, ident: str, names: dict[str, str]) -> dict[str, Any]:
    """The district mapping of one row: population (scaled to people), area, indicators
    and the units already in place (zero units are left out, as in a written scenario)."""
    columns = row.columns
    population = row.number(columns.by_field[POPULATION], positive=True)
    district: dict[str, Any] = {
        "id": ident,
        "name": names if len(names) > 1 else (next(iter(names.values()), ident)),
        "population": population,
    }
    if AREA in columns.by_field:
        area = row.number(columns.by_field[AREA], positive=True, required=False)
        if area is not None:
            district["area_km2"] = area
    indicators: dict[str, float] = {}
    for ind, column in columns.indicators.items():
        value = row.number(column, required=True)
        if value is not None:
            indicators[ind] = value
    if indicators:
        district["indicators"] = indicators
    baseline: dict[str, float] = {}
    for pid, column in columns.baselines.items():
        value = row.number(column, required=True)
        if value is not None and value > 0:
            baseline[pid] = value
    if baseline:
        district["baseline"] = baseline
    return district


# ---------------------------------------------------------------------------------------
# Values against what their field is


def _share_problems(
    table: RawTable, columns: _Columns, template: Scenario, districts: list[dict[str, Any]]
) -> list[TableProblem]:
    """A share indicator (:func:`is_share`) above 1 in some district, at its largest value:
    up to 100 they are percentages (the unit ``percent`` is the fix), beyond that no
    reading of the column makes it a share."""
    problems = []
    for ind, column in columns.indicators.items():
        meta = template.indicator(ind)
        if not is_share(meta):
            continue
        values = [d.get("indicators", {}).get(ind, 0.0) for d in districts]
        if not values or max(values) <= 1:
            continue
        i = max(range(len(values)), key=values.__getitem__)
        got = _text_cell(table.rows[i][columns.index[column]])
        row, name = table.row_numbers[i], meta.name or ind
        if columns.units.get(column) != PERCENT and values[i] <= 100:
            problems.append(
                _problem(
                    "share_as_percent", table.file, row=row, column=column, indicator=name, got=got
                )
            )
        else:
            problems.append(
                _problem(
                    "share_above_one", table.file, row=row, column=column, indicator=name, got=got
                )
            )
    return problems


def _need_notes(scenario: Scenario, table: RawTable, columns: _Columns) -> list[Note]:
    """Programs whose need, computed from a column of the table, is above the population
    of some district: possible (visits per resident), but more often a wrong unit."""
    notes = []
    for program in scenario.programs:
        column = columns.indicators.get(program.need.indicator)
        if column is None:
            continue
        rows = [
            number
            for d, number in zip(scenario.districts, table.row_numbers, strict=True)
            if program.need_in(d) > d.population * (1 + 1e-9)
        ]
        if rows:
            notes.append(
                Note(
                    "need_above_population",
                    {"program": program.name, "column": column, "rows": row_list(rows)},
                )
            )
    return notes


# ---------------------------------------------------------------------------------------
# The scenario around the districts


def _scenario_data(
    table: RawTable,
    template: Scenario,
    districts: list[dict[str, Any]],
    indicator_cols: Mapping[str, str],
    name: str | Mapping[str, str] | None,
    notes: list[Note],
) -> dict[str, Any]:
    """The scenario mapping: the table's districts with the template's programs and policy.

    What is copied and what cannot apply is added to ``notes``: per-district bounds and the
    map name the template's own districts, so they are left out.
    """
    base = scenario_to_data(template)
    source = table.file + (f" ({table.sheet})" if table.sheet else "")
    programs = _programs_without_bounds(base, notes)
    if "map" in base:
        notes.append(Note("map_dropped", {}))
    if not any("baseline" in d for d in districts):
        notes.append(Note("no_baseline", {}))
    notes.append(
        Note(
            "policy_copied",
            {"template": template.name, "budget": f"{template.policy.first_budget:,.0f}"},
        )
    )
    data: dict[str, Any] = {
        "format": FORMAT,
        "name": name or Path(table.file).stem,
        **_provenance(source, template),
        "districts": districts,
        "programs": programs,
        "policy": base["policy"],
    }
    if "currency" in base:
        data["currency"] = base["currency"]
    indicators = _indicator_entries(template, indicator_cols, source)
    if indicators:
        data["indicators"] = indicators
    if "controls" in base:
        data["controls"] = base["controls"]
    return data


def _programs_without_bounds(base: Mapping[str, Any], notes: list[Note]) -> list[dict[str, Any]]:
    """The template's programs without their per-district bounds (noted when any had)."""
    programs = []
    dropped_bounds: list[Any] = []
    for p in base["programs"]:
        p = dict(p)
        if p.pop("district_bounds", None):
            dropped_bounds.append(p["name"])
        programs.append(p)
    if dropped_bounds:
        notes.append(Note("bounds_dropped", {"programs": dropped_bounds}))
    return programs


def _provenance(source: str, template: Scenario) -> dict[str, Any]:
    """Description and attribution saying where the districts and the programs came from,
    so the new scenario file carries its own provenance (in both languages)."""

    def both(key: str) -> dict[str, str]:
        return {
            lang: t(key, lang, source=source, template=localize(template.name, lang))
            for lang in LANGS
        }

    return {
        "description": both("io.import.provenance_description"),
        "attribution": both("io.import.provenance_attribution"),
    }


def _indicator_entries(
    template: Scenario, indicator_cols: Mapping[str, str], source: str
) -> list[dict[str, Any]]:
    """One declared indicator per indicator column, its source the table: the template's
    name and unit for an indicator it knows, else the column header as the name."""
    indicators = []
    for ind, column in indicator_cols.items():
        meta = template.indicator(ind)
        entry: dict[str, Any] = {"id": ind, "name": column, "source": source}
        if meta is not None:
            entry = {"id": ind, "name": meta.name or column, "source": source}
            if meta.unit is not None:
                entry["unit"] = meta.unit
        indicators.append(entry)
    return indicators


@dataclass(frozen=True)
class RowProblem(Problem):
    """A scenario problem of ``districts[i]`` restated at the table row (and column) it
    came from."""

    row: int | None = None
    column: str | None = None

    def message(self, lang: str = "en") -> str:
        """'people.csv, row 4, column 人口: must be greater than 0, got 0'."""
        inner = Problem(self.path, self.code, self.params).message(lang)
        where = t("io.tbl.at_row", lang, row=self.row)
        if self.column is not None:
            where += ", " + t("io.tbl.at_column", lang, column=self.column)
        return f"{self.file}, {where}: {inner}" if self.file else f"{where}: {inner}"


def _rows_for(problems: Sequence[Problem], table: RawTable, columns: _Columns) -> list[Problem]:
    """Scenario problems at ``districts[i]...`` restated at the table's row ``i`` and at
    the column the value came from (the key path is the scenario's, not the user's)."""
    by_path = {
        "population": columns.by_field.get(POPULATION),
        "area_km2": columns.by_field.get(AREA),
        **{f"indicators.{i}": c for i, c in columns.indicators.items()},
        **{f"baseline.{p}": c for p, c in columns.baselines.items()},
    }
    out: list[Problem] = []
    for p in problems:
        m = re.match(r"^districts\[(\d+)\](?:\.(.*))?$", p.path)
        if m and int(m.group(1)) < len(table.row_numbers):
            row = table.row_numbers[int(m.group(1))]
            column = by_path.get(m.group(2) or "")
            path = "" if column is not None else m.group(2) or ""
            out.append(RowProblem(path, p.code, p.params, None, p.file, row=row, column=column))
        else:
            out.append(p)
    return out
