"""The report's section "the story we told": every step in order, escaped."""

from __future__ import annotations

import re

from govdecide import Allocator
from govdecide.store import Focus
from govdecide.story import tell_story
from govdecide.story.report_section import story_section

from .scenarios import step, two

HOSTILE = '<script>alert("x")</script> & <b onload=y>'


def _told(captions: tuple = ("", "")):
    scenario = two()
    steps = [
        step("Efficient", equity_weight=0.0, focus=Focus("district", "north")),
        step({"en": "Fair", "zh": "公平"}, equity_weight=0.5),
    ]
    steps = [s.__class__(**{**s.__dict__, "caption": c}) for s, c in zip(steps, captions)]
    return tell_story(steps, lambda s: scenario, lambda s, sc: Allocator(sc).solve)


def test_every_step_in_order_with_its_figures_and_what_changed():
    parts = story_section({"en": "Our workshop"}, _told(("Start here", "")), "en")
    html = "".join(parts)
    assert parts[0] == "<h2>The story we told: Our workshop</h2>"
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    assert len(rows) == 3  # the head and one row per step
    assert '<td>Efficient</td><td class="n">10</td><td class="n">0.00</td>' in rows[1]
    assert '<td class="n">33.3%</td><td class="n">33.3%</td><td class="n">33.3%</td>' in rows[2]
    assert html.index("Step 1 of 2: Efficient") < html.index("Step 2 of 2: Fair")
    assert "<p>Start here</p>" in html
    assert "<li>This is where the story starts.</li>" in html
    assert "<li>Look at North: coverage 0.0% → 100.0%" in html
    assert "<li>The price of fairness rose from 0.0% to 33.3% of the people served" in html


def test_in_chinese():
    html = "".join(story_section({"en": "Ours", "zh": "我们的"}, _told(), "zh"))
    assert "我们讲述的故事：我们的" in html and "第 2 步（共 2 步）：公平" in html


def test_a_caption_written_as_markup_is_shown_as_text():
    html = "".join(story_section(HOSTILE, _told((HOSTILE, HOSTILE)), "en"))
    assert "<script" not in html and "<b " not in html and "onload=y>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b onload=y&gt;" in html


def test_a_story_without_steps_has_no_section():
    assert story_section("Empty", [], "en") == []


def test_the_html_report_carries_the_story_as_its_last_section():
    """Issue 17: the report made with the story has the section "the story we told"
    after the result's, with the steps in order and the hostile caption escaped."""
    from govdecide.io.report import build_report
    from govdecide.story.report_section import story_report_part

    told = _told((HOSTILE, ""))
    part = story_report_part({"en": "Our workshop"}, told, "en")
    assert part is not None and part[0] == "The story we told: Our workshop"
    page, _ = build_report(two(), lang="en", sections=[part])
    assert "<h2>The story we told: Our workshop</h2>" in page
    assert page.index("Step 1 of 2: Efficient") < page.index("Step 2 of 2: Fair")
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    assert story_report_part("Empty", [], "en") is None
