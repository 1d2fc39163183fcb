"""Options of the Kafka sink and of `streamsim consume`, and the librdkafka configuration built from them.

This module does not import confluent-kafka, so option validation, ``--help``,
config dumps and docs work without the ``kafka`` extra.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, SecretStr, model_validator

from streamsim.config import Allowed, DurationValue, Options, SecretKeys
from streamsim.errors import UsageError

DEFAULT_PORT = 9092

#: Producer settings chosen for safety (no loss, no duplicates, per-key order) and speed;
#: --kafka-config overrides them. Linger and batch size were measured into the local broker
#: (docs/kafka.md): 5-20 ms with 1 MB batches is fastest, and 5 ms keeps real-time latency low.
PRODUCER_DEFAULTS: dict[str, str | int | float | bool] = {
    "enable.idempotence": True,
    "acks": "all",
    "compression.type": "lz4",
    "linger.ms": 5,
    "batch.size": 1_000_000,
    # The Java client's partitioner, so Java and Python producers put a key on the same partition.
    "partitioner": "murmur2_random",
    "client.id": "streamsim",
}

#: Parts of the names of librdkafka properties that hold secrets (sasl.password,
#: sasl.oauthbearer.config, sasl.oauthbearer.client.secret, ssl.key.password, ssl.key.pem,
#: ssl.keystore.password, ssl.truststore.password...): masked wherever options are shown.
SECRET_PROPERTY_PARTS = (
    "password",
    "secret",
    "passphrase",
    "private.key",
    "ssl.key.pem",
    "ssl_key",
    "oauthbearer.config",
    "jaas.config",
)
#: Secret properties that have options of their own: --kafka-config refuses them.
OWN_SECRET_OPTIONS = {
    "sasl.password": "--sasl-password(-file)",
    "ssl.key.password": "--ssl-key-password",
}
#: Kafka's limits on what streamsim creates (a partition count is an int32, a replication factor an int16).
MAX_PARTITIONS, MAX_REPLICATION_FACTOR = 1_000_000, 32767
_HOST = re.compile(r"\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9._-]+")


def is_secret_property(key: str) -> bool:
    """Whether a librdkafka property holds a secret (its value is never shown).

    >>> is_secret_property("sasl.oauthbearer.config"), is_secret_property("linger.ms")
    (True, False)
    """
    key = key.strip().lower()
    return any(part in key for part in SECRET_PROPERTY_PARTS)


def _parse_servers(value: object) -> str:
    """``host[:port],...``; a host without a port means 9092 (the originals' KAFKA_HOST)."""
    servers = []
    for part in str(value).split(","):
        part = part.strip()
        if not part:
            continue
        host, colon, port = part.rpartition(":")
        if not colon or "]" in port:  # no port (or an IPv6 address without one)
            host, port = part, str(DEFAULT_PORT)
        valid_port = port.isascii() and port.isdigit() and 0 < int(port) < 65536
        if not _HOST.fullmatch(host) or not valid_port:
            raise ValueError(
                f"expected host:port[,host:port...] with a host name or address and a port "
                f"from 1 to 65535, got {part!r}"
            )
        servers.append(f"{host}:{port}")
    if not servers:
        raise ValueError("expected host:port[,host:port...]")
    return ",".join(servers)


def _parse_properties(value: object) -> dict[str, str]:
    """``key=value`` items (a list from the command line or a mapping from a config file)."""
    if isinstance(value, dict):
        items = [(str(k), v) for k, v in value.items()]
    else:
        items = []
        for item in [value] if isinstance(value, str) else list(value):  # type: ignore[call-overload]
            key, eq, val = str(item).partition("=")
            if not eq or not key.strip():
                raise ValueError("expected key=value, e.g. linger.ms=20")
            items.append((key, val))
    out = {}
    for key, val in items:
        key = key.strip()
        if key.lower() in OWN_SECRET_OPTIONS:
            raise ValueError(
                f"expected no secret here: give {key} with {OWN_SECRET_OPTIONS[key.lower()]}, "
                "which is never shown"
            )
        out[key] = str(val).lower() if isinstance(val, bool) else str(val)
    return out


def _existing_file(value: object) -> Path:
    path = Path(str(value)).expanduser()
    if not path.is_file():
        raise ValueError(f"no such file: {str(path)!r}")
    return path


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


Servers = Annotated[str, BeforeValidator(_parse_servers), Allowed("host:port[,host:port...]")]
Properties = Annotated[
    dict[str, str],
    BeforeValidator(_parse_properties),
    Allowed("key=value, a librdkafka property"),
    SecretKeys(is_secret_property),
]
ExistingFile = Annotated[Path, BeforeValidator(_existing_file), Allowed("a path to an existing file")]
SecurityProtocol = Annotated[
    Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"], BeforeValidator(_upper)
]
SaslMechanism = Annotated[Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"], BeforeValidator(_upper)]

#: Options that only producing uses (`streamsim consume` leaves them out).
PRODUCER_ONLY = (
    "partitions",
    "replication_factor",
    "topic_config",
    "ignore_topic_limits",
    "flush_timeout",
    "exactly_once",
    "transactional_id",
    "transaction_events",
    "transaction_interval",
    "resume",
)

#: Settings of the topics streamsim creates, before --topic-config. Retention keeps everything
#: the run writes: the message timestamp is the event time, and a backfill's event times are
#: older than Kafka's default retention (7 days), which would delete them minutes later.
#: Simulated event time may run ahead of the wall clock (--speed max, a future --start), which
#: Kafka 4 rejects by default beyond one hour.
TOPIC_DEFAULTS: dict[str, str] = {
    "retention.ms": "-1",
    "message.timestamp.after.max.ms": str(2**63 - 1),
}


class KafkaOptions(Options):
    """Connection, security, topic creation and delivery settings for --sink kafka."""

    group_title: ClassVar[str] = "Kafka"

    bootstrap_servers: Servers = Field(
        "localhost:9092",
        description="Kafka brokers to connect to. A host without a port means port 9092 "
        "(so the originals' KAFKA_HOST works as it did).",
        json_schema_extra={"metavar": "HOST:PORT,...", "envvars": ["KAFKA_BOOTSTRAP_SERVERS", "KAFKA_HOST"]},
    )
    partitions: int = Field(
        3,
        ge=1,
        le=MAX_PARTITIONS,
        description="Partitions of each topic streamsim creates when it is missing "
        "(an existing topic is used as it is).",
    )
    replication_factor: int = Field(
        1, ge=1, le=MAX_REPLICATION_FACTOR, description="Replication factor of topics streamsim creates."
    )
    topic_config: Properties = Field(
        default_factory=dict,
        description="A topic config for the topics streamsim creates, e.g. retention.ms=604800000 "
        "(repeatable). Default: retention.ms=-1 (keep what the run writes) and no limit on "
        "timestamps ahead of the wall clock.",
        json_schema_extra={"metavar": "KEY=VALUE", "multiple": True},
    )
    ignore_topic_limits: bool = Field(
        False,
        description="Write even when a topic's retention or message.timestamp.* limits would delete "
        "or reject events of the run (only a warning then). Default: exit with status 2 before "
        "the first event.",
    )
    kafka_config: Properties = Field(
        default_factory=dict,
        description="Any librdkafka property, e.g. linger.ms=50 (repeatable). It overrides streamsim's "
        "producer defaults; the options of this group, when given, override it.",
        # "secret": a mistyped item may hold a credential, so errors never echo the values.
        json_schema_extra={"metavar": "KEY=VALUE", "multiple": True, "secret": True},
    )
    security_protocol: SecurityProtocol = Field(
        "PLAINTEXT", description="How to talk to the brokers.", json_schema_extra={"metavar": "PROTOCOL"}
    )
    sasl_mechanism: SaslMechanism = Field(
        "PLAIN",
        description="SASL mechanism (with a SASL protocol).",
        json_schema_extra={"metavar": "MECHANISM"},
    )
    sasl_username: str | None = Field(None, min_length=1, description="SASL user name.")
    sasl_password: SecretStr | None = Field(
        None,
        description="SASL password; prefer the environment variable or --sasl-password-file. "
        "Never printed or logged.",
    )
    sasl_password_file: ExistingFile | None = Field(
        None, description="File holding the SASL password (one line)."
    )
    ssl_ca_file: ExistingFile | None = Field(
        None, description="CA certificate(s) to verify the brokers (PEM); default: the system's."
    )
    ssl_cert_file: ExistingFile | None = Field(None, description="Client certificate (PEM), for mutual TLS.")
    ssl_key_file: ExistingFile | None = Field(None, description="Client private key (PEM), for mutual TLS.")
    ssl_key_password: SecretStr | None = Field(
        None, description="Password of the client private key. Never printed or logged."
    )
    connect_timeout: DurationValue = Field(
        "60s",
        validate_default=True,
        description="How long to retry, with backoff, when the brokers are unreachable at start-up; "
        "then exit with status 1.",
        json_schema_extra={"metavar": "DURATION"},
    )
    flush_timeout: DurationValue = Field(
        "30s",
        validate_default=True,
        description="How long to wait at shutdown for accepted events to be delivered; events still "
        "undelivered then are reported and the exit status is 1.",
        json_schema_extra={"metavar": "DURATION"},
    )

    exactly_once: bool = Field(
        False,
        description="Transactional producer: events are committed in transactions (main and companion "
        "streams together), so a read_committed consumer sees each exactly once, even across "
        "broker failures. Default: idempotent producer, acks=all.",
    )
    transactional_id: str | None = Field(
        None,
        min_length=1,
        description="transactional.id of --exactly-once. Default: streamsim-<topic>-<i>-of-<N> from "
        "the main topic and --shard (stable, so a restarted run fences the previous one).",
        json_schema_extra={"metavar": "ID"},
    )
    transaction_events: int = Field(
        10_000,
        ge=1,
        description="With --exactly-once: commit a transaction after this many events.",
        json_schema_extra={"metavar": "N"},
    )
    transaction_interval: DurationValue = Field(
        "1s",
        validate_default=True,
        description="With --exactly-once: commit a transaction at least this often.",
        json_schema_extra={"metavar": "DURATION"},
    )
    resume: bool = Field(
        False,
        description="With --exactly-once: continue after the last committed event of this shard in "
        "the topics (read back from the sequence header) instead of starting over. Needs the "
        "same --seed, --start and --shard as the run it resumes.",
    )

    @model_validator(mode="after")
    def _consistent_transactions(self) -> KafkaOptions:
        given = self.model_fields_set
        for name in ("transactional_id", "transaction_events", "transaction_interval", "resume"):
            if name in given and not self.exactly_once and (name != "resume" or self.resume):
                raise ValueError(f"--{name.replace('_', '-')} needs --exactly-once")
        return self

    @model_validator(mode="after")
    def _consistent_security(self) -> KafkaOptions:
        given = self.model_fields_set
        sasl = self.security_protocol.startswith("SASL_")
        if self.sasl_password is not None and self.sasl_password_file is not None:
            raise ValueError("give only one of --sasl-password and --sasl-password-file")
        sasl_given = [
            n
            for n in ("sasl_mechanism", "sasl_username", "sasl_password", "sasl_password_file")
            if n in given
        ]
        if sasl_given and not sasl:
            raise ValueError(
                f"--{sasl_given[0].replace('_', '-')} needs --security-protocol SASL_PLAINTEXT or SASL_SSL"
            )
        if sasl and (
            self.sasl_username is None or (self.sasl_password is None and self.sasl_password_file is None)
        ):
            raise ValueError(
                f"--security-protocol {self.security_protocol} needs --sasl-username and "
                "--sasl-password (or --sasl-password-file)"
            )
        ssl_given = [
            n for n in ("ssl_ca_file", "ssl_cert_file", "ssl_key_file", "ssl_key_password") if n in given
        ]
        if ssl_given and not self.security_protocol.endswith("SSL"):
            raise ValueError(f"--{ssl_given[0].replace('_', '-')} needs --security-protocol SSL or SASL_SSL")
        return self

    def _own_properties(self) -> list[tuple[str, str, Any]]:
        """(option, librdkafka property, value) for every option that maps to a property."""
        props: list[tuple[str, str, Any]] = [
            ("bootstrap_servers", "bootstrap.servers", self.bootstrap_servers),
            ("security_protocol", "security.protocol", self.security_protocol),
        ]
        if self.security_protocol.startswith("SASL_"):
            props += [
                ("sasl_mechanism", "sasl.mechanism", self.sasl_mechanism),
                ("sasl_username", "sasl.username", self.sasl_username),
            ]
            if self.sasl_password is not None:
                props.append(("sasl_password", "sasl.password", self.sasl_password.get_secret_value()))
            if self.sasl_password_file is not None:
                props.append(("sasl_password_file", "sasl.password", _read_secret(self.sasl_password_file)))
        for option, prop in (
            ("ssl_ca_file", "ssl.ca.location"),
            ("ssl_cert_file", "ssl.certificate.location"),
            ("ssl_key_file", "ssl.key.location"),
        ):
            path = getattr(self, option)
            if path is not None:
                props.append((option, prop, str(path)))
        if self.ssl_key_password is not None:
            props.append(("ssl_key_password", "ssl.key.password", self.ssl_key_password.get_secret_value()))
        return props

    def client_config(self) -> dict[str, Any]:
        """librdkafka settings shared by producer, admin and consumer clients.

        Precedence: option defaults < --kafka-config < options that were given.
        """
        props = self._own_properties()
        defaults = {prop: value for _, prop, value in props}
        explicit = {prop: value for option, prop, value in props if option in self.model_fields_set}
        return {**defaults, **self.kafka_config, **explicit}

    def producer_config(self) -> dict[str, Any]:
        """The producer's settings: streamsim's defaults, then :meth:`client_config`."""
        return {**PRODUCER_DEFAULTS, **self.client_config()}

    def topic_settings(self) -> dict[str, str]:
        """Configs of the topics streamsim creates: :data:`TOPIC_DEFAULTS`, then --topic-config."""
        return {**TOPIC_DEFAULTS, **self.topic_config}


def _read_secret(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").strip("\r\n")
    except OSError as exc:
        raise UsageError(f"cannot read --sasl-password-file {str(path)!r}: {exc.strerror or exc}") from None
