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
from govdecide.store.records import checked_settings


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
    """Settings from their plain-data form, checked as a save checks them."""
    if not isinstance(value, Mapping):
        raise input_error("not_mapping", path=path, got=quote(value))
    try:
        settings = Settings.from_dict(value)
    except (TypeError, ValueError):
        raise input_error("invalid", path=path, detail=quote(value)) from None
    return checked_settings(settings, path)
