"""A local Schema Registry from Maven Central: ``python3 -m infra.schema_registry start|stop|status|logs``."""

from infra.schema_registry.registry import Registry, RegistryError, assemble, logs, start, status, stop

__all__ = ["Registry", "RegistryError", "assemble", "logs", "start", "status", "stop"]
