"""`python -m streamsim` and the `streamsim` command run the CLI."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Load the CLI and run it; Ctrl-C while it loads is one line and exit status 130 too."""
    # Pydantic looks for its plug-ins (validation tracers) by scanning every installed
    # package's entry points when the first model is built: a good part of the command's
    # start-up, for plug-ins a command line tool has no use for. Set the variable to "" to keep them.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        from streamsim.cli import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("streamsim: interrupted\n")
        raise SystemExit(130) from None
    cli_main()


if __name__ == "__main__":
    main()
