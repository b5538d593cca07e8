"""Benchmarks of the govdecide engine (not tests: they time things and print tables)."""
