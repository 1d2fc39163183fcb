"""Scenario parameters: the options base class every scenario extends, with its drift schedule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import Field, ValidationError, field_validator, model_validator

from streamsim.chaos import CHAOS_PARAMETERS, split_phase_set
from streamsim.config import Options
from streamsim.drift import Phase, check_schedule


@dataclass(frozen=True)
class DriftPreset:
    """A built-in drift story: a description for docs and its phases (times relative to the start)."""

    description: str
    phases: tuple[dict[str, Any], ...]


class ScenarioOptions(Options):
    """Base of each scenario's options model: the scenario's behaviour parameters.

    Parameters can drift during a run (see :mod:`streamsim.drift`) unless their
    field says ``json_schema_extra={"drift": False}``. ``drift`` takes a preset
    name (``--drift PRESET``) or, in a config file, a list of phases.
    """

    group_title: ClassVar[str] = "Scenario"
    drift_presets: ClassVar[dict[str, DriftPreset]] = {}

    drift: str | list[Phase] | None = Field(
        None,
        description="Concept drift: a built-in preset (see the scenario's docs), or in a config file a "
        "list of phases (docs/drift.md).",
        json_schema_extra={"metavar": "PRESET", "choices_from": "drift_presets", "drift": False},
    )

    @field_validator("drift", mode="before")
    @classmethod
    def _parse_drift(cls, value: Any) -> Any:
        if value is None or value == "" or value == "none":
            return None
        if isinstance(value, str):
            if value not in cls.drift_presets:
                choices = ", ".join(cls.drift_presets) or "none for this scenario"
                raise ValueError(f"expected one of: {choices}")
            return value
        if not isinstance(value, list):
            raise ValueError("expected a preset name or a list of phases")
        phases = []
        for number, item in enumerate(value, 1):
            try:
                phases.append(Phase.model_validate(item))
            except ValidationError as exc:
                error = exc.errors()[0]
                where = ".".join(str(p) for p in error["loc"])
                message = error["msg"].removeprefix("Value error, ")
                raise ValueError(f"drift phase {number}: {where + ': ' if where else ''}{message}") from None
        return phases

    @property
    def schedule(self) -> list[Phase]:
        """The drift phases of this run, in order (empty without drift)."""
        if self.drift is None:
            return []
        if isinstance(self.drift, str):
            phases = [Phase.model_validate(p) for p in self.drift_presets[self.drift].phases]
        else:
            phases = list(self.drift)
        # Chaos options in a phase drive the chaos stage (streamsim.chaos), not the scenario.
        return [
            p.model_copy(update={"set": split_phase_set(p.set)[0]}) if CHAOS_PARAMETERS & p.set.keys() else p
            for p in phases
        ]

    @model_validator(mode="after")
    def _check_schedule(self) -> ScenarioOptions:
        check_schedule(self, self.schedule)
        return self
