"""The example stories shipped for new trainers: strict YAML files, read into steps.

A story file (format ``govdecide-story/v1``, in ``scenarios/stories/``) names a bundled
scenario by its file's stem and lists the steps: each a title and caption (``{en, zh}``),
the settings that differ from the scenario's own (budget, staff, equity weight, program
weights; and, for a plan over several years, ``plan: {years: 5, budget_by_year: [...],
discount_rate: 0.03, growth: true}``) and an optional focus (``{chart: map}`` or
``{district: south_marsh}``)::

    format: govdecide-story/v1
    title: {en: Riverton step by step, zh: 河湾市逐步演示}
    scenario: riverton
    steps:
      - title: {en: Today's plan, zh: 现行方案}
        caption: {en: ..., zh: ...}
        focus: {chart: coverage}
      - title: {en: Serve the most people, zh: 服务最多的人}
        settings: {equity_weight: 0}

It is read like a scenario file: validated once, strictly (pydantic, unknown keys are
errors), every problem reported at once with the file, the line and the key path, and
what a story cannot use refused at the door: a scenario that is not bundled, a district or
program that scenario lacks, a chart the app does not draw, a text in another language or
too long for the store, a plan whose yearly budgets or staff do not match its years. The
steps cite their scenario by the hash of its file's text, as
a step added on the page does, so the copy a trainer makes in a workspace is an ordinary
story.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, ValidationError

from govdecide.errors import Problem, ScenarioError
from govdecide.io.scenario import (
    MAX_FILE_BYTES,
    Scenario,
    _line_of,
    _printable,
    _problem_from_pydantic,
    parse_scenario,
)
from govdecide.io.scenario_schema import MAX_YEARS, Growth, Id, NonNeg, Share, Text, _Strict
from govdecide.io.scenario_yaml import format_path, read_yaml
from govdecide.model.settings import Settings
from govdecide.model.years.settings import PlanSettings
from govdecide.store.records import content_hash
from govdecide.store.story_records import (
    FOCUS_CHARTS,
    Focus,
    StepDraft,
    StoryDraft,
    StoryLimits,
    check_caption,
    check_title,
)

STORY_FORMAT = "govdecide-story/v1"


class FocusFile(_Strict):
    """What to look at: one chart or one district (checked against the scenario)."""

    chart: str | None = None
    district: Id | None = None


class PlanFile(_Strict):
    """A step's plan over several years (MODEL.md v1.1): its length, the budget (or staff)
    of each year or the budget's yearly growth, the discount rate, need growth on or off.
    A yearly budget not given is the step's ``budget`` (else the scenario's) every year."""

    years: Annotated[int, Field(ge=1, le=MAX_YEARS)]
    budget_by_year: list[NonNeg] | None = None
    budget_growth: Growth | None = None
    staff_by_year: list[NonNeg] | None = None
    discount_rate: Share | None = None
    growth: bool = True

    def plan(self) -> PlanSettings:
        """As the engine's plan settings."""
        return PlanSettings(
            years=self.years,
            budget_by_year=_tuple(self.budget_by_year),
            budget_growth=self.budget_growth,
            staff_by_year=_tuple(self.staff_by_year),
            discount_rate=self.discount_rate,
            growth=self.growth,
        )


def _tuple(values: list[float] | None) -> tuple[float, ...] | None:
    """A yearly list as the plan keeps it."""
    return None if values is None else tuple(float(v) for v in values)


class SettingsFile(_Strict):
    """The settings of a step that differ from the scenario's policy."""

    budget: NonNeg | None = None
    staff: NonNeg | None = None
    equity_weight: Share | None = None
    weights: dict[Id, NonNeg] = Field(default_factory=dict)
    plan: PlanFile | None = None

    def settings(self) -> Settings:
        """As the engine's settings (what is not given stays as in the scenario)."""
        return Settings(self.budget, self.staff, self.equity_weight, dict(self.weights))


class StepFile(_Strict):
    """One step of a story file."""

    title: Text
    caption: Text | None = None
    scenario: Id | None = None  # another bundled scenario than the story's
    settings: SettingsFile = Field(default_factory=SettingsFile)
    focus: FocusFile | None = None


class StoryFile(_Strict):
    """A whole story file."""

    format: str
    title: Text
    description: Text | None = None
    scenario: Id
    steps: list[StepFile] = Field(min_length=1)


@dataclass(frozen=True)
class BundledStory:
    """An example story: its file's stem, title, description and steps (ready to keep)."""

    key: str
    title: Any
    description: Any
    draft: StoryDraft


def bundled_stories(folder: Path) -> dict[str, Path]:
    """The story files of ``folder`` by stem (``riverton_story``), in name order."""
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def load_story(path: Path, scenario_dir: Path) -> BundledStory:
    """Read and check a story file; its scenarios are ``scenario_dir/<stem>.yaml``.

    Raises :class:`~govdecide.errors.ScenarioError` with every problem of the file.
    """
    name = path.name
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ScenarioError(
                [Problem("", "file_too_large", {"limit_mb": MAX_FILE_BYTES // 2**20}, None, name)]
            )
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        detail = getattr(exc, "strerror", None) or str(exc)[:120]
        raise ScenarioError([Problem("", "cannot_read", {"detail": detail}, None, name)]) from None
    try:
        data, lines, _duplicates = read_yaml(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(
            [Problem("", "invalid", {"detail": str(exc)[:200]}, None, name)]
        ) from None
    if not isinstance(data, Mapping):
        raise ScenarioError([Problem("", "not_mapping", {"got": type(data).__name__}, 1, name)])
    try:
        model = StoryFile.model_validate(dict(data))
    except ValidationError as exc:
        raw = [_problem_from_pydantic(e, data) for e in exc.errors()]
        raise ScenarioError(
            [Problem(format_path(p), c, _printable(v), _line_of(p, lines), name) for p, c, v in raw]
        ) from None
    problems: list[tuple[tuple[Any, ...], str, dict[str, Any]]] = []
    steps = _steps(model, scenario_dir, problems)
    if problems:
        raise ScenarioError(
            [
                Problem(format_path(p), c, _printable(v), _line_of(p, lines), name)
                for p, c, v in problems
            ]
        )
    draft = StoryDraft(check_title(model.title), tuple(steps))
    return BundledStory(path.stem, model.title, model.description, draft)


def _steps(
    model: StoryFile, scenario_dir: Path, problems: list[tuple[tuple[Any, ...], str, dict]]
) -> list[StepDraft]:
    """The file's steps as drafts, each checked against its scenario and the store."""
    if model.format != STORY_FORMAT:
        problems.append(
            (("format",), "bad_format", {"got": model.format, "expected": STORY_FORMAT})
        )
    limit = StoryLimits().steps
    if len(model.steps) > limit:
        problems.append((("steps",), "story_limit_steps", {"limit": limit}))
    _checked(problems, ("title",), check_title, model.title)
    scenarios: dict[str, tuple[Scenario, str] | None] = {}
    out = []
    for i, step in enumerate(model.steps):
        at: tuple[Any, ...] = ("steps", i)
        stem = step.scenario or model.scenario
        if stem not in scenarios:
            scenarios[stem] = _scenario(scenario_dir, stem)
        found = scenarios[stem]
        if found is None:
            where = at + ("scenario",) if step.scenario else ("scenario",)
            problems.append((where, "story_no_scenario", {"name": stem}))
            continue
        scenario, sha = found
        title = _checked(problems, at + ("title",), check_title, step.title)
        caption = _checked(problems, at + ("caption",), check_caption, step.caption or "")
        focus = _focus(step.focus, scenario, at + ("focus",), problems)
        programs = {p.id for p in scenario.programs}
        for program in step.settings.weights:
            if program not in programs:
                problems.append(
                    (at + ("settings", "weights", program), "unknown_program", {"id": program})
                )
        plan = _plan(step.settings.plan, at + ("settings", "plan"), problems)
        settings = step.settings.settings()
        out.append(StepDraft(title, stem, sha, settings, caption or "", {}, focus, plan))
    return out


def _plan(
    plan: PlanFile | None, at: tuple[Any, ...], problems: list[tuple[tuple[Any, ...], str, dict]]
) -> PlanSettings | None:
    """A step's plan, with one number per year wherever it gives yearly numbers."""
    if plan is None:
        return None
    for key in ("budget_by_year", "staff_by_year"):
        values = getattr(plan, key)
        if values is not None and len(values) != plan.years:
            problems.append(
                (at + (key,), "yearly_length", {"got": len(values), "years": plan.years})
            )
    if plan.budget_by_year is not None and plan.budget_growth is not None:
        problems.append((at + ("budget_growth",), "story_plan_both", {}))
    return plan.plan()


def _checked(problems: list, path: tuple[Any, ...], check: Any, value: Any) -> Any:
    """``check(value, place)``, or None with its problems kept at their place under
    ``path`` (a text in an unknown language at ``title.fr``)."""
    prefix = format_path(path)
    try:
        return check(value, prefix)
    except ScenarioError as exc:
        for problem in exc.problems:
            rest = problem.path[len(prefix) :].lstrip(".")
            problems.append(
                (path + tuple(rest.split(".")) if rest else path, problem.code, problem.params)
            )
        return None


def _scenario(scenario_dir: Path, stem: str) -> tuple[Scenario, str] | None:
    """A bundled scenario and the hash of its file's text, or None when there is none."""
    path = scenario_dir / f"{stem}.yaml"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    return parse_scenario(text, file=path.name), content_hash(text)


def _focus(
    focus: FocusFile | None,
    scenario: Scenario,
    at: tuple[Any, ...],
    problems: list[tuple[tuple[Any, ...], str, dict]],
) -> Focus | None:
    """The step's focus, checked: exactly one of chart and district, each known."""
    if focus is None:
        return None
    if (focus.chart is None) == (focus.district is None):
        problems.append((at, "story_focus_one", {}))
        return None
    if focus.chart is not None:
        if focus.chart not in FOCUS_CHARTS:
            problems.append(
                (
                    at + ("chart",),
                    "store_bad_choice",
                    {"got": focus.chart, "choices": ", ".join(FOCUS_CHARTS)},
                )
            )
            return None
        return Focus("chart", focus.chart)
    if focus.district not in {d.id for d in scenario.districts}:
        problems.append((at + ("district",), "unknown_district", {"id": focus.district}))
        return None
    return Focus("district", str(focus.district))
