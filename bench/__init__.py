"""Benchmarks (not tests): run `python -m bench` to measure and rewrite BENCHMARKS.md."""
