"""Benchmarks against the engine's own limit (run with `python -m bench.<name>`; not tests)."""
