"""The store: saved work that survives a refresh, a new browser and a server restart.

A **workspace** is a private, shareable space named by an unguessable key that lives in
a link; it holds the scenarios a person uploaded, imported or edited (the YAML text and
its hash), their saved options and an append-only **decision log**. Everything is in one
database: a SQLite file by default, PostgreSQL when several servers share the work.

    >>> from govdecide.store import Store, headline_figures, content_hash
    >>> store = Store.open()                      # GOVDECIDE_DATABASE_URL or ./.govdecide/
    >>> ws = store.create_workspace()             # ws.key goes in the link
    >>> sc = ws.save_scenario(text, label="my_city.yaml")
    >>> ws.save_option("Plan A", scenario_id=sc.id, scenario_hash=sc.sha256,
    ...                settings=settings, figures=headline_figures(result))
    >>> ws.record_decision(scenario_id=sc.id, scenario_hash=sc.sha256,
    ...                    settings=settings, result=result, note="Adopted by council")
    >>> store.open_workspace(ws.key).decisions_frame()

Bad input raises :class:`govdecide.errors.ScenarioError` (catalogue messages); a
database that cannot be reached or written raises :class:`StoreUnavailable`, which the app
catches to say that work is not being saved while it goes on solving. No Streamlit here.
"""

from govdecide.store.backup import FORMAT as BACKUP_FORMAT
from govdecide.store.backup import Backup, parse_backup
from govdecide.store.database import (
    ENV_DATA_DIR,
    ENV_URL,
    StoreUnavailable,
    database_url,
    default_data_dir,
)
from govdecide.store.frames import DECISION_COLUMNS, OPTION_COLUMNS, decisions_frame, options_frame
from govdecide.store.maps import StoredMap, load_map, map_topology, save_map, save_scenario_with_map
from govdecide.store.migrate import head_revision, upgrade
from govdecide.store.records import (
    Decision,
    Limits,
    SavedOption,
    ScenarioInfo,
    StoredScenario,
    content_hash,
    headline_figures,
    plan_figures,
    software_versions,
)
from govdecide.store.room_records import RoomInfo, RoundInfo, SubmissionRecord
from govdecide.store.rooms import HostRoom, RoomStore, Seat
from govdecide.store.store import Store
from govdecide.store.stories import (
    Stories,
    StoryViewer,
    ViewerState,
    export_stories,
    import_stories,
    open_viewer,
)
from govdecide.store.story_backup import parse_stories
from govdecide.store.story_records import (
    Focus,
    Presentation,
    StepDraft,
    Story,
    StoryInfo,
    StoryLimits,
    StoryStep,
)
from govdecide.store.workspace import Workspace

__all__ = [
    "BACKUP_FORMAT",
    "DECISION_COLUMNS",
    "ENV_DATA_DIR",
    "ENV_URL",
    "OPTION_COLUMNS",
    "Backup",
    "Decision",
    "Focus",
    "HostRoom",
    "Limits",
    "Presentation",
    "RoomInfo",
    "RoomStore",
    "RoundInfo",
    "SavedOption",
    "ScenarioInfo",
    "Seat",
    "StepDraft",
    "Store",
    "StoreUnavailable",
    "StoredMap",
    "StoredScenario",
    "Stories",
    "Story",
    "StoryInfo",
    "StoryLimits",
    "StoryStep",
    "StoryViewer",
    "SubmissionRecord",
    "ViewerState",
    "Workspace",
    "content_hash",
    "database_url",
    "decisions_frame",
    "default_data_dir",
    "export_stories",
    "head_revision",
    "headline_figures",
    "import_stories",
    "load_map",
    "map_topology",
    "open_viewer",
    "options_frame",
    "parse_backup",
    "parse_stories",
    "plan_figures",
    "save_map",
    "save_scenario_with_map",
    "software_versions",
    "upgrade",
]
