"""govdecide: decide, in the open and with numbers, how public resources go to districts.

The library is pure (no Streamlit): load a scenario, solve it, read the result.

    >>> from govdecide import load_scenario, solve, Settings
    >>> result = solve(load_scenario("scenarios/riverton.yaml"), Settings(budget=6000))
    >>> result.status, result.efficiency, result.allocation.head()
"""

from govdecide.errors import Problem, ScenarioError
from govdecide.io.scenario import Scenario, load_scenario, parse_scenario
from govdecide.model.engine import Allocator, solve
from govdecide.model.result import Result
from govdecide.model.settings import Settings

__version__ = "0.1.0"
MODEL_VERSION = "govdecide/v1 model (MODEL.md v1)"

__all__ = [
    "Allocator",
    "Problem",
    "Result",
    "Scenario",
    "ScenarioError",
    "Settings",
    "load_scenario",
    "parse_scenario",
    "solve",
    "__version__",
    "MODEL_VERSION",
]
