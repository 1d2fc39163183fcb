"""Ride requests with a simulated actual travel time (regression target).

The original ``estimated_time_of_arrival`` producer, grown into a city: a
region (Houston by default) with hotspots, commuting riders, drivers on
shifts, weather and incidents that evolve over event time, and traffic that
follows the hour of the week. Every original field and option keeps its
meaning; ``--label-mode delayed`` sends the actual travel time when the trip
ends instead of with the request. The simulation runs in the native core
(``core/src/scenarios/eta/``); this package holds its options, fields and docs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from streamsim.drift import DRIFT_FIELDS
from streamsim.scenarios.eta.fields import (
    COMPLETED_FIELDS,
    COMPLETED_STREAM,
    CONDITIONS,
    FIELDS,
    OUTCOME_FIELDS,
)
from streamsim.scenarios.eta.options import ORIGINAL_MEAN_GAP_SECONDS, EtaOptions
from streamsim.scenarios.eta.regions import REGION_NAMES, VEHICLE_TYPES, Region
from streamsim.scenarios.native import NativeScenario

if TYPE_CHECKING:
    from streamsim.schema import FieldSpec

__all__ = [
    "COMPLETED_FIELDS",
    "COMPLETED_STREAM",
    "CONDITIONS",
    "FIELDS",
    "OUTCOME_FIELDS",
    "REGION_NAMES",
    "VEHICLE_TYPES",
    "EtaOptions",
    "EtaScenario",
    "Region",
]


class EtaScenario(NativeScenario[EtaOptions]):
    """Ride requests in a region, with the trip's simulated actual travel time.

    >>> from streamsim.timeutil import parse_time
    >>> event = next(iter(EtaScenario(seed=7, start=parse_time("2025-03-03T14:00:00Z"))))
    >>> event.fields["hour_of_day"], event.fields["day_of_week"], event.fields["region"]  # Houston time
    (8, 0, 'houston')
    """

    name = "eta"
    description = "Ride requests with the simulated actual travel time (regression target)."
    topic = "estimated_time_of_arrival"
    key_doc = "driver_id"
    Options = EtaOptions
    #: Extra blocks of the docs page (docs/build.py): delayed labels, slow enough to see trips end.
    doc_variants: ClassVar[dict[str, dict[str, Any]]] = {
        "delayed": {"count": 3, "label_mode": "delayed", "rate": 0.002}
    }

    def default_rate(self) -> float:
        return 1.0 / ORIGINAL_MEAN_GAP_SECONDS

    def field_specs(self) -> dict[str, list[FieldSpec]]:
        if self.options.label_mode == "inline":
            return {"": [*FIELDS, *DRIFT_FIELDS]}
        request = [spec for spec in FIELDS if spec.path not in OUTCOME_FIELDS]
        return {"": [*request, *DRIFT_FIELDS], COMPLETED_STREAM: COMPLETED_FIELDS}
