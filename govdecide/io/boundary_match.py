"""Which feature of a boundary file is which district: by id, by name, or by a code.

A feature is matched by the value of one *field*: its ``id`` or one of its properties
(a name, an adcode). The value is compared with what names a district: its id, its
``map_id`` and its name in every language the scenario gives. Texts are compared
loosely but never fuzzily: Unicode-normalised, case and spacing ignored, ``&`` read as
"and", and, only where that leaves one district, without an administrative suffix
(东城区 = 东城, "Camden Borough" = Camden). A value that names two districts matches
neither (it is reported as ambiguous): a wrong match is worse than none.

``by="auto"`` tries every field and keeps the one that matches the most districts;
``by="name"`` does the same comparing names only; any other ``by`` is the field to use.
The user's fixes (:func:`apply_fixes`) then assign a feature to a district or leave it
out; several features of one district (islands drawn apart) are joined when the map is
prepared.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from govdecide.errors import Problem, ScenarioError
from govdecide.io.boundary_check import Boundaries, Feature
from govdecide.io.scenario import Scenario

AUTO = "auto"
BY_NAME = "name"
_SPACES = re.compile(r"\s+")
# Administrative words a boundary file adds to a name or leaves out ("Camden" / "London
# Borough of Camden" is not among them: only suffixes are dropped).
SUFFIXES = (
    "自治县", "特别行政区", "街道", "新区", "区", "县", "市", "旗", "镇", "乡",
    " district", " borough", " county", " city", " municipality", " prefecture",
)  # fmt: skip


def normal(text: str) -> str:
    """A text as compared: NFKC, case-folded, single spaces, ``&`` as "and"."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    return _SPACES.sub(" ", text).strip()


def loose(text: str) -> str:
    """:func:`normal` without one administrative suffix (东城区 -> 东城)."""
    text = normal(text)
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)].strip()
    return text


@dataclass(frozen=True)
class Match:
    """Features assigned to districts: by which field, and what the user changed."""

    by: str
    assigned: Mapping[int, str]  # feature index (1-based) -> district id
    ambiguous: tuple[int, ...] = ()  # features whose value names several districts
    fixed: tuple[int, ...] = ()  # features the user assigned by hand
    left_out: tuple[int, ...] = ()  # features the user left out

    def districts(self) -> set[str]:
        """The districts that have at least one feature."""
        return set(self.assigned.values())

    def missing(self, scenario: Scenario) -> list[str]:
        """The districts (ids, in scenario order) that no feature draws."""
        have = self.districts()
        return [d.id for d in scenario.districts if d.id not in have]

    def unmatched(self, boundaries: Boundaries) -> list[Feature]:
        """The features no district has (and the user did not leave out)."""
        skip = set(self.assigned) | set(self.left_out)
        return [f for f in boundaries.features if f.index not in skip]


def field_value(feature: Feature, name: str) -> str | None:
    """A feature's value of a field: its id, or one of its properties."""
    return feature.id if name == "id" else feature.properties.get(name)


def _index(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(exact, loose) lookups from a compared text to the districts it names."""
    exact: dict[str, set[str]] = {}
    relaxed: dict[str, set[str]] = {}
    for text, district in pairs:
        exact.setdefault(normal(text), set()).add(district)
        relaxed.setdefault(loose(text), set()).add(district)
    return exact, relaxed


def district_texts(scenario: Scenario, names_only: bool = False) -> list[tuple[str, str]]:
    """(text, district id) for everything that names a district: its name in every
    language and, unless ``names_only``, its id and map_id."""
    out = []
    for d in scenario.districts:
        names = d.name.values() if isinstance(d.name, dict) else [d.name]
        out += [(str(n), d.id) for n in names]
        if not names_only:
            out += [(d.id, d.id)] + ([(d.map_id, d.id)] if d.map_id else [])
    return out


def _by_field(
    boundaries: Boundaries, name: str, lookups: tuple[dict, dict]
) -> tuple[dict[int, str], list[int]]:
    """The features one field assigns (value naming exactly one district), and the
    ambiguous ones."""
    exact, relaxed = lookups
    assigned: dict[int, str] = {}
    ambiguous: list[int] = []
    for feature in boundaries.features:
        value = field_value(feature, name)
        if not value:
            continue
        found = exact.get(normal(value)) or relaxed.get(loose(value)) or set()
        if len(found) == 1:
            assigned[feature.index] = next(iter(found))
        elif len(found) > 1:
            ambiguous.append(feature.index)
    return assigned, ambiguous


def match_features(boundaries: Boundaries, scenario: Scenario, by: str = AUTO) -> Match:
    """Match the features to the scenario's districts (see the module's doc)."""
    if by not in (AUTO, BY_NAME) and by not in boundaries.fields:
        raise ScenarioError(
            [Problem("by", "map_no_field", {"field": by, "fields": ", ".join(boundaries.fields)})]
        )
    fields = boundaries.fields if by in (AUTO, BY_NAME) else (by,)
    lookups = _index(district_texts(scenario, names_only=by == BY_NAME))
    best: Match | None = None
    for name in fields or ("id",):
        assigned, ambiguous = _by_field(boundaries, name, lookups)
        candidate = Match(name, assigned, tuple(ambiguous))
        if best is None or len(candidate.districts()) > len(best.districts()):
            best = candidate
    assert best is not None
    return best


def apply_fixes(
    match: Match, fixes: Mapping[int, str | None], boundaries: Boundaries, scenario: Scenario
) -> Match:
    """The match with the user's fixes: feature index -> district id, or None to leave
    the feature out. A fix naming no feature or no district is refused, all at once."""
    known = {d.id for d in scenario.districts}
    problems = []
    for index, district in fixes.items():
        if boundaries.feature(index) is None:
            problems.append(Problem(f"#{index}", "map_fix_no_feature", {"index": index}))
        elif district is not None and district not in known:
            problems.append(Problem(f"#{index}", "map_fix_no_district", {"district": district}))
    if problems:
        raise ScenarioError(problems)
    assigned = dict(match.assigned)
    left_out = set(match.left_out)
    for index, district in fixes.items():
        if district is None:
            assigned.pop(index, None)
            left_out.add(index)
        else:
            assigned[index] = district
            left_out.discard(index)
    fixed = sorted(set(match.fixed) | {i for i, d in fixes.items() if d is not None})
    return replace(
        match,
        assigned=assigned,
        ambiguous=tuple(i for i in match.ambiguous if i not in fixes),
        fixed=tuple(fixed),
        left_out=tuple(sorted(left_out)),
    )


def find_district(text: str, scenario: Scenario) -> str | None:
    """The district a person means by ``text`` (its id, map_id or a name), if exactly one."""
    exact, relaxed = _index(district_texts(scenario))
    found = exact.get(normal(text)) or relaxed.get(loose(text)) or set()
    return next(iter(found)) if len(found) == 1 else None


def find_feature(text: str, boundaries: Boundaries, by: str) -> Feature | None:
    """The feature a person means by ``text``: ``#N`` (its place in the file) or its value
    of the matching field (or its id), if exactly one feature has it."""
    if text.startswith("#") and text[1:].isdigit():
        return boundaries.feature(int(text[1:]))
    wanted = normal(text)
    hits = [
        f
        for f in boundaries.features
        if any(normal(v or "") == wanted for v in (field_value(f, by), f.id))
    ]
    return hits[0] if len(hits) == 1 else None


def parse_fixes(
    texts: Iterable[str], boundaries: Boundaries, match: Match, scenario: Scenario
) -> dict[int, str | None]:
    """Fixes as typed on the command line, ``FEATURE=DISTRICT`` each (``#12=dongcheng``,
    ``Camden=camden``; ``FEATURE=`` leaves the feature out); every bad one reported."""
    fixes: dict[int, str | None] = {}
    problems = []
    for text in texts:
        name, sep, district = text.partition("=")
        if not sep or not name.strip():
            problems.append(Problem("--fix", "map_fix_format", {"got": text[:80]}))
            continue
        feature = find_feature(name.strip(), boundaries, match.by)
        target = find_district(district.strip(), scenario) if district.strip() else None
        if feature is None:
            problems.append(Problem("--fix", "map_fix_unknown_feature", {"got": name[:80]}))
        elif district.strip() and target is None:
            problems.append(Problem("--fix", "map_fix_unknown_district", {"got": district[:80]}))
        else:
            fixes[feature.index] = target
    if problems:
        raise ScenarioError(problems)
    return fixes


@dataclass(frozen=True)
class MatchCounts:
    """The figures a person reads first: how much matched."""

    districts: int
    matched: int
    features: int
    unmatched_features: int
    ambiguous: int = 0


def match_counts(match: Match, boundaries: Boundaries, scenario: Scenario) -> MatchCounts:
    """Districts with a shape, of how many; features with no district, of how many."""
    return MatchCounts(
        districts=len(scenario.districts),
        matched=len(match.districts()),
        features=len(boundaries.features),
        unmatched_features=len(match.unmatched(boundaries)),
        ambiguous=len(match.ambiguous),
    )
