"""The data pages (issue 5), run headless with Streamlit's AppTest.

Uploads are simulated with AppTest's file uploader; table edits by giving the keyed data
editor its editing state (what the browser sends when a cell changes).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from govdecide import load_scenario
from govdecide.io.scenario import scenario_to_yaml
from govdecide.store import content_hash

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")
RIVERTON = ROOT / "scenarios" / "riverton.yaml"
BAD = ROOT / "tests" / "io" / "bad_tables"
TIMEOUT = 120
BUNDLED = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))


def open_page(page: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def uploader(at: AppTest, key: str):
    return next(u for u in at.file_uploader if u.key == key)


def picker(at: AppTest):
    """The sidebar's scenario picker: its value is the current scenario's key, its options
    the scenarios' labels (names)."""
    return next(s for s in at.selectbox if (s.key or "").startswith("scenario_picker:"))


def added(at: AppTest) -> list[str]:
    """The labels the picker offers beyond the bundled scenarios (this session's own)."""
    return picker(at).options[len(BUNDLED) :]


def key_starting(at: AppTest, kind: str, prefix: str) -> str:
    return next(w.key for w in getattr(at, kind) if (w.key or "").startswith(prefix))


def bullet_text(at: AppTest) -> str:
    """All Markdown of the page with the escaping of user text undone (md_escape)."""
    return re.sub(r"\\(.)", r"\1", "\n".join(m.value for m in at.markdown))


def test_upload_valid_yaml_joins_the_picker():
    """A renamed copy of Riverton becomes the current scenario under its file name (it is
    kept in the workspace, so that name works in a link)."""
    scenario = load_scenario(RIVERTON)
    data = scenario_to_yaml(scenario.model_copy(update={"name": "My town"})).encode()
    at = open_page("app_pages/data.py")
    uploader(at, "io_upload_yaml").upload("my_town.yaml", data, "application/x-yaml").run()
    assert not at.exception
    assert "'My town' was added to the scenario list" in at.success[0].value
    assert picker(at).value == "my_town"
    assert added(at) == ["My town"]
    # the file stays in the uploader: the next run does not add it again
    at.run()
    assert "already in the scenario list" in at.info[0].value
    assert added(at) == ["My town"]


def test_upload_bad_yaml_lists_every_problem_with_lines():
    """Two mistakes (population -5 on line 6, an unknown key on line 7), and what follows
    from the first (no district with need, so nothing to allocate): all three listed."""
    text = (
        "format: govdecide/v1\n"
        "name: Broken\n"
        "districts:\n"
        "  - id: north\n"
        "    name: North\n"
        "    population: -5\n"
        "    populaton: 7\n"
        "programs:\n"
        "  - {id: clinic, name: Clinic, unit_cost: 1, capacity: 10,\n"
        "     need: {indicator: population}}\n"
        "policy: {budget: 10}\n"
    )
    at = open_page("app_pages/data.py")
    uploader(at, "io_upload_yaml").upload("broken.yaml", text.encode(), "text/yaml").run()
    assert not at.exception
    assert "3 problem(s) to fix" in at.error[0].value
    listed = bullet_text(at)
    assert "population" in listed and "(line 6)" in listed
    assert "populaton" in listed and "(line 7)" in listed
    assert added(at) == [] and picker(at).value == "riverton"


def test_upload_not_utf8_and_too_large():
    """The page states the 5 MB limit before the upload (caption and uploader label) and
    refuses a larger file and a non-UTF-8 file with the loader's own messages."""
    at = open_page("app_pages/data.py")
    assert "at most 5 MB" in "\n".join(c.value for c in at.caption)
    assert "at most 5 MB" in uploader(at, "io_upload_yaml").label
    uploader(at, "io_upload_yaml").upload("x.yaml", b"name: \xff\xfe\n", "text/yaml").run()
    assert "not UTF-8" in bullet_text(at)
    big = b"# " + b"x" * (5 * 1024 * 1024) + b"\n"
    uploader(at, "io_upload_yaml").upload("big.yaml", big, "text/yaml").run()
    assert "larger than 5 MB" in bullet_text(at)


def test_table_with_bad_rows_lists_rows_and_adds_nothing():
    at = open_page("app_pages/data.py")
    data = (BAD / "bad_rows.csv").read_bytes()
    uploader(at, "io_upload_table").upload("bad_rows.csv", data, "text/csv").run()
    at.button(key=key_starting(at, "button", "io_build_")).click().run()
    assert not at.exception
    assert "5 problem(s)" in at.error[0].value
    listed = bullet_text(at)
    assert "row 3, column population: the cell is empty" in listed
    assert "row 5: the district name 'North' is used twice (first in row 2)" in listed
    assert added(at) == [] and picker(at).value == "riverton"


def test_unreadable_table_says_how_to_save():
    at = open_page("app_pages/data.py")
    data = (BAD / "latin1.csv").read_bytes()
    uploader(at, "io_upload_table").upload("latin1.csv", data, "text/csv").run()
    assert "CSV UTF-8" in bullet_text(at)


def test_table_guesses_prefill_the_mapping_and_build_solves():
    """Chinese headers: the select boxes start at the guesses; the built scenario becomes
    current, and the downloads page solves it and offers every file."""
    at = open_page("app_pages/data.py")
    data = (BAD / "gbk_chinese_headers.csv").read_bytes()
    uploader(at, "io_upload_table").upload("gbk.csv", data, "text/csv").run()
    boxes = {s.label: s.value for s in at.selectbox}
    assert boxes["区"] == "name"
    assert boxes["常住人口（万人）"] == "population"
    assert boxes["65岁以上人口占比"] == "indicator:elderly_share"
    at.button(key=key_starting(at, "button", "io_build_")).click().run()
    assert not at.exception
    assert "was added to the scenario list" in at.success[0].value
    assert "multiplied by 10,000" in bullet_text(at)  # notes are shown, not hidden
    assert picker(at).value == "gbk"

    at.switch_page("app_pages/export.py").run()
    assert not at.exception
    assert at.title[0].value == "Downloads and report: gbk"
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["Allocation (CSV)", "District summary (CSV)", "Everything (Excel)"]
    at.button(key="io_prepare").click().run()
    assert not at.exception
    labels = [d.label for d in at.get("download_button")]
    assert "Download the report (HTML)" in labels
    assert labels.count("SVG") == 3 and labels.count("PNG") == 3


def test_mapping_override_in_the_page():
    """Setting the population column to '(not used)' makes the build say what is missing."""
    at = open_page("app_pages/data.py")
    data = (BAD / "utf8_bom_chinese_headers.csv").read_bytes()
    uploader(at, "io_upload_table").upload("t.csv", data, "text/csv").run()
    box = next(s for s in at.selectbox if s.label == "人口")
    box.set_value("ignore").run()
    at.button(key=key_starting(at, "button", "io_build_")).click().run()
    assert "no column is mapped to population" in bullet_text(at)


def test_edit_policy_is_validated_then_used():
    """Budget 12,345 typed into the policy table: valid, 'use' adds 'riverton-edited' with
    that budget. A blank population is reported and nothing is added."""
    at = open_page("app_pages/data.py")
    policy_key = key_starting(at, "data_editor", "io_edit_policy_")
    at.session_state[policy_key] = {
        "edited_rows": {0: {"budget": 12345.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert "The edits are valid." in [c.value for c in at.caption]
    at.button(key=key_starting(at, "button", "io_use_")).click().run()
    assert not at.exception
    assert picker(at).value == "riverton-edited"
    at.switch_page("app_pages/export.py").run()  # the other pages work on the edited one
    assert not at.exception
    assert any("(budget 12,345, equity weight" in m.value for m in at.markdown)

    at2 = open_page("app_pages/data.py")
    districts_key = key_starting(at2, "data_editor", "io_edit_districts_")
    at2.session_state[districts_key] = {
        "edited_rows": {1: {"population": None}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at2.run()
    assert not at2.exception
    assert "nothing is used until they are fixed" in at2.error[0].value
    assert "Districts table, row 2: population: is required but missing" in bullet_text(at2)
    assert not [b for b in at2.button if (b.key or "").startswith("io_use_")]


@pytest.mark.parametrize("page", ["app_pages/data.py", "app_pages/export.py"])
def test_pages_in_chinese(page):
    at = open_page(page, "zh")
    assert at.title[0].value in ("我的数据", "下载与报告：河湾市")


def test_two_different_files_with_one_name_both_stay():
    """Two different scenarios both uploaded as 'town.yaml' get keys of their own: the
    first the file name, the second the file name and its id in the workspace (the first
    12 hex digits of its text's sha256)."""
    scenario = load_scenario(RIVERTON)
    first = scenario_to_yaml(scenario.model_copy(update={"name": "Town A"})).encode()
    second = scenario_to_yaml(scenario.model_copy(update={"name": "Town B"})).encode()
    at = open_page("app_pages/data.py")
    uploader(at, "io_upload_yaml").upload("town.yaml", first, "text/yaml").run()
    uploader(at, "io_upload_yaml").upload("town.yaml", second, "text/yaml").run()
    assert not at.exception
    assert added(at) == ["Town A", "Town B"]
    assert picker(at).value == f"town-{content_hash(second.decode())[:12]}"
