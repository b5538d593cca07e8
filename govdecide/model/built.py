"""A built model together with what solve methods derive from it.

Kept by :class:`govdecide.model.engine.ModelCache` for as long as the model, and passed
explicitly to the solve methods, so nothing is cached on the model's objects themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from govdecide.model.formulation import AllocationModel

if TYPE_CHECKING:  # the structured method's tables (its search imports this module)
    from govdecide.model.decomposition.subproblems import Structure


@dataclass
class Built:
    """A built model and what a solve method derived from it, kept as long as the model.

    ``structure`` is the structured method's per-district tables (independent of budget,
    staff and equity weight), made on its first use of this model.
    """

    model: AllocationModel
    structure: Structure | None = None
