"""Present says what more budget buys in the same words and figure as Allocate (issue 11).

Both pages take the sentence from one builder (``summary.extra_budget_sentence``) on the
same re-solve with one budget step more; before, Present estimated it from the budget's
marginal value while Allocate re-solved, so the two screens disagreed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from govdecide import Allocator, load_scenario
from govdecide.present.summary import budget_step, extra_budget, extra_budget_sentence
from ui import controls, solving
from ui.text import md_escape

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "app.py")


def _expected_sentence(lang: str, budget: float) -> str:
    scenario = load_scenario(ROOT / "scenarios" / "riverton.yaml")
    specs = controls.control_specs(scenario, lang)
    values = {s.param: s.default for s in specs} | {"policy.budget": budget}
    settings = solving.interactive(controls.settings_from_values(values))
    allocator = Allocator(scenario)
    result = allocator.solve(settings)
    step = budget_step(scenario, result.budget)
    after = allocator.solve(settings.with_(budget=result.budget + step))
    extra = extra_budget(scenario, result, settings, after)
    assert extra is not None and extra.basis == "resolve"
    return extra_budget_sentence(scenario, extra, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_present_and_allocate_say_the_same_about_more_budget(lang):
    sentence = md_escape(_expected_sentence(lang, 50_000.0))
    pages = {}
    for page in ("app_pages/allocate.py", "app_pages/present.py"):
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params["lang"] = lang
        at.query_params["budget"] = "50000"
        at.run()
        at.switch_page(page).run()
        assert not at.exception
        pages[page] = "\n".join(m.value for m in at.markdown)
    for page, text in pages.items():
        assert sentence in text, (page, sentence, text[:2000])
