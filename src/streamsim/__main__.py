"""`python -m streamsim` and the `streamsim` command run the CLI."""

from __future__ import annotations

import sys


def main() -> None:
    """Load the CLI and run it; Ctrl-C while it loads is one line and exit status 130 too."""
    try:
        from streamsim.cli import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("streamsim: interrupted\n")
        raise SystemExit(130) from None
    cli_main()


if __name__ == "__main__":
    main()
