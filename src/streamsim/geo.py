"""Geography helpers for Python code (plug-ins, examples): great-circle distance.

The built-in scenarios' geography (cities, boxes, jitter) lives in the native core (core/src/geo.rs).
"""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres.

    >>> round(haversine_km(29.7604, -95.3698, 30.0, -95.3698), 1)  # Houston downtown to 30N
    26.6
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
