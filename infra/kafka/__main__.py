"""``python3 -m infra.kafka start|stop|status|logs`` from the repository root."""

from __future__ import annotations

import sys

from infra.kafka.broker import main

sys.exit(main())
