"""Benchmarks: run with `python -m tests.benchmarks`; not part of the default test run."""
