"""Guided stories: a trainer's prepared sequence of options, told step by step.

A story (kept in a workspace, :mod:`govdecide.store.stories`) is an ordered list of steps,
each a saved option (scenario + settings) with a title, a caption and an optional focus.
This room tells it, with no Streamlit and no database of its own:

- :mod:`.telling`: each step solved, with the price of fairness measured from the most
  efficient allocation of the same settings (:func:`solve_step`, :func:`tell_story`);
- :mod:`.changes`: "what changed since the last step" in plain words (:func:`what_changed`),
  and what the step's focus district shows (:func:`focus_sentence`);
- :mod:`.bundled`: the example stories shipped for new trainers (strict YAML files,
  ``scenarios/stories/*.yaml``), read into steps a workspace can keep;
- :mod:`.report_section`: the HTML report's section "the story we told".

    >>> from govdecide import Allocator
    >>> solved = tell_story(story.steps, scenario_of, lambda step, sc: Allocator(sc).solve)
    >>> what_changed(solved[0], solved[1], "en")
"""

from govdecide.story.changes import focus_sentence, what_changed
from govdecide.story.telling import (
    SolvedStep,
    StepOutcome,
    efficient_settings,
    solve_step,
    tell_story,
)

__all__ = [
    "SolvedStep",
    "StepOutcome",
    "efficient_settings",
    "focus_sentence",
    "solve_step",
    "tell_story",
    "what_changed",
]
