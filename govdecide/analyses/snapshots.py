"""Snapshots: a setting and its result saved under a name, downloadable, compared by district."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from govdecide.i18n import fmt_num, t
from govdecide.model.result import Result
from govdecide.model.settings import Settings

SNAPSHOT_COLUMNS = [
    "district",
    "population",
    "need",
    "new_units",
    "spend",
    "coverage_before",
    "coverage_after",
]


@dataclass(frozen=True)
class Snapshot:
    """A named setting and its result's headline and per-district figures."""

    name: str
    settings: dict[str, Any]
    status: str
    efficiency: float | None
    equity: float | None
    objective: float | None
    budget: float
    spend: float | None
    people_newly_served: float | None
    districts: pd.DataFrame = field(compare=False)
    allocation: pd.DataFrame = field(compare=False)
    scenario: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON (what the download holds)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["districts"] = self.districts.to_dict(orient="records")
        out["allocation"] = self.allocation.to_dict(orient="records")
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Snapshot:
        """A snapshot read back from :meth:`to_dict` output (a downloaded file)."""
        fields = dict(data)
        rows = fields.get("districts") or []
        fields["districts"] = pd.DataFrame(rows).reindex(columns=SNAPSHOT_COLUMNS)
        fields["allocation"] = pd.DataFrame(fields.get("allocation") or [])
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in fields.items() if k in known})


def snapshot(name: str, settings: Settings, result: Result, scenario: str = "") -> Snapshot:
    """Save a setting and its result under a name (kept in the session, downloadable)."""
    ok = result.has_solution
    districts = (
        result.districts[SNAPSHOT_COLUMNS].copy() if ok else pd.DataFrame(columns=SNAPSHOT_COLUMNS)
    )
    return Snapshot(
        name=name,
        settings=settings.to_dict(),
        status=result.status,
        efficiency=result.efficiency,
        equity=result.equity,
        objective=result.objective,
        budget=result.budget,
        spend=result.budget_used,
        people_newly_served=result.people_newly_served,
        districts=districts,
        allocation=result.allocation.copy() if ok else pd.DataFrame(),
        scenario=scenario,
    )


def snapshots_to_json(snapshots: Iterable[Snapshot]) -> str:
    """Snapshots as a JSON document (the page's download)."""
    return json.dumps(
        {"format": "govdecide/snapshots-v1", "snapshots": [s.to_dict() for s in snapshots]},
        ensure_ascii=False,
        indent=2,
        default=float,
    )


def snapshots_from_json(text: str) -> list[Snapshot]:
    """Snapshots from :func:`snapshots_to_json` output."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != "govdecide/snapshots-v1":
        raise ValueError("not a govdecide snapshots file")
    return [Snapshot.from_dict(s) for s in data.get("snapshots", [])]


def compare(a: Snapshot, b: Snapshot) -> pd.DataFrame:
    """Side by side by district: units, spend and coverage in A and B, and B minus A.

    Columns: district, units_a, units_b, units_diff, spend_a, spend_b, spend_diff,
    coverage_a, coverage_b, coverage_diff (coverage = weighted coverage after).
    """
    cols = {"new_units": "units", "spend": "spend", "coverage_after": "coverage"}
    left, right = (
        s.districts.set_index("district")[list(cols)].rename(columns=cols) for s in (a, b)
    )
    order = list(dict.fromkeys([*left.index, *right.index]))
    left, right = left.reindex(order), right.reindex(order)
    out = pd.DataFrame({"district": order})
    for c in cols.values():
        out[f"{c}_a"] = left[c].to_numpy(dtype=float)
        out[f"{c}_b"] = right[c].to_numpy(dtype=float)
        out[f"{c}_diff"] = out[f"{c}_b"] - out[f"{c}_a"]
    return out


def compare_sentence(
    frame: pd.DataFrame,
    name_a: str,
    name_b: str,
    names: Mapping[str, str] | None = None,
    lang: str = "en",
    most: int = 3,
) -> str:
    """Who gains and who loses coverage going from A to B, the largest changes first."""
    names = names or {}
    tol = 1e-4

    def listing(rows: pd.DataFrame, key: str) -> str:
        parts = [
            t(
                key,
                lang,
                district=names.get(str(r.district), str(r.district)),
                points=fmt_num(abs(r.coverage_diff) * 100, lang, 1),
            )
            for r in rows.head(most).itertuples()
        ]
        more = len(rows) - most
        if more > 0:
            parts.append(t("an.cmp.more", lang, n=more))
        return t("an.cmp.sep", lang).join(parts)

    valid = frame.dropna(subset=["coverage_diff"])
    gains = valid[valid["coverage_diff"] > tol].sort_values("coverage_diff", ascending=False)
    losses = valid[valid["coverage_diff"] < -tol].sort_values("coverage_diff")
    if gains.empty and losses.empty:
        return t("an.cmp.same", lang, a=name_a, b=name_b)
    parts = []
    if not gains.empty:
        parts.append(
            t("an.cmp.gain", lang, a=name_a, b=name_b, list=listing(gains, "an.cmp.item_gain"))
        )
    if not losses.empty:
        parts.append(t("an.cmp.loss", lang, list=listing(losses, "an.cmp.item_loss")))
    else:
        parts.append(t("an.cmp.noloss", lang))
    return " ".join(parts) if lang != "zh" else "".join(parts)
