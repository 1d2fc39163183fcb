"""``python3 -m infra.schema_registry start|stop|status|logs`` from the repository root."""

from __future__ import annotations

import sys

from infra.schema_registry.registry import main

sys.exit(main())
