"""The optimization model of MODEL.md and everything that solves it, by role.

Data flows one way through the room:

* ``settings`` — what a caller sets on top of a scenario (:class:`Settings`), and its one
  plain-data form;
* ``problem`` — a validated scenario and settings as the model's data (frames and arrays);
* ``formulation`` — the model built in named ``define_*`` steps (``AllocationModel``);
* ``solvers`` — HiGHS and CBC adapters, the hand-over of a model to them, honest statuses;
* ``decomposition`` — the structured method for integer models with an equity weight;
* ``coverage`` — people served, coverage, E and z of a plan (MODEL.md's definitions once);
* ``result`` — a solve's :class:`Result` (frames, headline figures, bound and gap);
* ``status`` — when a result may be called optimal;
* ``diagnosis`` — why a model is infeasible and the smallest changes that fix it;
* ``built`` and ``engine`` — the kept models and the entry point (``solve``,
  ``Allocator``, ``solve_data``).
"""
