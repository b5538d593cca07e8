"""The store's commands (issue 12): db upgrade, workspace new|export|import, scenarios,
options, decisions and record, on SQLite and on the real PostgreSQL.

``db_url`` is the store tests' fixture (tests/store/conftest.py): a private SQLite file, or
a fresh schema on the PostgreSQL server (skipped locally when none answers, failing under
``CI=true``). Commands run in process through ``cli.main``; one runs in a subprocess to
see what a user gets when the database is down (a message, no traceback).

The town (tests/cli/test_cli.py's, on paper, equity weight 0): clinics serve 1000 people
for 10 budget units (at most 20 per district, 2 staff each of 100), grants 500 for 10;
each program's need is the population, so W = 3,000,000. Budget 300 buys 30 clinics:
30,000 people newly served, E = 0.01; budget 200 buys 20 (20,000), 100 buys 10 (10,000).
How the clinics split between the districts is not unique, so only totals are checked.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import URL

from govdecide import Settings, load_scenario, solve
from govdecide.cli import main
from govdecide.store import content_hash, headline_figures
from tests.store.conftest import db_url, full_url, postgres_server  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
RIVERTON = ROOT / "scenarios" / "riverton.yaml"
RIVERTON_HASH = content_hash(RIVERTON.read_bytes().decode("utf-8"))

TOWN = """\
format: govdecide/v1
name: {en: CLI town, zh: 命令行镇}
districts:
  - {id: north, name: North, population: 1000000}
  - {id: south, name: South, population: 500000}
programs:
  - {id: clinic, name: Clinic, unit_cost: 10, capacity: 1000, integer: true,
     staff_per_unit: 2, need: {indicator: population}, max_units: 20}
  - {id: grant, name: Grant, unit_cost: 10, capacity: 500, need: {indicator: population}}
policy: {budget: 300, staff: 100, equity_weight: 0}
"""


@pytest.fixture
def db(db_url: URL) -> str:  # noqa: F811 (the imported fixture)
    """The test's empty database as a --db value."""
    return full_url(db_url)


@pytest.fixture
def town(tmp_path: Path) -> Path:
    path = tmp_path / "town.yaml"
    path.write_text(TOWN, encoding="utf-8")
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """One command in process: exit code, stdout, stderr."""
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def new_key(capsys, db: str) -> str:
    code, out, err = run(capsys, "workspace", "new", "--db", db)
    assert code == 0 and "only way in" in err
    return out.strip()


def listed(capsys, db: str, key: str, what: str) -> list[dict]:
    """``options list`` / ``decisions`` / ``scenarios list`` as JSON."""
    argv = {"options": ["options", "list"], "scenarios": ["scenarios", "list"]}.get(what, [what])
    code, out, _ = run(capsys, *argv, key, "--db", db, "--format", "json")
    assert code == 0
    return json.loads(out)


# -- options add then options list --------------------------------------------------------


def test_options_add_then_list_json_round_trips(capsys, db, town):
    """A town file (solved on paper, see the module) and bundled Riverton: the listed
    options carry the names, the scenarios cited, the settings given and the figures of
    the solve; the town file is now saved in the workspace, Riverton is not."""
    key = new_key(capsys, db)
    code, out, _ = run(capsys, "options", "add", key, "--scenario", str(town),
                       "--name", "Thirty clinics", "--db", db)  # fmt: skip
    assert code == 0 and 'Saved the option "Thirty clinics"' in out and "CLI town" in out
    code, out, _ = run(capsys, "options", "add", key, "--scenario", "riverton", "--name", "Plan A",
                       "--budget", "30000", "--equity-weight", "0.5", "--db", db)  # fmt: skip
    assert code == 0
    options = listed(capsys, db, key, "options")
    assert [o["name"] for o in options] == ["Thirty clinics", "Plan A"]
    town_option, plan_a = options
    assert town_option["figures"]["people_newly_served"] == pytest.approx(30_000)
    assert town_option["figures"]["efficiency"] == pytest.approx(0.01)
    assert town_option["figures"]["budget_used"] == pytest.approx(300)
    assert town_option["settings"]["budget"] is None  # as in the scenario
    assert town_option["scenario_hash"] == content_hash(TOWN)
    assert plan_a["scenario_id"] == "riverton" and plan_a["scenario_hash"] == RIVERTON_HASH
    assert plan_a["settings"]["budget"] == 30000 and plan_a["settings"]["equity_weight"] == 0.5
    expected = headline_figures(solve(load_scenario(RIVERTON),
                                      Settings(budget=30000, equity_weight=0.5)))  # fmt: skip
    assert plan_a["figures"] == pytest.approx(expected)
    stored = listed(capsys, db, key, "scenarios")
    assert [(s["id"], s["label"]) for s in stored] == [(town_option["scenario_id"], "town.yaml")]


def test_a_scenario_in_the_workspace_is_named_by_id_or_hash(capsys, db, town):
    """After ``scenarios add``, its id and its hash both name it; the same name saved
    again for the same scenario replaces the option (one option, the new settings)."""
    key = new_key(capsys, db)
    code, out, _ = run(capsys, "scenarios", "add", key, str(town), "--db", db)
    assert code == 0 and "CLI town" in out
    [scenario] = listed(capsys, db, key, "scenarios")
    for ref, budget in ((scenario["id"], "200"), (scenario["sha256"], "100")):
        code, out, _ = run(capsys, "options", "add", key, "--scenario", ref, "--name", "A",
                           "--budget", budget, "--db", db)  # fmt: skip
        assert code == 0
    assert "Replaced the option" in out
    [option] = listed(capsys, db, key, "options")
    assert option["settings"]["budget"] == 100 and option["scenario_id"] == scenario["id"]
    assert option["figures"]["people_newly_served"] == pytest.approx(10_000)  # 10 clinics
    assert len(listed(capsys, db, key, "scenarios")) == 1


def test_a_path_to_a_bundled_file_is_the_bundled_scenario(capsys, db):
    key = new_key(capsys, db)
    assert run(capsys, "options", "add", key, "--scenario", str(RIVERTON), "--name", "A",
               "--db", db)[0] == 0  # fmt: skip
    [option] = listed(capsys, db, key, "options")
    assert option["scenario_id"] == "riverton" and option["scenario_hash"] == RIVERTON_HASH
    assert listed(capsys, db, key, "scenarios") == []


def test_an_infeasible_option_is_reported_and_not_saved(capsys, db):
    """Riverton with no staff cannot keep its promised school places: exit 2, the
    diagnosis as solve prints it, nothing saved (not even the scenario)."""
    key = new_key(capsys, db)
    code, out, err = run(capsys, "options", "add", key, "--scenario", "riverton", "--name", "A",
                         "--staff", "0", "--db", db)  # fmt: skip
    assert code == 2 and out == ""
    assert "Infeasible" in err and "raise the staff" in err and "Nothing was saved" in err
    assert listed(capsys, db, key, "options") == []


def test_list_formats_table_and_csv(capsys, db):
    """The table is for a person (translated headings, rounded figures), the CSV for a
    spreadsheet: a name that starts like a formula is kept as text."""
    key = new_key(capsys, db)
    run(capsys, "options", "add", key, "--scenario", "riverton", "--name", "=SUM(A1)",
        "--budget", "30000", "--db", db)  # fmt: skip
    code, out, _ = run(capsys, "options", "list", key, "--db", db)
    assert code == 0 and "=SUM(A1)" in out and "30,000" in out and "riverton" in out
    code, out, _ = run(capsys, "--lang", "zh", "options", "list", key, "--db", db)
    assert "方案" in out and "新增服务人数" in out
    code, out, _ = run(capsys, "options", "list", key, "--db", db, "--format", "csv")
    header, row = out.splitlines()
    assert header.startswith("id,name,saved_at,scenario_id") and ",'=SUM(A1)," in row


# -- decisions and record -----------------------------------------------------------------


def test_record_then_decisions_in_each_format(capsys, db, town):
    """Two entries, the second a correction of the first; the log lists both in order."""
    key = new_key(capsys, db)
    code, out, _ = run(capsys, "record", key, "--scenario", str(town), "--note",
                       "Adopted by council\non 3 May", "--db", db)  # fmt: skip
    assert code == 0 and "Recorded decision #1" in out
    code, out, _ = run(capsys, "record", key, "--scenario", str(town), "--budget", "200",
                       "--note", "Correction of #1: budget 200", "--db", db)  # fmt: skip
    assert code == 0 and "#2" in out
    log = listed(capsys, db, key, "decisions")
    assert [(d["seq"], d["note"]) for d in log] == [
        (1, "Adopted by council\non 3 May"), (2, "Correction of #1: budget 200")
    ]  # fmt: skip
    assert log[0]["status"] == "optimal" and log[0]["solver"] == "highs"
    assert log[1]["figures"]["people_newly_served"] == pytest.approx(20_000)
    assert set(log[0]["versions"]) == {"govdecide", "pulp", "highs"}
    code, out, _ = run(capsys, "decisions", key, "--db", db)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 4 and "Adopted by council on 3 May" in lines[2]
    code, out, _ = run(capsys, "decisions", key, "--db", db, "--format", "csv")
    assert (
        out.splitlines()[0].startswith("seq,recorded_at,scenario_id") and len(out.splitlines()) == 3
    )


# -- workspace export then import ---------------------------------------------------------


def _fill(capsys, db: str, town: Path) -> str:
    """A workspace with a saved file scenario, options of it and of Riverton, decisions."""
    key = new_key(capsys, db)
    for argv in (
        ["options", "add", key, "--scenario", str(town), "--name", "Town plan"],
        ["options", "add", key, "--scenario", "riverton", "--name", "Plan A", "--budget", "30000"],
        ["record", key, "--scenario", "riverton", "--budget", "30000", "--note", "Adopted"],
        ["record", key, "--scenario", str(town), "--note", "说明：第二条"],
    ):
        assert run(capsys, *argv, "--db", db)[0] == 0
    return key


def _content(capsys, db: str, key: str) -> tuple[list, list, list]:
    """What a restore must bring back (option ids are the new database's own)."""
    options = [
        {k: v for k, v in o.items() if k != "id"} for o in listed(capsys, db, key, "options")
    ]
    return listed(capsys, db, key, "scenarios"), options, listed(capsys, db, key, "decisions")


def test_workspace_export_then_import_into_an_empty_database_restores_everything(
    capsys, tmp_path, db, town
):
    """Filled on a SQLite database of its own, exported, imported into the test's empty
    database (SQLite or PostgreSQL): the same scenarios, options and decisions, under a
    new key; the backup is readable by its owner only and holds no key."""
    source = f"sqlite:///{tmp_path / 'source' / 'source.sqlite3'}"
    key = _fill(capsys, source, town)
    backup = tmp_path / "backup.json"
    code, out, _ = run(capsys, "workspace", "export", key, "--out", str(backup), "--db", source)
    assert code == 0 and "2 option(s)" in out and "2 decision(s)" in out
    assert key not in backup.read_text(encoding="utf-8")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    code, out, err = run(capsys, "workspace", "import", str(backup), "--db", db)
    assert code == 0 and "1 scenario(s), 2 option(s), 2 decision(s)" in err
    restored = out.strip()
    assert restored != key
    assert _content(capsys, db, restored) == _content(capsys, source, key)


def test_import_keeping_the_key_opens_the_old_links(capsys, tmp_path, db, town):
    """After a lost database: --keep-key restores under the old key; twice is refused."""
    source = f"sqlite:///{tmp_path / 'lost.sqlite3'}"
    key = _fill(capsys, source, town)
    backup = tmp_path / "b.json"
    run(capsys, "workspace", "export", key, "--out", str(backup), "--db", source)
    code, out, err = run(capsys, "workspace", "import", str(backup), "--keep-key", "--db", db)
    assert code == 0 and out == "" and "old key" in err
    assert _content(capsys, db, key) == _content(capsys, source, key)
    code, _, err = run(capsys, "workspace", "import", str(backup), "--keep-key", "--db", db)
    assert code == 1 and "b.json: key_sha256: the workspace of this backup still exists" in err


def test_a_bad_backup_is_refused_in_words_and_writes_nothing(capsys, tmp_path, db):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "govdecide-workspace/v1", "scenarios": 3}', encoding="utf-8")
    code, out, err = run(capsys, "--lang", "zh", "workspace", "import", str(bad), "--db", db)
    assert code == 1 and out == ""
    assert "bad.json: key_sha256: 缺少必填项" in err and "Traceback" not in err


BYTES = st.binary(max_size=200) | st.text(max_size=200).map(lambda s: s.encode("utf-8"))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(BYTES)
def test_any_file_imports_or_is_refused_with_exit_1(capsys, tmp_path, data):
    """Whatever the file holds: exit 0 with a key, or exit 1 with a message."""
    path = tmp_path / "any.json"
    path.write_bytes(data)
    db = f"sqlite:///{tmp_path / 'fuzz.sqlite3'}"
    code, out, err = run(capsys, "workspace", "import", str(path), "--db", db)
    assert (code, out == "") in ((0, False), (1, True))
    assert err.strip()


# -- the database and the key -------------------------------------------------------------


def test_db_upgrade_creates_the_default_database_in_the_data_dir(capsys, tmp_path, monkeypatch):
    """Without --db and GOVDECIDE_DATABASE_URL: the SQLite file in GOVDECIDE_DATA_DIR, as
    the app; every later command finds it there."""
    monkeypatch.delenv("GOVDECIDE_DATABASE_URL", raising=False)
    monkeypatch.setenv("GOVDECIDE_DATA_DIR", str(tmp_path / "data"))
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0 and "schema revision" in out
    assert (tmp_path / "data" / "govdecide.sqlite3").is_file()
    key = run(capsys, "workspace", "new")[1].strip()
    assert run(capsys, "options", "list", key)[0] == 0


def test_the_database_url_comes_from_the_environment(capsys, db, monkeypatch):
    monkeypatch.setenv("GOVDECIDE_DATABASE_URL", db)
    key = run(capsys, "workspace", "new")[1].strip()
    assert run(capsys, "options", "list", key, "--db", db)[1].strip() == "(none yet)"


def test_a_missing_sqlite_file_is_said_and_not_created(capsys, tmp_path):
    missing = tmp_path / "typo" / "store.sqlite3"
    code, _, err = run(capsys, "decisions", "k" * 32, "--db", f"sqlite:///{missing}")
    assert code == 1 and "there is no database at" in err
    assert not missing.parent.exists()


def test_a_wrong_key_is_said_without_repeating_it(capsys, db):
    new_key(capsys, db)
    wrong = "W" * 32
    code, _, err = run(capsys, "options", "list", wrong, "--db", db)
    assert code == 1 and "no workspace opens with this key" in err and wrong not in err


def test_an_unknown_scenario_lists_the_bundled_ones(capsys, db):
    key = new_key(capsys, db)
    code, _, err = run(capsys, "record", key, "--scenario", "atlantis", "--db", db)
    assert code == 1 and "atlantis is neither a scenario file" in err and "riverton" in err


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgresql://govdecide:secret@127.0.0.1:1/none", "Cannot reach the database"),
        ("mysql://localhost/x", "The database address cannot be used"),
    ],
)
def test_an_unusable_database_is_a_message_and_exit_1(url, words):
    """In a subprocess, as a user runs it: the message (password hidden), no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "govdecide", "options", "list", "k" * 32, "--db", url],
        capture_output=True, text=True, cwd=ROOT, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert words in done.stderr and "Traceback" not in done.stderr
    assert "secret" not in done.stderr


@pytest.mark.parametrize("url", ["postgresql://u@h:port/db", "", "mysql://h/x", "sqlite://"])
def test_a_url_that_cannot_be_used_is_said(capsys, url):
    """A port that is no number made SQLAlchemy raise ValueError, not its ArgumentError:
    a traceback here, and in the app for such a GOVDECIDE_DATABASE_URL."""
    code, out, err = run(capsys, "workspace", "new", "--db", url)
    assert code == 1 and out == "" and "The database address cannot be used" in err


def test_in_chinese(capsys, db):
    code, out, err = run(capsys, "--lang", "zh", "workspace", "new", "--db", db)
    assert code == 0 and "密钥" in err
    code, _, err = run(capsys, "--lang", "zh", "options", "list", "W" * 32, "--db", db)
    assert code == 1 and "没有与该密钥对应的工作区" in err


# -- terminal safety ----------------------------------------------------------------------

# What scenario files let in but a terminal acts on (see tests/cli/test_terminal_safety.py):
# the one-byte CSI U+009B and the right-to-left override, here in the scenario's name.
HOSTILE = TOWN.replace("{en: CLI town, zh: 命令行镇}", '"Town\\x9b2J\\u202e"')


def test_names_from_a_workspace_are_printed_terminal_safe(capsys, db, tmp_path):
    path = tmp_path / "t\u202eown.yaml"
    path.write_text(HOSTILE, encoding="utf-8")
    key = new_key(capsys, db)
    printed = ""
    for argv in (
        ["options", "add", key, "--scenario", str(path), "--name", "A"],
        ["record", key, "--scenario", str(path)],
        ["scenarios", "list", key],
        ["scenarios", "list", key, "--format", "json"],
    ):
        code, out, err = run(capsys, *argv, "--db", db)
        assert code == 0, err
        printed += out + err
    assert "Town\ufffd2J\ufffd" in printed
    assert not [c for c in printed if 0x7F <= ord(c) <= 0x9F or 0x202A <= ord(c) <= 0x202E]
    assert json.loads(out)[0]["name"] == "Town\x9b2J\u202e"  # json keeps it, escaped


def test_a_new_key_never_starts_with_a_dash(monkeypatch):
    """A key starting with '-' (1 in 64 of token_urlsafe's) reads as an option to every
    command line, so `options list -Xyz...` failed as a usage error; such a draw is made
    again. (Found as a flaky run of this file.)"""
    from govdecide.store import store as store_module

    draws = iter(["-" + "a" * 31, "--" + "b" * 30, "c" * 32])
    monkeypatch.setattr(store_module.secrets, "token_urlsafe", lambda _n: next(draws))
    assert store_module.new_key() == "c" * 32


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_scenarios_list_says_a_bundled_file_kept_for_a_story(capsys, db, lang):
    """A story step keeps the bundled file it cites (origin ``bundled``); the list says so
    in words, in both languages."""
    from govdecide.store import Store

    key = new_key(capsys, db)
    with Store.open(db) as store:
        text = RIVERTON.read_text(encoding="utf-8")
        store.open_workspace(key).save_scenario(text, label="riverton.yaml", origin="bundled")
    code, out, _ = run(capsys, "--lang", lang, "scenarios", "list", key, "--db", db)
    assert code == 0
    assert ("bundled, kept for a story" if lang == "en" else "内置，为故事保留") in out
