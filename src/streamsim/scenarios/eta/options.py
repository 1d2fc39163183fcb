"""Options of the ETA scenario and its drift presets."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator

from streamsim.config import Allowed, Probability
from streamsim.parameters import DriftPreset, ScenarioOptions
from streamsim.scenarios.eta.regions import REGION_NAMES, Region

#: Mean gap of the original producer: it slept uniform(0.1, 1.0) s between requests.
ORIGINAL_MEAN_GAP_SECONDS = (0.1 + 1.0) / 2
#: Default fleet (the core sizes it): drivers on shift are busy this share of the time on average,
TARGET_UTILIZATION = 0.65
#: ... up to this many drivers,
MAX_DEFAULT_DRIVERS = 200_000
#: ... with this many riders per driver.
RIDERS_PER_DRIVER = 10

_REGION_CHOICES = (
    "one of " + ", ".join(REGION_NAMES) + ", or a name defined under custom_regions in a config file"
)
RegionName = Annotated[str, Allowed(_REGION_CHOICES)]


class EtaOptions(ScenarioOptions):
    """Options of the ETA scenario (the original producer's four, and the city's)."""

    group_title: ClassVar[str] = "ETA scenario"
    drift_presets: ClassVar[dict[str, DriftPreset]] = {
        "rainy-season": DriftPreset(
            "A wet season sets in over a week from day 3: bad weather (rain, fog, storms) rises "
            "steadily to three times the base climate's share, and incidents on wet roads get more "
            "frequent.",
            (
                {
                    "name": "rainy-season",
                    "at": "+3d",
                    "how": "incremental",
                    "width": "7d",
                    "set": {"bad_weather_probability": 0.3, "incident_probability": 0.035},
                },
            ),
        ),
        "new-highway": DriftPreset(
            "A new highway opens along the region's corridor on day 7 (Houston: I-45 North from "
            "downtown to Bush Intercontinental): from then on, trips along it take 30% less time; "
            "every other trip is unchanged.",
            ({"name": "new-highway", "at": "+7d", "set": {"corridor_travel_time_factor": 0.7}},),
        ),
        "traffic-growth": DriftPreset(
            "The city grows: over four weeks from day 1, rush hours get steadily worse (the peak "
            "travel-time multiplier rises from 2.0 to 2.6).",
            (
                {
                    "name": "traffic-growth",
                    "at": "+1d",
                    "how": "incremental",
                    "width": "28d",
                    "set": {"heavy_traffic_multiplier": 2.6},
                },
            ),
        ),
    }

    heavy_traffic_multiplier: float = Field(
        2.0,
        ge=1.0,
        le=10.0,
        description="Travel-time multiplier of the worst weekday rush hour (free flow = 1): "
        "every hour's congestion is scaled from it by the region's traffic profile, and no trip's "
        "traffic factor exceeds it.",
        json_schema_extra={"metavar": "FACTOR"},
    )
    bad_weather_probability: Probability = Field(
        0.1,
        description="Long-run share of time with bad weather (rain, heavy rain, fog or "
        "thunderstorm) in the region, spread over the months by its rainy-day normals; bad "
        "weather slows every trip under it.",
    )
    incident_probability: Probability = Field(
        0.02,
        description="Long-run share of trips that pass near an active incident, which adds "
        "5-30 minutes; it sets how often incidents happen.",
    )
    drivers: int | None = Field(
        None,
        ge=1,
        le=100_000_000,
        description="Number of drivers (each keeps a vehicle, works shifts and builds a rating). "
        f"Default: enough for --rate in the region, drivers on shift being busy about "
        f"{TARGET_UTILIZATION:.0%} of the time (about 10 trips a shift), at most {MAX_DEFAULT_DRIVERS:,}.",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    riders: int | None = Field(
        None,
        ge=1,
        le=1_000_000_000,
        description=f"Number of riders (each with a home and a workplace). Default: {RIDERS_PER_DRIVER} "
        "per driver.",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    commute_share: Probability = Field(
        0.4,
        description="Share of weekday rush-hour requests that are commutes: home to work in the "
        "morning, work to home in the evening.",
    )
    corridor_travel_time_factor: float = Field(
        1.0,
        ge=0.2,
        le=5.0,
        description="Travel-time multiplier for trips along the region's corridor (both ends near "
        "its line, going along it): below 1 a new, faster road; above 1 roadworks.",
        json_schema_extra={"metavar": "FACTOR"},
    )
    label_mode: Literal["inline", "delayed"] = Field(
        "inline",
        description="inline: the actual travel time is on the request event (the original "
        "behaviour); delayed: trip_requested events carry the features, and a trip_completed event "
        "on <topic>_completed carries the actual travel time when the trip ends.",
        json_schema_extra={"metavar": "MODE", "drift": False},
    )
    custom_regions: Annotated[dict[str, Region], Allowed("a mapping of names to regions")] = Field(
        default_factory=dict,
        description="Extra regions by name, each like the built-in ones (see the scenario's docs).",
        json_schema_extra={"cli": False, "drift": False},
    )
    region: RegionName = Field(
        "houston",
        description="Metropolitan region: its map, hotspots, time zone, climate and traffic.",
        json_schema_extra={"metavar": "NAME", "drift": False},
    )

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str, info: ValidationInfo) -> str:
        if value not in REGION_NAMES and value not in info.data.get("custom_regions", {}):
            names = ", ".join(REGION_NAMES)
            raise ValueError(
                f"expected one of {names}, or a name defined under custom_regions in a config file"
            )
        return value
