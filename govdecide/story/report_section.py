"""The HTML report's section "the story we told": every step, in order, as it was shown.

:func:`story_section` returns the section's parts as HTML strings, each already escaped,
for :func:`govdecide.io.report.render_report` to place: the heading, one table with a row
per step (its settings and figures, and the price of fairness), then per step its title,
caption, the "what changed since the last step" sentences of :mod:`.changes` and what its
focus district shows. Every text, a trainer's caption as much as a district's name, goes
through :func:`esc` (one plain line, then :func:`html.escape` with quotes), the report's
own rule, so a caption written as markup is shown as text. A step that is a plan over
several years shows its plan's line (:func:`.plan_words.plan_line`) and sentences
(:func:`govdecide.present.plan_summary.plan_summary`); its row holds its last year.
"""

from __future__ import annotations

from collections.abc import Sequence

from govdecide.i18n import fmt_money, fmt_num, fmt_pct, fmt_people, localize, t
from govdecide.io.html_safe import esc
from govdecide.io.scenario import display_names
from govdecide.present.plan_summary import plan_summary
from govdecide.present.summary import budget_units
from govdecide.store.story_records import Text
from govdecide.story.changes import focus_sentence, what_changed
from govdecide.story.plan_words import budgets_text, plan_line
from govdecide.story.telling import SolvedStep


def _cells(solved: SolvedStep, lang: str) -> list[str]:
    """A step's row of the overview: settings and figures ('—' where there are none)."""
    outcome = solved.outcome
    result = outcome.result if outcome is not None else None
    if result is None or not result.has_solution:
        status = result.status_text(lang) if result is not None else t("story.rep.unsolved", lang)
        return [esc(status), "", "", "", "", ""]
    cost = outcome.fairness_cost if outcome is not None else None
    budget = fmt_money(result.budget, lang)
    plan = outcome.plan if outcome is not None else None
    if plan is not None and solved.scenario is not None:
        budgets = [float(b) for b in plan.year_figures["budget"]]
        budget = budgets_text(budgets, budget_units(solved.scenario, lang), lang, True)
    return [
        esc(budget),
        esc(fmt_num(result.equity_weight, lang, 2)),
        esc(fmt_people(result.people_newly_served, lang)),
        esc(fmt_pct(result.efficiency, lang)),
        esc(fmt_pct(result.equity, lang)),
        esc(fmt_pct(cost, lang)),
    ]


def _overview(solved: Sequence[SolvedStep], lang: str) -> str:
    """One table: step number, title, then :func:`_cells`."""
    keys = ("step", "title", "budget", "equity_weight", "people", "efficiency", "equity", "pof")
    head = "".join(f"<th>{esc(t(f'story.rep.col_{k}', lang))}</th>" for k in keys)
    rows = []
    for number, step in enumerate(solved, start=1):
        cells = [esc(fmt_num(number, lang)), esc(localize(step.step.title, lang))]
        cells += _cells(step, lang)
        rows.append(
            "<tr>"
            + "".join(
                f'<td class="n">{c}</td>' if i != 1 else f"<td>{c}</td>"
                for i, c in enumerate(cells)
            )
            + "</tr>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _step_html(solved: Sequence[SolvedStep], index: int, lang: str) -> str:
    """One step: its heading, caption, what changed and what its focus shows."""
    step = solved[index]
    heading = t(
        "story.rep.step",
        lang,
        n=fmt_num(index + 1, lang),
        total=fmt_num(len(solved), lang),
        title=localize(step.step.title, lang),
    )
    out = [f"<h3>{esc(heading)}</h3>"]
    plan = step.step.plan
    if plan is not None and step.scenario is not None:
        line = plan_line(step.scenario, step.step.settings, plan, lang)
        out.append(f'<p class="meta">{esc(line)}</p>')
    caption = localize(step.step.caption, lang)
    if caption:
        out.append(f"<p>{esc(caption)}</p>")
    before = solved[index - 1] if index > 0 else None
    sentences = what_changed(before, step, lang) if before is not None else []
    if before is None:
        sentences = [t("story.rep.first", lang)]
    focus = focus_sentence(step, lang)
    if focus is not None:
        sentences.append(focus)
    if step.error is not None:
        sentences.extend(step.error.messages(lang))
    planned = step.outcome.plan if step.outcome is not None else None
    if planned is not None and step.scenario is not None:
        sentences.extend(plan_summary(planned, display_names(step.scenario, lang), lang))
        sentences.append(t("story.plan.no_pof", lang))
    out.append("<ul>" + "".join(f"<li>{esc(s)}</li>" for s in sentences) + "</ul>")
    return "".join(out)


def story_section(title: Text, solved: Sequence[SolvedStep], lang: str = "en") -> list[str]:
    """The section's HTML parts, in order (none for a story without steps)."""
    if not solved:
        return []
    heading = t("story.rep.heading", lang, title=localize(title, lang))
    intro = t("story.rep.intro", lang, n=fmt_num(len(solved), lang))
    if any(s.step.plan is not None for s in solved):
        intro += " " + t("story.plan.rep_note", lang)
    parts = [f"<h2>{esc(heading)}</h2>", f'<p class="meta">{esc(intro)}</p>']
    parts.append(_overview(solved, lang))
    parts.extend(_step_html(solved, i, lang) for i in range(len(solved)))
    return parts


def story_report_part(
    title: Text, solved: Sequence[SolvedStep], lang: str = "en"
) -> tuple[str, str] | None:
    """The section as the report takes more sections, (heading, escaped HTML body) for
    ``build_report(sections=...)``; None for a story without steps."""
    parts = story_section(title, solved, lang)
    if not parts:
        return None
    return t("story.rep.heading", lang, title=localize(title, lang)), "".join(parts[1:])
