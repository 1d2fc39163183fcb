"""Local infrastructure for development, tests and benchmarks (not part of the installed package)."""
