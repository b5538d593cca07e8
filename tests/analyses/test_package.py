"""The package's public API: what ``from govdecide import analyses as an`` offers callers."""

from __future__ import annotations

import inspect

from govdecide import analyses as an


def test_every_listed_name_is_there_and_lives_in_one_module_of_the_room():
    """Each name in ``__all__`` resolves, once, and (for functions and classes) is defined in
    one of the package's own modules, so ``an.frontier`` has one home that the command line
    and the pages read (and that tests may patch)."""
    assert len(an.__all__) == len(set(an.__all__))
    for name in an.__all__:
        obj = getattr(an, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__module__.startswith("govdecide.analyses."), name  # not __init__
