"""The translation catalogue: every string a person reads goes through here.

The catalogue lives in ``govdecide/locales/*.yaml``; each file maps a key to its English
and Chinese text (``{en: ..., zh: ...}``). Several files keep areas apart (engine
messages, app labels, reports) but they form one catalogue: a key may appear only once,
and a test fails when a key lacks a language. Templates use ``str.format`` fields, and
numbers are formatted before they are put in, one rule per kind of quantity:
:func:`fmt_people`, :func:`fmt_money`, :func:`fmt_units`, :func:`fmt_share` (shares, by
:func:`fmt_pct`'s rule), :func:`fmt_gap` (a proven gap), :func:`fmt_value` (an input
echoed back in a message); :func:`round_for_table` rounds a table's figures the same way.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LANGS: tuple[str, ...] = ("en", "zh")
DEFAULT_LANG = "en"
LOCALE_DIR = Path(__file__).parent / "locales"


class CatalogueError(RuntimeError):
    """The catalogue itself is broken (a programming error, caught by the tests)."""


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """Load and merge every locale file once; a key defined twice is an error."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALE_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh) or {}
        for key, entry in data.items():
            if key in merged:
                raise CatalogueError(f"key {key!r} is defined twice (again in {path.name})")
            if not isinstance(entry, dict):
                raise CatalogueError(f"key {key!r} in {path.name} is not a mapping")
            merged[str(key)] = {str(k): str(v) for k, v in entry.items()}
    return merged


def normalize_lang(lang: str | None) -> str:
    """Map a browser locale such as ``zh-CN`` or ``en_GB`` to a catalogue language."""
    if not lang:
        return DEFAULT_LANG
    code = str(lang).replace("_", "-").split("-")[0].lower()
    return code if code in LANGS else DEFAULT_LANG


class _KeepField(dict):
    """Format parameters that leave an unfilled field as ``{name}`` instead of raising."""

    def __missing__(self, name: str) -> str:
        return "{" + name + "}"


def _under_tests() -> bool:
    """True inside pytest, where a missing message parameter must fail loudly."""
    return "pytest" in sys.modules or "PYTEST_CURRENT_TEST" in os.environ


def t(key: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """The text of ``key`` in ``lang`` (English when missing), with ``params`` filled in.

    An unknown key raises: a silent fallback would hide an untranslated string. A field
    the caller did not supply is a programming error too: under pytest it raises
    :class:`CatalogueError` so the test fails; in the running app or command line it
    leaves ``{field}`` in the text, because a user with an imperfect sentence can still
    act on it, while a traceback in place of the message (often an error message about
    their own file) helps nobody.
    """
    entries = catalogue()
    if key not in entries:
        raise CatalogueError(f"missing catalogue key {key!r}")
    entry = entries[key]
    template = entry.get(normalize_lang(lang)) or entry[DEFAULT_LANG]
    try:
        return template.format(**params)
    except (KeyError, IndexError) as exc:
        if _under_tests():
            raise CatalogueError(
                f"catalogue key {key!r} ({lang}) needs the parameter {exc}, got {sorted(params)}"
            ) from None
        return template.format_map(_KeepField(params))


def localize(text: str | Mapping[str, str] | None, lang: str = DEFAULT_LANG) -> str:
    """Pick a scenario text in ``lang``; fall back to English, then to the first given."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    lang = normalize_lang(lang)
    if lang in text:
        return text[lang]
    if DEFAULT_LANG in text:
        return text[DEFAULT_LANG]
    return next(iter(text.values()), "")


def fmt_num(value: float | None, lang: str = DEFAULT_LANG, digits: int = 0) -> str:
    """A number with digit grouping, the same way in both languages (1,234.5).

    Chinese official statistics also group by thousands in tables, so the only
    per-language difference is the text around the number, which the catalogue holds.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if digits == 0:
        value = round(value)
        if value == 0:
            value = 0  # no "-0"
    return f"{value:,.{digits}f}"


def fmt_pct(share: float | None, lang: str = DEFAULT_LANG, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage: 0.412 -> '41.2%'.

    A share that is not 0 but would show as 0.0% gets two significant digits instead
    (0.000034 -> '0.0034%'): "costs 0.0% (2,766 fewer people)" said nothing true.
    """
    if share is None or not math.isfinite(share):
        return "—"
    percent = share * 100
    if percent != 0 and abs(percent) < 0.5 * 10.0**-digits:
        digits = 1 - math.floor(math.log10(abs(percent)))
    return f"{percent:.{digits}f}%"


# One rule per kind of quantity (issue 11), for sentences and tables alike: people are
# whole, money shows cents only when it has them, units show at most two decimals (whole
# units none), shares are percentages with one decimal (fmt_pct's rule).
PEOPLE, MONEY, UNITS, SHARE = "people", "money", "units", "share"
INDEX = "index"  # an inequality index (Gini, Theil...): three decimals


def fmt_people(value: float | None, lang: str = DEFAULT_LANG) -> str:
    """People, whole and grouped: 127,589.22 -> '127,589' (a fraction of a person is
    the model's arithmetic, not a figure to read)."""
    return fmt_num(value, lang, 0)


def fmt_money(value: float | None, lang: str = DEFAULT_LANG) -> str:
    """An amount, grouped, with cents only when it has them: '1,200,000', '27,976.04'."""
    if value is None or not math.isfinite(value):
        return "—"
    return fmt_num(value, lang, 0 if float(round(value, 2)).is_integer() else 2)


def fmt_units(value: float | None, lang: str = DEFAULT_LANG) -> str:
    """A count of units: whole ones as such ('12'), else at most two decimals ('144.09')."""
    if value is None or not math.isfinite(value):
        return "—"
    text = fmt_num(round(value, 2) + 0.0, lang, 2)  # + 0.0: no "-0" for solver noise
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_gap(gap: float | None, lang: str = DEFAULT_LANG) -> str:
    """A proven gap: '0.87%', '5.0%'; one below 0.01% is stated as the true '0.01%' (an
    upper bound), so a tiny gap never reads as none."""
    if gap is None or not math.isfinite(gap):
        return "—"
    if gap < 1e-4:
        return fmt_pct(1e-4, lang, 2)
    return fmt_pct(gap, lang, 2 if gap < 0.01 else 1)


def fmt_share(share: float | None, lang: str = DEFAULT_LANG) -> str:
    """A share (coverage, need served, a cost of fairness) as a percentage: fmt_pct."""
    return fmt_pct(share, lang)


def fmt_quantity(value: float | None, kind: str, lang: str = DEFAULT_LANG) -> str:
    """A number written by the rule of its kind (``—`` when unknown), the one rule the
    pages, the report, the exports and the command line share:

    * ``people``, ``count``: whole, grouped (127,589) (:func:`fmt_people`);
    * ``money``: cents only when there are any (:func:`fmt_money`);
    * ``units`` (new units, staff, seconds): at most two decimals (:func:`fmt_units`);
    * ``share`` (coverage, E, z): :func:`fmt_share`; ``gap``: :func:`fmt_gap`;
    * ``score`` (the objective): 4 decimals; ``weight``: 2; ``index`` (Gini...): 3;
    * ``rate`` (a marginal value, people per budget unit): 3 significant figures without
      trailing zeros, never an exponent (0.0238, 2.5, 127,589).
    """
    if value is None or not math.isfinite(float(value)):
        return fmt_num(None, lang)
    value = float(value)
    by_rule = {
        "people": fmt_people,
        "count": fmt_people,
        "money": fmt_money,
        "units": fmt_units,
        "share": fmt_share,
        "gap": fmt_gap,
    }
    if kind in by_rule:
        return by_rule[kind](value, lang)
    if kind == "rate":
        digits = 0 if value == 0 else max(0, 2 - math.floor(math.log10(abs(value))))
        text = fmt_num(value, lang, digits)
        return text.rstrip("0").rstrip(".") if "." in text else text
    digits = {"score": 4, "weight": 2, "index": 3}[kind]
    return fmt_num(round(value, digits) + 0.0, lang, digits)


def round_for_table(value: float, kind: str) -> float:
    """A figure of ``kind`` rounded as its text would be, for a sortable table column:
    people whole, money to cents, units to two decimals, shares as percent (one decimal,
    or two significant digits for a nonzero share below 0.05%)."""
    if not math.isfinite(value):
        return value
    if kind == PEOPLE:
        return float(round(value))
    if kind == SHARE:
        text = fmt_pct(value).rstrip("%")
        return float(text)
    return float(round(value, 2))


def fmt_value(value: float | None) -> str:
    """A figure echoed back as given (an input value in a message): six significant digits
    at most, grouped, and in powers of ten when very small or large: '1,250,000',
    '4.4e-11', '1e-300'."""
    if value is None:
        return "—"
    if not math.isfinite(value):
        return "∞" if value > 0 else ("−∞" if value < 0 else "NaN")
    size = abs(value)
    if value == 0:
        return "0"
    if size < 1e-4 or size >= 1e15:
        return f"{value:.3g}".replace("e+", "e")
    digits = max(0, 5 - math.floor(math.log10(size)))
    text = f"{round(value, digits):,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
