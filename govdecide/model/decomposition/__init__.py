"""The structured method for integer models with an equity weight, split by role.

``choice`` (whether it applies and when ``auto`` runs it), ``subproblems`` (the districts'
problems, solved exactly), ``bounds`` (the Lagrangian bounds over equity levels),
``repair`` (feasible allocations from them) and ``search`` (the method that ties them
together, ``solve_structured``). The module doc of ``search`` explains the method.
"""
