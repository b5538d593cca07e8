"""The checks a workspace backup's parts share (the workspace's own lists and its
stories): each raises :class:`~govdecide.errors.ScenarioError` with the place in the file,
and :func:`keep` collects them so that every problem is reported at once."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from govdecide.errors import Problem, ScenarioError, input_error
from govdecide.model.settings import Settings
from govdecide.model.years.settings import PlanSettings
from govdecide.store.records import PLAN_KEY, checked_settings, plan_of


def quote(value: Any) -> str:
    """A short quote of a value for a message (containers are not written out)."""
    if isinstance(value, Mapping):
        return "{...}"
    if isinstance(value, list | tuple):
        return "[...]"
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def keep(problems: list[Problem], check: Callable[..., Any], *args: Any) -> Any:
    """``check(*args)``, or None with its problems added to ``problems``."""
    try:
        return check(*args)
    except ScenarioError as exc:
        problems.extend(exc.problems)
        return None


def mapping(
    value: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...]
) -> dict[str, Any]:
    """A JSON object with only the ``allowed`` keys and every ``required`` one."""
    if not isinstance(value, Mapping):
        raise input_error("not_mapping", path=path, got=quote(value))
    where = f"{path}." if path else ""
    problems = [
        Problem(f"{where}{str(k)[:40]}", "unknown_key", {}) for k in value if k not in allowed
    ]
    problems += [Problem(f"{where}{k}", "missing", {}) for k in required if k not in value]
    if problems:
        raise ScenarioError(problems)
    return dict(value)


def time_of(value: Any, path: str) -> datetime:
    """An ISO 8601 time with its zone (what an export writes)."""
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    try:
        utc = parsed.astimezone(UTC) if parsed is not None and parsed.tzinfo else None
    except OverflowError:  # year 1 or 9999 moved into UTC
        utc = None
    if utc is None:
        raise input_error("store_bad_time", path=path, got=quote(value))
    return utc


def settings_of(value: Any, path: str) -> Settings:
    """Settings from their plain-data form, checked as a save checks them, and so is the
    plan over years they may carry (see :func:`settings_and_plan_of`)."""
    return settings_and_plan_of(value, path)[0]


def settings_and_plan_of(value: Any, path: str) -> tuple[Settings, PlanSettings | None]:
    """Settings and the plan's settings kept with them (under ``plan``; None: no plan),
    each checked as a save checks it: a hand-edited plan is refused at its path
    (``options[2].settings.plan.years``), with the settings' own problems."""
    if not isinstance(value, Mapping):
        raise input_error("not_mapping", path=path, got=quote(value))
    problems: list[Problem] = []
    plan = keep(problems, plan_of, value, f"{path}.{PLAN_KEY}")
    try:
        settings = Settings.from_dict(value)
    except (TypeError, ValueError):
        problems.append(Problem(path, "invalid", {"detail": quote(value)}))
        raise ScenarioError(problems) from None
    settings = keep(problems, checked_settings, settings, path)
    if problems:
        raise ScenarioError(problems)
    return settings, plan
