"""What a story is, as the store keeps and hands it out: plain records and their checks.

A **story** is a trainer's prepared sequence for a workshop: an ordered list of **steps**,
each a saved option of its own (a scenario cited by its content hash, the settings, the
headline figures when it was added) with a title and a caption in one or both languages,
and an optional **focus** (what to look at: a district, or one of the charts). A step
keeps its own copy of the option, so replacing or deleting an option on the Compare page
never rewrites a story that was already told.

A **presentation** is the story's current step while it is shown: kept in the database,
so that the trainer's reload, a second screen and every participant's viewer agree on
it. Its ``revision`` grows with every change of the story (a step moved, a caption
edited, the next step shown), so a viewer can poll one number and redraw only on change.

Input is checked before any transaction starts and refused as a
:class:`~govdecide.errors.ScenarioError` with catalogue messages; text is stored as given
(escaping is the job of whoever shows it). No SQLAlchemy here: the tables are in
:mod:`.story_tables`, the handle that reads and writes them in :mod:`.stories`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from govdecide.errors import input_error
from govdecide.i18n import LANGS
from govdecide.model.settings import Settings
from govdecide.model.years.settings import PlanSettings
from govdecide.store.records import (
    check_figures,
    check_hash,
    check_name,
    check_plan,
    check_settings,
    check_text,
)

Text = str | dict[str, str]  # a title or caption: one text, or {en: ..., zh: ...}

FOCUS_KINDS = ("district", "chart")
FOCUS_CHARTS = ("coverage", "spend", "units", "map")  # the charts a step may show
DEFAULT_CHART = "coverage"
# what a step is made of (a stored step adds its id and position): one list for the
# copies, the backup's keys and the checks; a plan over years is kept inside the settings
# (``records.settings_json``), so it is the one field the backup has no key of its own for
STEP_FIELDS = (
    "title", "caption", "scenario_id", "scenario_hash", "settings", "figures", "focus", "plan",
)  # fmt: skip
MAX_TITLE_CHARS = 200
MAX_CAPTION_CHARS = 1000


@dataclass(frozen=True)
class StoryLimits:
    """How many stories a workspace may hold, and steps a story: a clear message beyond."""

    stories: int = 20
    steps: int = 30


@dataclass(frozen=True)
class Focus:
    """What to look at in a step: a district (by id) or one of :data:`FOCUS_CHARTS`."""

    kind: str
    value: str

    def to_dict(self) -> dict[str, str]:
        """Plain data (what a backup and the bundled story files hold)."""
        return {"kind": self.kind, "value": self.value}


@dataclass(frozen=True)
class StepDraft:
    """A step before it is stored: the option (scenario, settings, figures) and its words;
    ``plan`` makes the step a plan over several years (None: the single-year solve)."""

    title: Text
    scenario_id: str
    scenario_hash: str
    settings: Settings
    caption: Text = ""
    figures: dict[str, float | None] = field(default_factory=dict)
    focus: Focus | None = None
    plan: PlanSettings | None = None

    @property
    def chart(self) -> str:
        """The chart this step shows: its focus chart, else :data:`DEFAULT_CHART`."""
        if self.focus is not None and self.focus.kind == "chart":
            return self.focus.value
        return DEFAULT_CHART

    @property
    def district(self) -> str | None:
        """The district this step points at, if its focus is one."""
        focus = self.focus
        return focus.value if focus is not None and focus.kind == "district" else None


@dataclass(frozen=True)
class StoryStep(StepDraft):
    """A stored step: ``id`` is its row (stable across moves), ``position`` counts from 0."""

    id: int = 0
    position: int = 0


@dataclass(frozen=True)
class StoryInfo:
    """A story in a list: ``id`` is its public id in this workspace (in the page's link)."""

    id: str
    title: Text
    steps: int
    revision: int
    updated_at: datetime


@dataclass(frozen=True)
class Story:
    """A story with its steps in order."""

    id: str
    title: Text
    steps: tuple[StoryStep, ...]
    revision: int
    created_at: datetime
    updated_at: datetime

    def step_by_id(self, step_id: int) -> StoryStep | None:
        """The step with this row id, or None (it was deleted meanwhile)."""
        return next((s for s in self.steps if s.id == step_id), None)


@dataclass(frozen=True)
class Presentation:
    """The step a story is showing: ``position`` (from 0) among its steps, None when the
    story has no step; ``revision`` is the story's (see the module docstring);
    ``shared`` says whether its viewer link works (it does once the trainer presents
    it: a story restored from a backup is not shared until then)."""

    story_id: str
    position: int | None
    step_id: int | None
    revision: int
    updated_at: datetime
    shared: bool = False


@dataclass(frozen=True)
class StoryDraft:
    """A whole story before it is stored (an import, the bundled example)."""

    title: Text
    steps: tuple[StepDraft, ...]
    presenting: int | None = None  # the position shown when it was exported, if any


# -- checks on what callers give --------------------------------------------------------


def check_story_text(
    value: Any, path: str, max_chars: int, *, multiline: bool = False, required: bool = True
) -> Text:
    """A title or caption: one text, or ``{en: ..., zh: ...}`` with a language or both.

    Each text is checked like a name or a note (:func:`check_text`) and trimmed; empty
    languages are dropped. ``required`` refuses a text that is empty in every language.
    """
    if isinstance(value, Mapping):
        unknown = [str(k)[:20] for k in value if k not in LANGS]
        if unknown:
            raise input_error(
                "story_text_lang", path=f"{path}.{unknown[0]}", langs=", ".join(LANGS)
            )
        texts = {
            lang: check_text(value[lang], f"{path}.{lang}", max_chars, multiline).strip()
            for lang in LANGS
            if lang in value
        }
        out: Text = {lang: text for lang, text in texts.items() if text}
        empty = not out
    else:
        out = check_text(value, path, max_chars, multiline).strip()
        empty = not out
    if empty and required:
        raise input_error("store_empty", path=path)
    return out if not empty else ""


def check_title(value: Any, path: str = "title") -> Text:
    """A story's or a step's title: required, one line."""
    return check_story_text(value, path, MAX_TITLE_CHARS)


def check_caption(value: Any, path: str = "caption") -> Text:
    """A step's caption: optional, may have line breaks."""
    return check_story_text(value, path, MAX_CAPTION_CHARS, multiline=True, required=False)


def check_focus(value: Any, path: str = "focus") -> Focus | None:
    """None, a :class:`Focus`, or its plain data ``{kind: chart, value: map}``."""
    if value is None:
        return None
    if isinstance(value, Mapping):
        unknown = [str(k)[:20] for k in value if k not in ("kind", "value")]
        if unknown:
            raise input_error("unknown_key", path=f"{path}.{unknown[0]}")
        value = Focus(value.get("kind"), value.get("value"))  # type: ignore[arg-type]
    if not isinstance(value, Focus):
        raise input_error("not_mapping", path=path, got=type(value).__name__)
    if value.kind not in FOCUS_KINDS:
        raise input_error(
            "store_bad_choice",
            path=f"{path}.kind",
            got=str(value.kind)[:40],
            choices=", ".join(FOCUS_KINDS),
        )
    if value.kind == "chart" and value.value not in FOCUS_CHARTS:
        raise input_error(
            "store_bad_choice",
            path=f"{path}.value",
            got=str(value.value)[:40],
            choices=", ".join(FOCUS_CHARTS),
        )
    return Focus(value.kind, check_name(value.value, f"{path}.value"))


def check_step(draft: StepDraft, path: str = "step") -> StepDraft:
    """A step whose every part can be stored (trimmed texts, checked settings)."""
    if not isinstance(draft, StepDraft):
        raise input_error("not_mapping", path=path, got=type(draft).__name__)
    return StepDraft(
        title=check_title(draft.title, f"{path}.title"),
        caption=check_caption(draft.caption, f"{path}.caption"),
        scenario_id=check_name(draft.scenario_id, f"{path}.scenario_id"),
        scenario_hash=check_hash(draft.scenario_hash, f"{path}.scenario_hash"),
        settings=Settings.from_dict(check_settings(draft.settings, f"{path}.settings")),
        figures=check_figures(draft.figures, f"{path}.figures"),
        focus=check_focus(draft.focus, f"{path}.focus"),
        plan=checked_plan(draft.plan, f"{path}.settings.plan"),
    )


def checked_plan(plan: Any, path: str = "settings.plan") -> PlanSettings | None:
    """A step's plan as the store keeps it: checked (:func:`check_plan`) and read back
    from its plain-data form, so that what a save returns is what a read gives."""
    data = check_plan(plan, path)
    return None if data is None else PlanSettings.from_dict(data)


def step_with(step: StepDraft, **changes: Any) -> StepDraft:
    """A draft of ``step`` (a stored one too) with some fields changed, checked again."""
    fields = {name: getattr(step, name) for name in STEP_FIELDS}
    return check_step(StepDraft(**(fields | changes)))
