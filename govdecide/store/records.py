"""What the store hands back (plain frozen records) and what it accepts (checked input).

Records are plain data, detached from the database: a page may keep them in its session
and a command may print them. Input is checked before any transaction starts, and every
refusal is a :class:`govdecide.errors.ScenarioError` with a catalogue message: a name
with a control character in it, a note too long, a figure that is not a number, a
workspace that has reached its limits. Text is stored as given otherwise; escaping it is
the job of whoever shows it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from importlib import metadata
from typing import TYPE_CHECKING, Any

import govdecide
from govdecide.errors import Problem, ScenarioError, input_error
from govdecide.io.scenario import MAX_FILE_BYTES
from govdecide.io.scenario_schema import ID_PATTERN
from govdecide.model.settings import Settings
from govdecide.model.years.settings import PLAN_KEY, PlanSettings
from govdecide.store.schema import ID_CHARS

if TYPE_CHECKING:
    from govdecide.model.result import Result
    from govdecide.model.years.result import PlanResult

HASH_RE = re.compile(r"^[0-9a-f]{64}$")
PROGRAM_ID_RE = re.compile(ID_PATTERN)  # what a weight's key must be: a program's id
FIGURE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# how a scenario came to the workspace; "bundled": a bundled file's text kept because a
# story step cites it (a later version may change the file), not offered as the person's
ORIGINS = ("upload", "table", "edit", "bundled")
MAX_NAME_CHARS = ID_CHARS
SHORT_ID_CHARS = 12  # a stored scenario's id: at least the first 12 hex digits of its hash
MAX_NOTE_CHARS = 5000
MAX_FIGURES = 50
YEAR_BUDGET_PREFIX = "budget_year_"  # a plan's figure: year t's budget as the plan used it
# Bidirectional overrides reorder what a reader sees ("Trojan source"): refused with the
# control characters.
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


@dataclass(frozen=True)
class Limits:
    """How much one workspace may hold; reaching a limit is a clear message, not a crash."""

    scenarios: int = 50
    scenario_bytes: int = MAX_FILE_BYTES
    options: int = 500
    decisions: int = 10_000


@dataclass(frozen=True)
class ScenarioInfo:
    """A stored scenario without its text (what a list shows).

    ``id`` is the workspace's short name for it (the start of its hash, the same in every
    workspace holding the same text), ``sha256`` the hash of the text, ``name`` the
    scenario's own name (a text or ``{en: ..., zh: ...}``), ``label`` what the person
    called the file, ``origin`` one of :data:`ORIGINS`.
    """

    id: str
    sha256: str
    name: str | dict[str, str]
    label: str
    origin: str
    size_bytes: int
    created_at: datetime


@dataclass(frozen=True)
class StoredScenario(ScenarioInfo):
    """A stored scenario with its YAML text, exactly as it was saved."""

    yaml: str = ""


@dataclass(frozen=True)
class SavedOption:
    """A named setting of one scenario and its headline figures (a Compare option)."""

    id: int
    name: str
    scenario_id: str
    scenario_hash: str
    settings: Settings
    figures: dict[str, float | None]
    saved_at: datetime
    plan: PlanSettings | None = None  # a plan over years (its figures: plan_figures)


@dataclass(frozen=True)
class Decision:
    """One entry of the decision log, numbered ``seq`` from 1 in its workspace."""

    seq: int
    recorded_at: datetime
    scenario_id: str
    scenario_hash: str
    settings: Settings
    status: str
    figures: dict[str, float | None]
    solver: str
    method: str
    versions: dict[str, str]
    note: str
    plan: PlanSettings | None = None  # a plan over years (its figures: plan_figures)


def as_mb(size_bytes: int) -> float:
    """A size limit in MB for a message (5 MB, 0.5 MB)."""
    mb = round(size_bytes / 2**20, 1)
    return int(mb) if float(mb).is_integer() else mb


def content_hash(text: str) -> str:
    """The sha256 (hex) of a scenario's text as UTF-8: what options and decisions cite."""
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def key_hash(key: str) -> str:
    """The sha256 (hex) of a workspace key: all the database keeps of it."""
    return hashlib.sha256(key.encode("utf-8", errors="surrogatepass")).hexdigest()


def headline_figures(result: Result) -> dict[str, float | None]:
    """The figures of a result that an option or a decision keeps (None where absent)."""
    values = {
        "efficiency": result.efficiency,
        "equity": result.equity,
        "objective": result.objective,
        "gap": result.gap,
        "budget": result.budget,
        "budget_used": result.budget_used,
        "staff": result.staff,
        "staff_used": result.staff_used,
        "people_newly_served": result.people_newly_served,
    }
    return {k: _finite_or_none(v) for k, v in values.items()}


def plan_figures(plan: PlanResult) -> dict[str, float | None]:
    """The figures of a plan over years that an option or a decision keeps.

    Named apart from a single year's (:func:`headline_figures`) wherever their meaning
    differs, so that no table shows a plan's total as one year's budget: ``years``,
    ``plan_objective`` (the plan's discounted objective), ``gap`` (its proven gap),
    ``efficiency``, ``equity`` and ``people_newly_served`` of its last year (``years``
    says which), ``budget_total`` and ``spend_total`` over all its years (building and
    running), and each year's budget as ``budget_year_1``... None where absent (a plan
    with no solution has no spend).
    """
    has = plan.has_solution and not plan.year_figures.empty
    years = plan.year_figures
    final = plan.final
    return plan_figure_values(
        years=plan.years,
        objective=plan.objective,
        gap=plan.gap,
        efficiency=final.efficiency if has else None,
        equity=final.equity if has else None,
        people=final.people_newly_served if has else None,
        budget_total=float(years["budget"].sum()) if has else None,
        spend_total=float(years["spend"].sum()) if has else None,
        budgets=[float(b) for b in years["budget"]] if has else [],
    )


def plan_figure_values(
    *,
    years: int,
    objective: float | None,
    gap: float | None,
    efficiency: float | None,
    equity: float | None,
    people: float | None,
    budget_total: float | None,
    spend_total: float | None,
    budgets: Sequence[float] = (),
) -> dict[str, float | None]:
    """A plan's figures by name (see :func:`plan_figures`), from wherever they come (a
    solved plan, or an options file's plan)."""
    values: dict[str, Any] = {
        "years": years,
        "plan_objective": objective,
        "gap": gap,
        "efficiency": efficiency,
        "equity": equity,
        "people_newly_served": people,
        "budget_total": budget_total,
        "spend_total": spend_total,
    }
    for year, budget in enumerate(budgets, start=1):
        values[f"{YEAR_BUDGET_PREFIX}{year}"] = budget
    return {k: _finite_or_none(v) for k, v in values.items()}


def yearly_budgets(figures: Mapping[str, float | None]) -> list[float]:
    """Each year's budget a plan's figures keep (:func:`plan_figures`), in year order."""
    out = []
    for year in range(1, len(figures) + 1):
        value = figures.get(f"{YEAR_BUDGET_PREFIX}{year}")
        if value is None:
            break
        out.append(float(value))
    return out


def _finite_or_none(value: Any) -> float | None:
    """A finite float, or None (an unlimited staff is no number to keep)."""
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


@lru_cache(maxsize=1)
def _versions() -> tuple[tuple[str, str], ...]:
    """The installed versions, looked up once per process."""
    out = {"govdecide": govdecide.__version__}
    for name, dist in (("pulp", "PuLP"), ("highs", "highspy")):
        try:
            out[name] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return tuple(out.items())


def software_versions() -> dict[str, str]:
    """The versions a decision was computed with: govdecide, PuLP and HiGHS (highspy)."""
    return dict(_versions())


# -- checks on what callers give --------------------------------------------------------


def _bad_char(text: str, allow_newlines: bool) -> str | None:
    """The first control, format-reordering or lone surrogate character, or None."""
    for char in text:
        if allow_newlines and char in "\n\t":
            continue
        if char in _BIDI or unicodedata.category(char) in ("Cc", "Cs"):
            return f"U+{ord(char):04X}"
    return None


def check_text(
    value: Any, path: str, max_chars: int = MAX_NAME_CHARS, multiline: bool = False
) -> str:
    """A name or a note as given, refused if it is not text, too long or has a control
    character (a note may have line breaks and tabs, a name may not)."""
    if not isinstance(value, str):
        raise input_error("not_string", path=path, got=type(value).__name__)
    if len(value) > max_chars:
        raise input_error("store_too_long", path=path, limit=max_chars)
    bad = _bad_char(value, multiline)
    if bad is not None:
        raise input_error("store_control_char", path=path, char=bad)
    return value


def check_name(value: Any, path: str) -> str:
    """A name that must not be empty once spaces are trimmed (stored trimmed)."""
    text = check_text(value, path).strip()
    if not text:
        raise input_error("store_empty", path=path)
    return text


def check_hash(value: Any, path: str) -> str:
    """A content hash: 64 lowercase hexadecimal digits (see :func:`content_hash`)."""
    if not (isinstance(value, str) and HASH_RE.match(value)):
        raise input_error("store_bad_hash", path=path, got=str(value)[:80])
    return value


def check_figures(figures: Any, path: str = "figures") -> dict[str, float | None]:
    """Headline figures: at most :data:`MAX_FIGURES` names like ``people_newly_served``,
    each a finite number or None."""
    if not isinstance(figures, Mapping):
        raise input_error("not_mapping", path=path, got=type(figures).__name__)
    if len(figures) > MAX_FIGURES:
        raise input_error("store_too_many", path=path, limit=MAX_FIGURES)
    out: dict[str, float | None] = {}
    for name, value in figures.items():
        if not (isinstance(name, str) and FIGURE_RE.match(name)):
            raise input_error("bad_id", path=f"{path}.{str(name)[:40]}", got=str(name)[:40])
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise input_error("not_number", path=f"{path}.{name}", got=str(value)[:40])
        try:
            number = None if value is None else float(value)
        except OverflowError:  # an integer beyond any float
            number = math.inf
        if number is not None and not math.isfinite(number):
            raise input_error("not_finite", path=f"{path}.{name}", got=str(value)[:40])
        out[name] = number
    return out


def check_settings(settings: Any, path: str = "settings") -> dict[str, Any]:
    """The plain-data form of settings that can be used, or a ScenarioError saying why.

    Only what settings say on their own is checked (ranges, solver, method, that each
    weight is keyed by something that can be a program id); whether a weight names a
    program of the scenario is for the solve to say. A key that can be no program's id
    (a lone surrogate, a control character) would be kept for no use, and the first
    cannot even be written to the database.
    """
    if not isinstance(settings, Settings):
        raise input_error("not_mapping", path=path, got=type(settings).__name__)
    if not isinstance(settings.integer, bool):
        raise input_error("not_bool", path=f"{path}.integer", got=str(settings.integer)[:40])
    for key in settings.weights:
        if not (isinstance(key, str) and PROGRAM_ID_RE.match(key)):
            # json.dumps quotes the key in ASCII, so the message can show any key
            got = json.dumps(key) if isinstance(key, str) else type(key).__name__
            raise input_error("bad_id", path=f"{path}.weights", got=got[:40])
    try:
        settings.check(list(settings.weights))
        return settings.to_dict()
    except ScenarioError as exc:
        raise ScenarioError([under(path, p) for p in exc.problems]) from None
    except (TypeError, ValueError, OverflowError):
        raise input_error("invalid", path=path, detail=str(settings)[:80]) from None


def check_plan(plan: Any, path: str = "settings.plan") -> dict[str, Any] | None:
    """The plain-data form of a plan's settings (None: a single-year option), or a
    ScenarioError saying why they cannot be used."""
    if plan is None:
        return None
    if not isinstance(plan, PlanSettings):
        raise input_error("not_mapping", path=path, got=type(plan).__name__)
    try:
        plan.check()
        data = plan.to_dict()
        json.dumps(data, allow_nan=False)
        return data
    except ScenarioError as exc:
        raise ScenarioError([under(path, p) for p in exc.problems]) from None
    except (TypeError, ValueError, OverflowError):
        raise input_error("invalid", path=path, detail=str(plan)[:80]) from None


def settings_json(settings: Settings, plan: PlanSettings | None = None) -> dict[str, Any]:
    """What a stored settings column holds: the settings' plain data and, for a plan over
    years, its settings under :data:`PLAN_KEY` (one column, so older rows stay valid and
    a single-year option reads as before). Both are checked."""
    data = check_settings(settings)
    plan_part = check_plan(plan)
    if plan_part is not None:
        data[PLAN_KEY] = plan_part
    return data


def plan_of(data: Mapping[str, Any], path: str = "settings.plan") -> PlanSettings | None:
    """The plan's settings kept in a stored settings column (None when it holds none),
    checked as a save checks them."""
    value = data.get(PLAN_KEY)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise input_error("not_mapping", path=path, got=type(value).__name__)
    try:
        plan = PlanSettings.from_dict(value)
    except ScenarioError as exc:
        raise ScenarioError([under(path, p) for p in exc.problems]) from None
    except (TypeError, ValueError):
        raise input_error("invalid", path=path, detail=str(value)[:80]) from None
    check_plan(plan, path)
    return plan


def checked_plan(plan: Any, path: str = "settings.plan") -> PlanSettings | None:
    """A plan's settings as the store keeps them (None: no plan): checked and read back
    from their plain-data form, so that what a save returns is what a read gives."""
    data = check_plan(plan, path)
    return None if data is None else PlanSettings.from_dict(data)


def checked_settings(settings: Any, path: str = "settings") -> Settings:
    """Settings as the store keeps them: checked (:func:`check_settings`) and read back
    from their one plain-data form, so that what a save returns is what a read gives."""
    return Settings.from_dict(check_settings(settings, path))


def check_origin(value: Any, path: str) -> str:
    """How a scenario came to the workspace: one of :data:`ORIGINS`."""
    if value not in ORIGINS:
        raise input_error("store_bad_choice", path=path, got=str(value)[:40],
                          choices=", ".join(ORIGINS))  # fmt: skip
    return value


def check_yaml_text(value: Any, path: str, limit_bytes: int) -> int:
    """A scenario's text as the store may keep it: text, encodable as UTF-8 and at most
    ``limit_bytes`` long in it; returns that size. (Whether it is a valid scenario is for
    the scenario validation to judge.)"""
    if not isinstance(value, str):
        raise input_error("not_string", path=path, got=type(value).__name__)
    try:
        size = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        raise input_error("not_utf8", path=path) from None
    if size > limit_bytes:
        raise input_error("file_too_large", path=path, limit_mb=as_mb(limit_bytes))
    return size


def under(prefix: str, problem: Problem) -> Problem:
    """A problem re-rooted under ``prefix`` (``budget`` -> ``settings.budget``)."""
    return replace(problem, path=f"{prefix}.{problem.path}" if problem.path else prefix)
