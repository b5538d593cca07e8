"""From a district table and a column mapping to a validated scenario.

The table (:mod:`govdecide.io.table_read`) gives the districts, the mapping
(:mod:`govdecide.io.table_mapping`) says which column is which field, and an existing
scenario (the template) gives the programs and the policy.

Nothing is silently dropped or invented, because a wrong figure in a public decision is
worse than an error: every bad cell is reported with its spreadsheet row number (the header
is row 1) and its column, all at once; ignored columns, scaled units and template parts
that cannot apply are listed as notes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govdecide.errors import Problem, ScenarioError
from govdecide.i18n import LANGS, localize, t
from govdecide.io.scenario import scenario_from_data, scenario_to_data
from govdecide.io.scenario_schema import FORMAT, Scenario
from govdecide.io.table_mapping import (
    AREA,
    BASELINE_PREFIX,
    ID,
    IGNORE,
    INDICATOR_PREFIX,
    NAME,
    NAME_EN,
    NAME_ZH,
    POPULATION,
    check_mapping,
    guess_mapping,
    is_valid_id,
    norm_header,
    slugify,
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
)


@dataclass(frozen=True)
class TableImport:
    """A scenario built from a table, with the mapping used and what the user should know."""

    scenario: Scenario
    mapping: dict[str, str]
    notes: tuple[Note, ...]

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
) -> TableImport:
    """Read a table's bytes and build its scenario in one call (the command line's path)."""
    table = read_table(data, file, sheet=sheet)
    return build_scenario(table, template, mapping=mapping, name=name)


def build_scenario(
    table: RawTable,
    template: Scenario,
    mapping: Mapping[str, str] | None = None,
    name: str | Mapping[str, str] | None = None,
) -> TableImport:
    """Build and validate a scenario from a table, the template's programs and policy.

    ``mapping`` (column -> field) overrides the guesses column by column. Every row
    problem is collected and raised together, each with its spreadsheet row number:
    missing or non-positive population, text (or a formula) in a number column, negative
    indicators, missing or duplicate names and ids. Template parts that name the template's
    own districts (per-district bounds, the map) cannot apply to new districts: they are
    left out and listed as notes, like the columns that are ignored.
    """
    full = guess_mapping(table, template)
    full.update(mapping or {})
    problems = check_mapping(table, full, template)
    if problems:
        raise ScenarioError(problems)
    columns = _Columns.of(table, full)
    notes = [*table.notes, *_mapping_notes(full, columns)]
    districts = _districts(table, columns)
    data = _scenario_data(table, template, districts, columns.indicators, name, notes)
    try:
        scenario = scenario_from_data(data, file=table.file)
    except ScenarioError as exc:
        raise ScenarioError(_rows_for(exc.problems, table)) from None
    return TableImport(scenario=scenario, mapping=dict(full), notes=tuple(notes))


# ---------------------------------------------------------------------------------------
# Columns and cells


@dataclass(frozen=True)
class _Columns:
    """A checked mapping as positions in the table's rows, and the population's unit.

    ``by_field`` leaves out ignored columns; ``indicators`` and ``baselines`` map an
    indicator or program id to its column.
    """

    by_field: dict[str, str]
    index: dict[str, int]
    indicators: dict[str, str]
    baselines: dict[str, str]
    population_scale: float
    population_unit: str | None

    @classmethod
    def of(cls, table: RawTable, mapping: Mapping[str, str]) -> _Columns:
        """The columns of a mapping that :func:`check_mapping` found nothing wrong with."""
        by_field = {fieldname: c for c, fieldname in mapping.items() if fieldname != IGNORE}
        scale, unit = _unit_scale(by_field[POPULATION])
        return cls(
            by_field=by_field,
            index={c: j for j, c in enumerate(table.columns)},
            indicators=_prefixed(by_field, INDICATOR_PREFIX),
            baselines=_prefixed(by_field, BASELINE_PREFIX),
            population_scale=scale,
            population_unit=unit,
        )


def _prefixed(by_field: Mapping[str, str], prefix: str) -> dict[str, str]:
    """``{"indicator:x": column}`` -> ``{"x": column}`` for the fields with ``prefix``."""
    return {f[len(prefix) :]: c for f, c in by_field.items() if f.startswith(prefix)}


def _unit_scale(header: str) -> tuple[float, str | None]:
    """A multiplier for a population header that states its unit (万人, thousands)."""
    text = norm_header(header)
    if "万" in text:
        return 10000.0, "万"
    if re.search(r"(千人|thousands?|'000|\(000\)|000s)", text):
        return 1000.0, "1,000"
    return 1.0, None


def _mapping_notes(mapping: Mapping[str, str], columns: _Columns) -> list[Note]:
    """What the mapping does that the user might not expect: ignored columns, and a
    population column in units of 10,000 or 1,000 people multiplied out."""
    notes: list[Note] = []
    ignored = [c for c, f in mapping.items() if f == IGNORE]
    if ignored:
        notes.append(Note("ignored_columns", {"columns": ", ".join(ignored)}))
    if columns.population_unit is not None:
        notes.append(
            Note(
                "population_scaled",
                {
                    "column": columns.by_field[POPULATION],
                    "unit": columns.population_unit,
                    "factor": f"{columns.population_scale:,.0f}",
                },
            )
        )
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

    def number(
        self, column: str, positive: bool = False, required: bool = True
    ) -> float | None:
        """This row's number in ``column``, or None with the problem recorded."""
        value = self.cells[self.columns.index[column]]
        if is_blank(value):
            if required:
                self.problems.append(
                    _problem("missing_value", self.file, row=self.row, column=column)
                )
            return None
        n = parse_number(value)
        if n is None:
            code = "formula" if is_formula(value) else "not_number"
            self.problems.append(
                _problem(code, self.file, row=self.row, column=column, got=_text_cell(value)[:40])
            )
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
        return n


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
        "population": None if population is None else population * columns.population_scale,
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
            {"template": template.name, "budget": f"{template.policy.budget:,.0f}"},
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
    """A scenario problem of ``districts[i]`` restated at the table row it came from."""

    row: int | None = None

    def message(self, lang: str = "en") -> str:
        """'people.csv, row 4: population: must be greater than 0, got 0'."""
        inner = Problem(self.path, self.code, self.params).message(lang)
        where = t("io.tbl.at_row", lang, row=self.row)
        return f"{self.file}, {where}: {inner}" if self.file else f"{where}: {inner}"


def _rows_for(problems: Sequence[Problem], table: RawTable) -> list[Problem]:
    """Scenario problems at ``districts[i]...`` restated at the table's row ``i``."""
    out: list[Problem] = []
    for p in problems:
        m = re.match(r"^districts\[(\d+)\](?:\.(.*))?$", p.path)
        if m and int(m.group(1)) < len(table.row_numbers):
            row = table.row_numbers[int(m.group(1))]
            out.append(RowProblem(m.group(2) or "", p.code, p.params, None, p.file, row=row))
        else:
            out.append(p)
    return out
