"""A local Apache Kafka broker from Maven Central: ``python3 -m infra.kafka start|stop|status|logs``."""

from infra.kafka.broker import (
    Broker,
    BrokerError,
    assemble,
    java_command,
    logs,
    start,
    status,
    stop,
)
from infra.service import free_port

__all__ = [
    "Broker",
    "BrokerError",
    "assemble",
    "free_port",
    "java_command",
    "logs",
    "start",
    "status",
    "stop",
]
