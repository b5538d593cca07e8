"""The command line's ``--jobs`` and ``--scheduler``: same output as one job, bad values
said in plain words (exit 1), a worker's failure as exit 3 with its message."""

from __future__ import annotations

import json

import pytest

from govdecide import analyses as an
from govdecide.analyses import parallel
from govdecide.cli import main
from govdecide.errors import Problem
from tests.conftest import SCENARIOS

pytestmark = pytest.mark.timeout(300)

RIVERTON = str(SCENARIOS / "riverton.yaml")


def json_of(capsys, *args: str) -> tuple[int, dict]:
    code = main([*args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_two_jobs_print_what_one_job_prints(capsys):
    """Two worker processes or this one: the same JSON, but for the clock."""
    args = ("robustness", RIVERTON, "--runs", "6", "--seed", "4", "--spread", "0.15")
    code1, one = json_of(capsys, *args, "--jobs", "1")
    code2, two = json_of(capsys, *args, "--jobs", "2")
    assert code1 == code2 == 0
    one.pop("seconds"), two.pop("seconds")
    assert one == two
    code1, one = json_of(capsys, "budget-curve", RIVERTON, "--points", "4", "--jobs", "1")
    code2, two = json_of(capsys, "budget-curve", RIVERTON, "--points", "4", "--jobs", "2")
    for data in (one, two):
        data.pop("seconds"), data.pop("models_built")
    assert code1 == code2 == 0 and one == two


def test_jobs_below_one_is_a_usage_error(capsys):
    assert main(["frontier", RIVERTON, "--jobs", "0"]) == 1
    assert "--jobs must be at least 1, got 0" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["frontier", "budget-curve", "min-budget", "robustness"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_analysis_prints_its_help(command, lang, capsys):
    """Help texts with a percent sign ("±10%") once made argparse fail on --help."""
    with pytest.raises(SystemExit) as done:
        main(["--lang", lang, command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "--format" in out
    if command != "min-budget":
        assert "--jobs" in out and "--scheduler" in out


def test_an_unreachable_scheduler_is_bad_input(monkeypatch, capsys):
    monkeypatch.setattr(parallel, "CONNECT_TIMEOUT_S", 2.0)
    monkeypatch.setenv(parallel.SCHEDULER_ENV, "tcp://127.0.0.1:9")
    assert main(["budget-curve", RIVERTON, "--points", "3"]) == 1
    assert "no Dask scheduler answers at tcp://127.0.0.1:9" in capsys.readouterr().err


def test_a_failed_worker_is_exit_code_3_with_its_message(monkeypatch, capsys):
    def lost(*args: object, **kwargs: object) -> None:
        raise an.AnalysisFailed([Problem("", "parallel_worker_lost", {"detail": "killed"})])

    monkeypatch.setattr(an, "frontier", lost)
    assert main(["--lang", "zh", "frontier", RIVERTON, "--jobs", "2"]) == 3
    assert "某个工作进程在求解完成前停止（killed）" in capsys.readouterr().err
