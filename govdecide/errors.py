"""The one error type that bad input raises, and the problems it carries.

A policymaker who loads a file with five mistakes must see all five at once, each with the
file, the line and the key path, in words that say what to change. So an error is a list
of :class:`Problem` records rendered through the translation catalogue, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from govdecide.i18n import t


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and a catalogue message."""

    path: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    line: int | None = None
    file: str | None = None

    def message(self, lang: str = "en") -> str:
        """The problem as one sentence a non-programmer can act on."""
        what = t(f"err.{self.code}", lang, **self.params)
        where = f"{self.path}: " if self.path else ""
        text = f"{where}{what}"
        if self.line is not None:
            text += " " + t("err.at_line", lang, line=self.line)
        if self.file:
            text = f"{self.file}: {text}"
        return text


class ScenarioError(ValueError):
    """Bad input: a scenario file, a table or a setting that cannot be used as given."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.messages_text("en"))

    def messages(self, lang: str = "en") -> list[str]:
        """Every problem as its own sentence, in ``lang``."""
        return [p.message(lang) for p in self.problems]

    def messages_text(self, lang: str = "en") -> str:
        """All problems, one per line (what the command line prints)."""
        return "\n".join(self.messages(lang))


def input_error(code: str, path: str = "", **params: Any) -> ScenarioError:
    """A :class:`ScenarioError` with a single problem (settings passed by a caller)."""
    return ScenarioError([Problem(path=path, code=code, params=params)])
