"""`python -m streamsim` runs the CLI."""

from streamsim.cli import main

main()
