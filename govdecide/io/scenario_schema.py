"""The scenario format (``govdecide/v1``) as strict, frozen pydantic models.

The models are the schema: every key, its type, its range and its default is said here
once. Unknown keys are errors, numbers must be finite and of a size the model can compute
with (:data:`MAX_NUMBER`, :data:`MIN_NONZERO`), texts must hold only characters every
chart, workbook and terminal can (:func:`unsafe_character`), and a loaded scenario never
changes. Reading YAML is :mod:`govdecide.io.scenario_yaml`, references between parts of a
file :mod:`govdecide.io.scenario_checks`, and loading with every problem reported at once
:mod:`govdecide.io.scenario`.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
)
from pydantic_core import PydanticCustomError

FORMAT = "govdecide/v1"
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
LANG_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]+)*$")
CONTROL_PARAM = re.compile(
    r"^(policy\.(budget|staff|equity_weight)|programs\.[a-z][a-z0-9_]*\.weight)$"
)


# Characters allowed in a text: those of XML 1.0 (tab, line breaks, and everything from
# U+0020 up except the surrogate halves and U+FFFE/U+FFFF). Every other one breaks a place
# a text goes: the chart export (SVG is XML) aborts the whole server process, a workbook
# cell raises, and a lone surrogate cannot even be encoded as UTF-8 or printed.
_UNSAFE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# The sizes of numbers a scenario may hold. A population, budget or cost of a million
# billion is no figure of any place, and HiGHS takes a coefficient of 1e15 or more (a unit
# cost, staff per unit) as infinite and refuses the model: numbers stay below it. A number
# other than 0 below a billionth is a typo or a unit mistake that turns into infinite or
# NaN coefficients (1e-300 people, a subnormal 1e-320).
MAX_NUMBER = 1e15
MIN_NONZERO = 1e-9
MAX_TILE = 1000  # tile coordinates: a grid of districts, not a map projection
MAX_NUMBER_TEXT = f"{MAX_NUMBER:,.0f}"  # the limits as messages write them
MIN_NONZERO_TEXT = f"{MIN_NONZERO:.9f}"


def unsafe_character(text: str) -> str | None:
    """The first character of ``text`` that no chart, file or terminal can hold, as
    ``U+XXXX``; None when every character is fine."""
    found = _UNSAFE.search(text)
    return None if found is None else f"U+{ord(found.group()):04X}"


def printable(text: str) -> str:
    """``text`` with each unsafe character written as its escape (``\\x01``, ``\\ud800``),
    for quoting user text (an unknown key, a cell) inside a message."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _check_characters(value: str) -> str:
    """A string with only safe characters, else the ``bad_character`` error."""
    char = unsafe_character(value)
    if char is not None:
        raise PydanticCustomError("bad_character", "contains the character {char}", {"char": char})
    return value


def _validate_text(value: Any) -> str | dict[str, str]:
    """A text shown to people: a plain string or ``{language code: string}``."""
    if isinstance(value, str) and value.strip():
        return _check_characters(value)
    if isinstance(value, dict) and value:
        if all(
            isinstance(k, str) and LANG_PATTERN.match(k) and isinstance(v, str) and v.strip()
            for k, v in value.items()
        ):
            for v in value.values():
                _check_characters(v)
            return dict(value)
    raise PydanticCustomError("text_type", "must be a text")


def _not_huge(value: Any) -> Any:
    """An integer too large to be a float is refused before pydantic's float check (which
    would only say "not a number" of 10^400)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= MAX_NUMBER:
        raise PydanticCustomError("number_too_large", "is too large")
    return value


def _in_range(value: float) -> float:
    """A number of a size the model can compute with: 0, or from MIN_NONZERO up to (and
    not including) MAX_NUMBER."""
    if abs(value) >= MAX_NUMBER:
        raise PydanticCustomError("number_too_large", "is too large")
    if value != 0 and abs(value) < MIN_NONZERO:
        raise PydanticCustomError("number_too_small", "is too close to 0")
    return value


Text = Annotated[Any, PlainValidator(_validate_text)]
Plain = Annotated[str, AfterValidator(_check_characters)]
Id = Annotated[str, Field(pattern=ID_PATTERN)]
Number = Annotated[float, BeforeValidator(_not_huge), AfterValidator(_in_range)]
NonNeg = Annotated[Number, Field(ge=0)]
Positive = Annotated[Number, Field(gt=0)]
Share = Annotated[Number, Field(ge=0, le=1)]
# A cost or staff per unit is a coefficient of the budget and staff rows: above a million
# million the solver no longer computes reliably with it (the model refuses it), so the
# file is refused at the door instead (model.scaling reads the same limit).
MAX_PER_UNIT = 1e12
PerUnit = Annotated[Number, Field(ge=0, le=MAX_PER_UNIT)]
TileCoordinate = Annotated[int, Field(ge=-MAX_TILE, le=MAX_TILE)]

# The multi-year plan (v1.1, MODEL.md "Plans over several years"): a plan runs 1..MAX_YEARS
# years; a district's need grows by more than -100% and at most +100% a year (need must
# stay positive, and a doubling every year for 20 years is no plan but a typo).
MAX_YEARS = 20
Growth = Annotated[Number, Field(gt=-1, le=1)]


def _number_or_list(value: Any) -> str:
    """Which form of a yearly setting a value is (the tags carry brackets so that error
    paths skip them, like pydantic's own union tags)."""
    return "[list]" if isinstance(value, list) else "[number]"


# A yearly setting (budget, staff): one number for every year, or one per year (how many:
# scenario_checks, against policy.years).
Yearly = Annotated[
    Annotated[NonNeg, Tag("[number]")]
    | Annotated[list[NonNeg], Tag("[list]"), Field(min_length=1)],
    Discriminator(_number_or_list),
]


class _Strict(BaseModel):
    """Unknown keys are errors, numbers must be finite, and nothing changes after load."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Indicator(_Strict):
    """Metadata of one district indicator, with its provenance."""

    id: Id
    name: Text | None = None
    unit: Text | None = None
    source: Text | None = None
    description: Text | None = None
    illustrative: bool = False


class District(_Strict):
    """A district and what is known about it."""

    id: Id
    name: Text
    population: Positive
    area_km2: Positive | None = None
    tile: Annotated[list[TileCoordinate], Field(min_length=2, max_length=2)] | None = None
    indicators: dict[Id, NonNeg] = Field(default_factory=dict)
    baseline: dict[Id, NonNeg] = Field(default_factory=dict)
    map_id: Plain | None = None
    growth: Growth = 0.0  # v1.1: yearly growth of the district's need


class Need(_Strict):
    """How a program's need in a district is computed from the district's data."""

    indicator: Id
    per_capita: bool = False
    scale: NonNeg = 1.0


class Bounds(_Strict):
    """Per-district override of a program's bounds on new units."""

    min_units: NonNeg | None = None
    max_units: NonNeg | None = None


class Program(_Strict):
    """A kind of public resource that can be funded, unit by unit."""

    id: Id
    name: Text
    unit: Text | None = None
    description: Text | None = None
    unit_cost: PerUnit
    capacity: Positive
    staff_per_unit: PerUnit = 0.0
    integer: bool = False
    need: Need
    min_units: NonNeg = 0.0
    max_units: NonNeg | None = None
    weight: NonNeg = 1.0
    spend_min: NonNeg | None = None
    spend_max: NonNeg | None = None
    district_bounds: dict[Id, Bounds] = Field(default_factory=dict)
    running_cost: PerUnit = 0.0  # v1.1: per new unit, every year after it is commissioned

    def need_in(self, district: District) -> float:
        """need_dp of this program in one district (MODEL.md): the indicator, times the
        population when it is per resident, times the scale."""
        rule = self.need
        if rule.indicator == "population":
            value = district.population
        else:
            value = district.indicators[rule.indicator]
            if rule.per_capita:
                value *= district.population
        return value * rule.scale

    def bounds_for(self, district_id: str) -> tuple[float, float | None]:
        """The bounds on new units in one district, overrides applied."""
        override = self.district_bounds.get(district_id)
        lo, hi = self.min_units, self.max_units
        if override is not None:
            if override.min_units is not None:
                lo = override.min_units
            if override.max_units is not None:
                hi = override.max_units
        return lo, hi


class SolverOptions(_Strict):
    """Limits for the solver: a time limit and the relative optimality gap."""

    time_limit_s: Positive | None = None
    gap: Share | None = None


class Policy(_Strict):
    """The decision settings: budget, staff and the equity weight; and the plan's years.

    With ``years`` above 1 (v1.1), budget and staff may be lists of one number per year
    (the cross-checks require exactly ``years`` of them); a single number means the same
    every year. The single-year model reads the first year's (:meth:`first_budget`).
    """

    budget: Yearly
    staff: Yearly | None = None
    equity_weight: Share = 0.0
    solver: SolverOptions | None = None
    years: Annotated[int, Field(ge=1, le=MAX_YEARS)] = 1
    discount_rate: Annotated[Number, Field(ge=0, le=1)] = 0.0

    def yearly(self, key: str) -> list[float] | None:
        """``budget`` or ``staff`` as one number per year of the plan (None: no staff limit)."""
        value = getattr(self, key)
        if value is None:
            return None
        if isinstance(value, list):
            return [float(v) for v in value]
        return [float(value)] * self.years

    @property
    def first_budget(self) -> float:
        """The budget of the plan's first year: what the single-year model uses."""
        return self.yearly("budget")[0]  # type: ignore[index]

    @property
    def first_staff(self) -> float | None:
        """The staff of the plan's first year (None: no limit)."""
        staff = self.yearly("staff")
        return None if staff is None else staff[0]


class Control(_Strict):
    """A slider a workshop shows: which setting, and its range."""

    param: Annotated[str, Field(pattern=CONTROL_PARAM.pattern)]
    min: Number
    max: Number
    step: Positive
    label: Text | None = None


class MapSpec(_Strict):
    """Real district boundaries: a TopoJSON file relative to the scenario file."""

    topojson: Plain
    object: Plain


class Scenario(_Strict):
    """A whole scenario: a place, the programs, the policy and the workshop sliders."""

    format: Literal["govdecide/v1"]
    name: Text
    description: Text | None = None
    currency: Text | None = None
    attribution: Text | None = None
    indicators: list[Indicator] = Field(default_factory=list)
    districts: Annotated[list[District], Field(min_length=1)]
    programs: Annotated[list[Program], Field(min_length=1)]
    policy: Policy
    controls: list[Control] = Field(default_factory=list)
    map: MapSpec | None = None

    def district(self, district_id: str) -> District:
        """The district with this id."""
        return next(d for d in self.districts if d.id == district_id)

    def program(self, program_id: str) -> Program:
        """The program with this id."""
        return next(p for p in self.programs if p.id == program_id)

    def indicator(self, indicator_id: str) -> Indicator | None:
        """Declared metadata of an indicator, if any."""
        return next((i for i in self.indicators if i.id == indicator_id), None)
