"""A workspace's maps: the boundary files its scenarios draw, kept beside their YAML.

A scenario that draws a map of its own says so by reference (``map: {topojson:
maps/NAME.topojson, object: districts}``, see :mod:`govdecide.io.boundaries`); in a
folder the reference is a file beside the scenario, in a workspace it is a row of the
``maps`` table under the same reference. So a scenario saved with its map keeps it, and
opened again from the workspace finds it (:func:`map_topology`), in any browser and after
a restart. The reference holds the map's content hash (``maps/london-1a2b3c4d5e6f``), so
one reference is one map: saving the same map again returns the stored one, and another
map under a reference already taken is refused rather than changing what a saved
scenario draws.

Every write is one transaction on the workspace's lock (:mod:`.transactions`), every
query uses bound parameters, and a map is checked like an upload before it is kept (a
stored map is input too: it is drawn in every browser that opens the workspace). The
limits: :data:`MAX_MAPS` maps per workspace, each at most 10 MB of TopoJSON.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.orm import Session, defer

from govdecide.errors import input_error
from govdecide.io.boundaries import read_topology
from govdecide.io.boundary_read import MAX_MAP_BYTES
from govdecide.io.scenario import Scenario, parse_scenario
from govdecide.store.map_tables import (
    MAX_MAPS,
    MapRow,
    StoredMap,
    check_reference,
    map_record,
    map_rows,
)
from govdecide.store.records import StoredScenario, as_mb, content_hash
from govdecide.store.transactions import Database, lock_workspace
from govdecide.store.workspace import Workspace


def _handle(workspace: Workspace) -> tuple[Database, int]:
    """The database and row id behind a workspace handle (the store's own package
    shares them; a workspace hands out no public way to its rows)."""
    return workspace._db, workspace._id


def save_map(workspace: Workspace, reference: str, text: str) -> StoredMap:
    """Keep a map under its reference: checked like an upload, one transaction, within
    the workspace's limits; the same map saved again returns the stored one."""
    check_reference(reference)
    size = len(text.encode("utf-8"))
    if size > MAX_MAP_BYTES:
        raise input_error("file_too_large", path="topojson", limit_mb=as_mb(MAX_MAP_BYTES))
    read_topology(text, reference)  # before any lock: refuses what could not be drawn
    draft = StoredMap(reference, content_hash(text), size, datetime.now(UTC), text)
    database, workspace_id = _handle(workspace)

    def work(session: Session) -> StoredMap:
        lock_workspace(session, workspace_id)
        row = session.scalars(map_rows(workspace_id).where(MapRow.reference == reference)).first()
        if row is not None:
            if row.sha256 != draft.sha256:
                raise input_error("map_reference_taken", path="map.topojson", reference=reference)
            return map_record(row)
        count = session.scalar(
            select(func.count(MapRow.id)).where(MapRow.workspace_id == workspace_id)
        )
        if (count or 0) >= MAX_MAPS:
            raise input_error("store_limit_maps", limit=MAX_MAPS)
        session.add(
            MapRow(
                workspace_id=workspace_id,
                reference=draft.reference,
                sha256=draft.sha256,
                size_bytes=draft.size_bytes,
                topojson=draft.text,
                created_at=draft.created_at,
            )
        )
        session.flush()
        return draft

    return database.write(work)


def load_map(workspace: Workspace, reference: str) -> StoredMap | None:
    """The stored map under this reference, with its text; None when there is none."""
    database, workspace_id = _handle(workspace)
    query = map_rows(workspace_id).where(MapRow.reference == reference)

    def work(session: Session) -> StoredMap | None:
        row = session.scalars(query).first()
        return None if row is None else map_record(row)

    return database.read(work)


def list_maps(workspace: Workspace) -> list[StoredMap]:
    """The workspace's maps, oldest first, without their text."""
    database, workspace_id = _handle(workspace)
    query = map_rows(workspace_id).options(defer(MapRow.topojson)).order_by(MapRow.id)
    return database.read(lambda s: [map_record(r, with_text=False) for r in s.scalars(query)])


def map_topology(workspace: Workspace, scenario: Scenario) -> dict[str, Any] | None:
    """The TopoJSON a scenario of this workspace draws (parsed and checked), or None when
    it references none or the workspace does not hold it."""
    if scenario.map is None:
        return None
    stored = load_map(workspace, scenario.map.topojson)
    return None if stored is None else read_topology(stored.text, stored.reference)


def save_scenario_with_map(
    workspace: Workspace, text: str, map_text: str, *, label: str = "", origin: str = "upload"
) -> StoredScenario:
    """Save a scenario and the map it references: the map first (its own transaction),
    then the scenario, so that no stored scenario is ever without its map (a map whose
    scenario then fails to save is only an unused row, found again by its reference)."""
    scenario = parse_scenario(text, file=label or "<scenario>")
    if scenario.map is None:
        raise input_error("map_scenario_no_map", path="map")
    save_map(workspace, scenario.map.topojson, map_text)
    return workspace.save_scenario(text, label=label, origin=origin)
