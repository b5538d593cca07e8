"""``options add`` and ``record`` with the plan's options keep a plan over years (issue 14).

The town is tests/store/test_plan_records.py's: one station of 100 places for 200 people
costs 10 and 6 a year to run; with 10 a year for 2 years the plan builds one in year 1
and pays its running cost in year 2 (spend 10 + 6 = 16 of 20), E = z = 50% in year 2.
On SQLite and PostgreSQL (the store tests' ``db_url``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import URL

from govdecide.model.years import PlanSettings
from tests.cli.test_store_cli import listed, new_key, run
from tests.store.conftest import db_url, full_url, postgres_server  # noqa: F401 (fixtures)
from tests.store.test_plan_records import ONE

PLAN_ARGS = ("--years", "2", "--budget-by-year", "10,10", "--discount-rate", "0.03", "--no-growth")
PLAN = PlanSettings(years=2, budget_by_year=(10.0, 10.0), discount_rate=0.03, growth=False)
WORDS = "2-year plan, budget 10 each year, discount 3%, need growth off"


@pytest.fixture
def db(db_url: URL) -> str:  # noqa: F811 (the imported fixture)
    return full_url(db_url)


@pytest.fixture
def town(tmp_path: Path) -> Path:
    path = tmp_path / "one.yaml"
    path.write_text(ONE, encoding="utf-8")
    return path


def test_options_add_with_the_plan_options_keeps_a_plan(capsys, db, town):
    key = new_key(capsys, db)
    code, out, _ = run(capsys, "options", "add", key, "--scenario", str(town), "--name", "Plan",
                       *PLAN_ARGS, "--db", db)  # fmt: skip
    assert code == 0, out
    assert "Over 2 years: spent 16 of 20. In year 2: efficiency E 50.0%" in out
    assert f"{WORDS}; spent 16 of 20 over the 2 years" in out
    # the file says years: 2, so an option of one year asks for it, as solve does
    code, out, _ = run(capsys, "options", "add", key, "--scenario", str(town), "--name", "Year",
                       "--years", "1", "--db", db)  # fmt: skip
    assert code == 0
    plan, year = listed(capsys, db, key, "options")
    assert PlanSettings.from_dict(plan["settings"]["plan"]) == PLAN
    assert plan["figures"]["spend_total"] == pytest.approx(16)
    assert "plan" not in year["settings"] and "years" not in year["figures"]
    code, out, _ = run(capsys, "options", "list", key, "--db", db)
    lines = out.splitlines()
    assert code == 0 and "plan" in lines[0].split()
    assert WORDS in lines[2] and WORDS not in lines[3]
    code, out, _ = run(capsys, "options", "list", key, "--db", db, "--format", "csv")
    head = out.splitlines()[0].split(",")
    assert head[:3] == ["id", "name", "plan"] and "plan.years" in head and "spend_total" in head


def test_record_with_the_plan_options_logs_a_plan_in_both_languages(capsys, db, town):
    key = new_key(capsys, db)
    code, out, _ = run(capsys, "record", key, "--scenario", str(town), "--note", "Adopted",
                       *PLAN_ARGS, "--db", db)  # fmt: skip
    assert code == 0 and "Recorded decision #1" in out
    (entry,) = listed(capsys, db, key, "decisions")
    assert PlanSettings.from_dict(entry["settings"]["plan"]) == PLAN
    assert entry["figures"]["years"] == 2 and entry["figures"]["budget_year_2"] == 10
    assert entry["status"] == "optimal"
    code, out, _ = run(capsys, "decisions", key, "--db", db)
    assert code == 0 and WORDS in out
    code, out, _ = run(capsys, "--lang", "zh", "decisions", key, "--db", db)
    assert code == 0 and "2 年规划，每年预算 10，贴现率 3%，不计需求增长" in out
    code, out, _ = run(capsys, "decisions", key, "--db", db, "--format", "csv")
    head = out.splitlines()[0].split(",")
    assert head[head.index("status") + 1] == "plan" and "plan.discount_rate" in head


def test_a_bad_plan_option_is_said_and_nothing_is_kept(capsys, db, town):
    key = new_key(capsys, db)
    code, _, err = run(capsys, "record", key, "--scenario", str(town), "--years", "two",
                       "--db", db)  # fmt: skip
    assert code == 1 and "--years" in err and "Traceback" not in err
    assert listed(capsys, db, key, "decisions") == []
    assert listed(capsys, db, key, "scenarios") == []  # the file was not saved either


def test_a_file_that_says_years_is_kept_as_its_plan_as_solve_plans_it(capsys, db, town):
    """No plan option, but the file's policy.years is 2: the option is the file's plan,
    the same plan ``solve`` prints for the file."""
    key = new_key(capsys, db)
    code, out, _ = run(capsys, "options", "add", key, "--scenario", str(town), "--name", "File",
                       "--db", db)  # fmt: skip
    assert code == 0, out
    [option] = listed(capsys, db, key, "options")
    assert PlanSettings.from_dict(option["settings"]["plan"]).years is None  # the file's
    assert option["figures"]["years"] == 2
