"""The fuzz suite: hypothesis draws hostile inputs for each entry and checks the contract.

Run by ``tests/test_fuzz.py`` as a child process per target (``python -m
tests.io.fuzz_runner TARGET EXAMPLES``): the child limits its own address space and gives
each example a hang guard, so a memory bomb or an endless loop fails the test instead of
the machine. Draws are derandomized (the same examples on every run, so CI is
repeatable) and small (a few kilobytes), mutations of valid inputs with the atoms that
broke the server once (control characters, surrogates, aliases, huge and tiny numbers,
special digits, deep brackets). The contract is :mod:`tests.io.contract`.
"""

from __future__ import annotations

import json
import re
import signal
import sys
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.io import contract
from tests.io.hostile import make_hostile
from tests.io.hostile_runner import Hang, limit_memory

HANG_GUARD_S = 30  # per example; an example takes milliseconds
TALLY = {"accepted": 0, "refused": 0}  # what the examples gave (printed at the end)

# Pieces that broke an entry once, or sit on a boundary of one.
ATOMS = [
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1f",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "\ud800",
    "\udfff",
    "²",
    "③",
    "½",
    "Ⅻ",
    "１２",
    "％",
    "%",
    "1e-320",
    "5e-324",
    "1.0e-300",
    "1.0e+400",
    "1e400",
    "9" * 40,
    "1" * 4400,
    "nan",
    ".nan",
    "-.inf",
    "inf",
    "0",
    "-0",
    "1e15",
    "1e16",
    "0.000000001",
    "1:2:3",
    ":".join(["9"] * 60),
    "0x1F",
    "0o17",
    "0b101",
    "1_000",
    "=A1*2",
    "23.1",
    "250,000",
    "1,23",
    "&a",
    "*a",
    "&a [*a]",
    "[*a, *a]",
    "<<: *a",
    "? [x]\n: y",
    "!!int x",
    "!!float x",
    "!!binary x",
    "!!timestamp x",
    "2024-13-45",
    "!!set {a}",
    "[" * 30,
    "]" * 30,
    "{a: " * 25,
    "- " * 25,
    "\n",
    "\n  ",
    "\r\n",
    "\t",
    " ",
    ": ",
    ", ",
    "#",
    "'",
    '"',
    '"\\ud800"',
    '"\\x01"',
    '"\\uFFFE"',
    "|\n  x",
    ">\n  x",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    ",",
    ";",
    "|",
    '""',
    '","',
    '"a,b"',
]
piece = st.one_of(st.sampled_from(ATOMS), st.text(max_size=6))
# an edit of a text: (what, where in [0, 1], how long, what goes in)
op = st.tuples(
    st.sampled_from(["insert", "delete", "replace", "repeat", "value", "value"]),
    st.floats(0, 1),
    st.integers(0, 30),
    piece,
)


_VALUE = re.compile(r"(?<=: )[^,\n}\]]+")  # a value after 'key: ' (block or flow)


def mutate(base: str, ops: list[tuple[str, float, int, str]]) -> str:
    """``base`` with each edit applied in turn ("value" replaces one value after a
    ``key: ``, plain or as a double-quoted YAML escape of the piece)."""
    text = base
    for kind, where, length, new in ops:
        i = int(where * len(text))
        if kind == "value":
            found = list(_VALUE.finditer(text))
            if found:
                m = found[min(int(where * len(found)), len(found) - 1)]
                value = json.dumps(new) if length % 2 else new  # JSON strings are YAML
                text = text[: m.start()] + value + text[m.end() :]
        elif kind == "insert":
            text = text[:i] + new + text[i:]
        elif kind == "delete":
            text = text[:i] + text[i + length :]
        elif kind == "replace":
            text = text[:i] + new + text[i + length :]
        else:
            text = text[:i] + text[i : i + length] * 3 + text[i:]
    return text


# plain data a caller (or a JSON file) can hand over, hostile scalars included
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**16, -(10**16), 10**400, 2**1024, 0]),
    st.floats(),
    st.sampled_from([1e-320, 5e-324, 1e-300, 1e300, 1e15, 1e-9, float("nan"), float("inf")]),
    st.text(max_size=12),
    st.sampled_from(ATOMS),
)
# numbers at and near the door's limits: mostly accepted, so what follows is exercised
boundary = st.one_of(
    st.sampled_from([0, 1e-9, 1.0000001e-9, 9.9e-10, 1e15, 9.99e14, 1.01e15, 1e-6, 1e9, 1, 2]),
    st.floats(1e-9, 1e15),
    st.integers(0, 10**15),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path of nested data (to pick one to replace)."""
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out += paths(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += paths(v, prefix + (i,))
    return out


def replaced(data: Any, path: tuple, value: Any) -> Any:
    """A copy of ``data`` with the value at ``path`` replaced (the whole, for ())."""
    if not path:
        return value
    copy = json.loads(json.dumps(data))
    target = copy
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return copy


def changed_data(base: Any) -> st.SearchStrategy:
    """``base`` with one to three values replaced by drawn ones."""
    change = st.tuples(st.sampled_from(paths(base)[1:]), st.one_of(boundary, values))

    def apply(changes: list[tuple[tuple, Any]]) -> Any:
        data = base
        for path, value in changes:
            try:
                data = replaced(data, path, value)
            except (KeyError, IndexError, TypeError):
                continue  # an earlier change removed this path
        return data

    return st.lists(change, min_size=1, max_size=3).map(apply)


SCENARIO = make_hostile.SCENARIO
SCENARIO_DATA = {
    "format": "govdecide/v1",
    "name": {"en": "Testville", "zh": "测试市"},
    "indicators": [{"id": "elderly_share", "name": "Share aged 65+", "unit": "share"}],
    "districts": [
        {"id": "north", "name": "North", "population": 1000, "indicators": {"elderly_share": 0.2}},
        {"id": "south", "name": "South", "population": 2000, "indicators": {"elderly_share": 0.1}},
    ],
    "programs": [
        {"id": "clinic", "name": "Clinic", "unit_cost": 100, "capacity": 500,
         "need": {"indicator": "population"}, "max_units": 4},
        {"id": "care", "name": "Care", "unit_cost": 10, "capacity": 10,
         "need": {"indicator": "elderly_share", "per_capita": True}},
    ],
    "policy": {"budget": 500, "equity_weight": 0.3},
    "controls": [{"param": "policy.budget", "min": 0, "max": 1000, "step": 50}],
}  # fmt: skip
TABLE = make_hostile.TABLE_HEADER + (
    "North,1000,0.1,0.1,5\nSouth,2500,0.2,0.15,8\nEast,800,0.3,0.1,2\n"
)
FIELDS = [
    "ignore", "id", "name", "name_en", "name_zh", "population", "area_km2",
    "indicator:elderly_share", "indicator:children_share", "indicator:x", "indicator:Bad",
    "baseline:health_station", "baseline:nope", "junk",
]  # fmt: skip
COLUMNS = [*make_hostile.TABLE_HEADER.strip().split(","), "nope"]
UNITS = ["as_is", "percent", "thousands", "ten_thousands", "pct"]


def _options_base() -> dict:
    """A good options file as data: two saved options of the two-district test case and
    a three-year plan of it (its ``years`` and its settings' ``plan`` are fuzzed too)."""
    from govdecide import analyses as an
    from govdecide.model.engine import solve
    from govdecide.model.settings import Settings
    from tests.analyses.scenarios import two

    scenario = two(equity_weight=0)
    from govdecide.analyses.snapshots import plan_snapshot
    from govdecide.model.years import PlanSettings, solve_plan

    a = an.snapshot("A", Settings(), solve(scenario, Settings()), scenario="Two")
    b = an.snapshot("B", Settings(budget=12), solve(scenario, Settings(budget=12)))
    plan = PlanSettings(years=3, budget_by_year=(6.0, 6.0, 4.0), discount_rate=0.03)
    c = plan_snapshot("C", Settings(), plan, solve_plan(scenario, Settings(), plan))
    return json.loads(an.snapshots_to_json([a, b, c]))


@st.composite
def scenario_texts(draw: st.DrawFn) -> tuple[str, bool]:
    return mutate(SCENARIO, draw(st.lists(op, min_size=1, max_size=6))), draw(st.booleans())


def check_scenario_text(case: tuple[str, bool]) -> contract.Outcome:
    text, as_bytes = case
    if as_bytes:
        return contract.scenario_bytes(text.encode("utf-8", "surrogatepass"))
    return contract.scenario_text(text)


@st.composite
def tables(draw: st.DrawFn) -> tuple[bytes, str, dict, dict]:
    text = mutate(TABLE, draw(st.lists(op, min_size=0, max_size=6)))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]))
    data = text.encode(encoding, "surrogatepass" if encoding == "utf-8" else "replace")
    name = draw(st.sampled_from(["t.csv", "t.tsv", "t.txt", "t", "t.xls", "t.pdf"]))
    mapping = draw(st.dictionaries(st.sampled_from(COLUMNS), st.sampled_from(FIELDS), max_size=2))
    units = draw(st.dictionaries(st.sampled_from(COLUMNS), st.sampled_from(UNITS), max_size=2))
    return data, name, mapping, units


def check_table(case: tuple[bytes, str, dict, dict]) -> contract.Outcome:
    return contract.table(*case)


cells = st.one_of(st.sampled_from(ATOMS), st.text(max_size=8), st.integers(-5, 10**6).map(str))


@st.composite
def workbooks(draw: st.DrawFn) -> bytes:
    rows = [line.split(",") for line in TABLE.strip().split("\n")]
    for _ in range(draw(st.integers(0, 3))):  # a few cells replaced
        row = draw(st.integers(0, len(rows) - 1))
        rows[row][draw(st.integers(0, len(rows[row]) - 1))] = draw(cells)
    rows += draw(st.lists(st.lists(cells, min_size=1, max_size=6), max_size=2))
    body = "".join(make_hostile._sheet_cells(i + 1, r) for i, r in enumerate(rows))
    sheet = f"<worksheet xmlns='{make_hostile.SHEET_NS}'><sheetData>{body}</sheetData></worksheet>"
    sheet = mutate(sheet, draw(st.lists(op, max_size=3)))
    return make_hostile._xlsx(sheet.encode("utf-8", "surrogatepass"))


def check_workbook(data: bytes) -> contract.Outcome:
    return contract.table(data, "t.xlsx")


def scenario_datas() -> st.SearchStrategy:
    return changed_data(SCENARIO_DATA)


editor_cells = st.tuples(
    st.sampled_from(["districts", "programs", "policy"]),
    st.sampled_from(
        ["id", "name_en", "name_zh", "population", "ind:elderly_share", "base:health_station",
         "unit_cost", "capacity", "need_indicator", "scale", "max_units", "budget",
         "equity_weight", "integer", "per_capita"]
    ),
    st.integers(0, 11),
    values,
)  # fmt: skip


def check_editor(changes: list) -> contract.Outcome:
    return contract.editor(changes)


def option_files(base: dict) -> st.SearchStrategy:
    as_text = changed_data(base).map(lambda d: json.dumps(d, ensure_ascii=True, allow_nan=True))
    mutated = st.lists(op, min_size=1, max_size=4).map(lambda ops: mutate(json.dumps(base), ops))
    return st.one_of(as_text, mutated)


query_keys = st.one_of(
    st.sampled_from(["budget", "staff", "equity", "w.health_station", "w.elderly_care", "w.x"]),
    st.text(max_size=6),
)
query_values = st.one_of(
    st.sampled_from(ATOMS), st.text(max_size=12), st.floats().map(repr), st.integers().map(str)
)
links = st.dictionaries(query_keys, query_values, max_size=5)


def targets() -> dict[str, tuple[st.SearchStrategy, Callable[[Any], Any]]]:
    """Each target: what is drawn, and the check of one draw."""
    return {
        "scenario_text": (scenario_texts(), check_scenario_text),
        "scenario_data": (scenario_datas(), contract.scenario_data),
        "table_csv": (tables(), check_table),
        "table_xlsx": (workbooks(), check_workbook),
        "editor": (st.lists(editor_cells, min_size=1, max_size=3), check_editor),
        "options": (option_files(_options_base()), contract.options),
        "link": (links, contract.link),
    }


def _on_alarm(signum: int, frame: object) -> None:
    raise Hang(f"an example took more than {HANG_GUARD_S} s")


def run(target: str, examples: int) -> None:
    """Draw ``examples`` inputs for ``target`` and check each; raises on the first
    broken contract (hypothesis prints the smallest input it finds)."""
    strategy, check = targets()[target]

    def guarded(case: Any) -> None:
        signal.alarm(HANG_GUARD_S)
        try:
            outcome = check(case)
        finally:
            signal.alarm(0)
        if outcome is not None:
            TALLY["accepted" if outcome.accepted else "refused"] += 1

    test = settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )(given(strategy)(guarded))
    test()


if __name__ == "__main__":
    limit_memory()
    signal.signal(signal.SIGALRM, _on_alarm)
    run(sys.argv[1], int(sys.argv[2]))
    accepted, refused = TALLY["accepted"], TALLY["refused"]
    print(f"{sys.argv[1]}: contract kept ({accepted} accepted, {refused} refused)")
