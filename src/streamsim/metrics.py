"""Prometheus metrics and health checks of a run, served over HTTP (``--metrics-port``).

An HTTP server answers ``/metrics`` (Prometheus text or OpenMetrics),
``/healthz`` (liveness: the process is up and its loop is not stuck) and
``/readyz`` (readiness: the sink is open and connected). The run loop never
touches a Prometheus object: it hands its :class:`~streamsim.observe.Tally` to
:class:`MetricsServer` about once a second, which keeps an immutable copy;
each scrape builds the metric families from that copy and from the sink's
counters. docs/metrics.md lists every metric.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Literal

from streamsim import __version__
from streamsim.errors import RunFailure, UsageError
from streamsim.observe import LABEL_DELAY_BOUNDS, LATENCY_BOUNDS, Buckets, Tally

try:
    from prometheus_client import CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector
    from prometheus_client.core import (
        CounterMetricFamily,
        GaugeMetricFamily,
        HistogramMetricFamily,
        InfoMetricFamily,
        Metric,
    )
    from prometheus_client.exposition import choose_encoder
except ModuleNotFoundError:  # pragma: no cover - depends on the installation
    raise UsageError(
        "--metrics-port needs prometheus-client: pip install prometheus-client (or, from a clone "
        "of streamsim, pip install '.[metrics]')"
    ) from None

if TYPE_CHECKING:
    from streamsim.config import EngineOptions
    from streamsim.scenarios.base import Scenario
    from streamsim.sinks.base import Sink

log = logging.getLogger("streamsim")

#: A loop that neither produced nor waited for a due event this long is reported not alive.
STALL_SECONDS = 300.0
#: Seconds a client may take for its whole request and the response (an idle or slow client is cut
#: off then); each client has a thread of its own, so it never delays the others.
REQUEST_TIMEOUT = 5.0
#: How often the idle server checks whether to stop (the delay it adds to the end of a run).
SHUTDOWN_POLL_SECONDS = 0.01


@dataclass(frozen=True)
class MetricSpec:
    """One metric family: name as exposed without its suffix, Prometheus type, labels, meaning."""

    name: str
    kind: Literal["counter", "gauge", "histogram", "info"]
    labels: tuple[str, ...]
    help: str

    def family(self) -> Metric:
        labels = list(self.labels)
        if self.kind == "counter":
            return CounterMetricFamily(self.name, self.help, labels=labels)
        if self.kind == "gauge":
            return GaugeMetricFamily(self.name, self.help, labels=labels)
        if self.kind == "histogram":
            return HistogramMetricFamily(self.name, self.help, labels=labels)
        return InfoMetricFamily(self.name, self.help, labels=[])  # its labels are the info's keys

    @property
    def samples(self) -> list[str]:
        """Names of the samples Prometheus stores for this family."""
        if self.kind == "histogram":
            return [f"{self.name}_bucket", f"{self.name}_sum", f"{self.name}_count"]
        return [self.name + {"counter": "_total", "info": "_info"}.get(self.kind, "")]


_SCENARIO = ("scenario",)
#: Every metric a run exports (besides the process_* and python_* metrics of prometheus-client).
METRICS = (
    MetricSpec(
        "streamsim_run",
        "info",
        ("scenario", "shard", "seed", "sink", "speed", "version"),
        "The run: scenario, shard, seed, sink, pacing and streamsim version (value 1).",
    ),
    MetricSpec(
        "streamsim_events",
        "counter",
        (*_SCENARIO, "topic", "event_type", "label"),
        "Events produced, by topic, event type and label value ('' for events without a label).",
    ),
    MetricSpec(
        "streamsim_labels", "counter", (*_SCENARIO, "label"), "Events that carry a label, by label value."
    ),
    MetricSpec(
        "streamsim_event_bytes",
        "counter",
        (*_SCENARIO, "topic"),
        "Bytes of serialized events handed to the sink.",
    ),
    MetricSpec(
        "streamsim_label_delay_seconds",
        "histogram",
        _SCENARIO,
        "Event time of a delayed label minus the event time of the event it labels.",
    ),
    MetricSpec("streamsim_delivered", "counter", _SCENARIO, "Events the sink delivered."),
    MetricSpec("streamsim_delivery_failures", "counter", _SCENARIO, "Events the sink failed to deliver."),
    MetricSpec(
        "streamsim_undelivered",
        "gauge",
        _SCENARIO,
        "Events accepted by the sink, neither delivered nor failed yet.",
    ),
    MetricSpec(
        "streamsim_producer_queue_length",
        "gauge",
        _SCENARIO,
        "Events waiting in the sink's local buffer or producer queue.",
    ),
    MetricSpec(
        "streamsim_delivery_latency_seconds",
        "histogram",
        _SCENARIO,
        "Seconds from handing an event to the sink to its acknowledgement (sinks that measure it).",
    ),
    MetricSpec(
        "streamsim_event_time_seconds", "gauge", _SCENARIO, "Event time of the latest event (Unix time)."
    ),
    MetricSpec(
        "streamsim_clock_lag_seconds",
        "gauge",
        _SCENARIO,
        "Wall-clock time minus the simulated clock (the latest event's time) when the run last reported: "
        "large while backfilling, about 0 when live, negative ahead of the wall clock.",
    ),
    MetricSpec(
        "streamsim_active",
        "gauge",
        (*_SCENARIO, "kind"),
        "Live sizes the scenario reports, by kind (entities, sessions).",
    ),
    MetricSpec(
        "streamsim_drift_phase",
        "gauge",
        (*_SCENARIO, "name"),
        "Current phase of the drift schedule (0: the initial concept), with its name.",
    ),
    MetricSpec(
        "streamsim_ready",
        "gauge",
        _SCENARIO,
        "1 while the run is ready (sink open and connected, as /readyz), else 0.",
    ),
)


@dataclass(frozen=True)
class Published:
    """What the loop last reported, copied in the loop's thread (scrapes read it from another)."""

    kinds: dict[tuple[str, str, str | None], tuple[int, int]] = field(default_factory=dict)
    label_delays: tuple[list[int], float] = field(
        default_factory=lambda: Buckets(LABEL_DELAY_BOUNDS).snapshot()
    )
    event_time: float | None = None
    lag: float | None = None  # wall-clock time minus event time, when the loop reported
    drift_phase: int = 0
    drift_name: str = ""
    gauges: dict[str, float] = field(default_factory=dict)


class Health:
    """Liveness and readiness of a run, from what the loop reports (times from ``clock``)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.started = False  # the sink is open and the loop runs
        self.finished = False  # the loop ended; the sink is flushing and closing
        self._beat = clock()  # last sign of progress
        self._idle_until = 0.0  # the loop sleeps until then, waiting for a due event

    def beat(self) -> None:
        self._beat = self.clock()

    def idle(self, seconds: float) -> None:
        self._beat = self.clock()
        self._idle_until = self._beat + seconds

    def alive(self) -> tuple[bool, str]:
        """False when the loop has been stuck for :data:`STALL_SECONDS` (not merely waiting for an event)."""
        if not self.started:
            return True, "starting: opening the sink"
        if self.finished:
            return True, "finishing: flushing the sink"
        quiet = self.clock() - max(self._beat, self._idle_until)
        if quiet > STALL_SECONDS:
            return False, f"stuck: no progress for {quiet:.0f}s"
        return True, "producing"

    def ready(self, sink: Sink) -> tuple[bool, str]:
        if not self.started:
            return False, "sink not open yet"
        if self.finished:
            return False, "run finished"
        if not sink.connected():
            return False, f"{sink.name} sink not connected"
        return True, "ready"


class MetricsServer:
    """Observes one run (a :class:`~streamsim.observe.RunObserver`) and serves its metrics."""

    def __init__(self, scenario: Scenario[Any], engine: EngineOptions, sink: Sink) -> None:
        self.scenario, self.sink = scenario, sink
        self.health = Health()
        self.latency = Buckets(LATENCY_BOUNDS)
        self.topics: dict[str, str] = {}
        self.published = Published()
        self.info = {
            "scenario": scenario.name,
            "shard": str(scenario.shard),
            "seed": str(scenario.seed),
            "sink": sink.name,
            "speed": str(engine.speed),
            "version": __version__,
        }
        sink.observe_latency = self.latency.observe
        self.registry = CollectorRegistry()
        self.registry.register(self)
        for collector in (ProcessCollector, PlatformCollector, GCCollector):
            collector(registry=self.registry)

    @classmethod
    @contextmanager
    def serve(
        cls, host: str, port: int, scenario: Scenario[Any], engine: EngineOptions, sink: Sink
    ) -> Iterator[MetricsServer]:
        """Serve a new server's endpoints on ``host:port`` in a thread while the block runs."""
        server = cls(scenario, engine, sink)
        try:
            http = _HTTPServer((host, port), server)
        except OSError as exc:
            raise RunFailure(
                f"cannot serve metrics on {host}:{port} (--metrics-port): {exc.strerror or exc}"
            ) from None
        thread = threading.Thread(
            target=http.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            name="streamsim-metrics",
            daemon=True,
        )
        thread.start()
        log.info("metrics on http://%s:%d/metrics (health: /healthz, /readyz)", host, http.server_port)
        try:
            yield server
        finally:
            http.shutdown()
            http.server_close()
            thread.join()

    # -- RunObserver ------------------------------------------------------------------

    def started(self, scenario: Scenario[Any], sink: Sink, topics: Mapping[str, str]) -> None:
        self.topics = dict(topics)
        self.health.started = True
        self.health.beat()

    def progress(self, tally: Tally) -> None:
        now = time.time()
        self.published = Published(
            kinds={key: (n, size) for key, (n, size) in tally.kinds.items()},
            label_delays=tally.label_delays.snapshot(),
            event_time=tally.time,
            lag=None if tally.time is None else now - tally.time,
            drift_phase=tally.drift_phase,
            drift_name=tally.drift_name,
            gauges=dict(tally.gauges),
        )
        self.health.beat()

    def idle(self, seconds: float) -> None:
        self.health.idle(seconds)

    def finished(self) -> None:
        self.health.finished = True

    # -- Prometheus collector ---------------------------------------------------------

    def collect(self) -> Iterable[Metric]:
        """Metric families of the run, built at each scrape (see :data:`METRICS`)."""
        p, sink, scenario = self.published, self.sink, self.scenario.name
        # Each family type has its own add_metric signature; the specs say which is which.
        families: dict[str, Any] = {spec.name: spec.family() for spec in METRICS}

        def add(name: str, value: float, *labels: str) -> None:
            families[name].add_metric([scenario, *labels], value)

        families["streamsim_run"].add_metric([], self.info)
        by_label: dict[str, int] = {}
        by_topic: dict[str, int] = {}
        for (stream, event_type, label), (n, nbytes) in sorted(p.kinds.items(), key=_kind_order):
            topic = self.topics.get(stream, stream)
            add("streamsim_events", n, topic, event_type, label or "")
            by_topic[topic] = by_topic.get(topic, 0) + nbytes
            if label is not None:
                by_label[label] = by_label.get(label, 0) + n
        for topic, nbytes in sorted(by_topic.items()):
            add("streamsim_event_bytes", nbytes, topic)
        for label, n in sorted(by_label.items()):
            add("streamsim_labels", n, label)
        _observe(families["streamsim_label_delay_seconds"], scenario, p.label_delays, LABEL_DELAY_BOUNDS)
        add("streamsim_delivered", sink.delivered)
        add("streamsim_delivery_failures", sink.failed)
        add("streamsim_undelivered", sink.undelivered)
        add("streamsim_producer_queue_length", sink.queue_length())
        _observe(
            families["streamsim_delivery_latency_seconds"], scenario, self.latency.snapshot(), LATENCY_BOUNDS
        )
        if p.event_time is not None:
            add("streamsim_event_time_seconds", p.event_time)
        if p.lag is not None:
            add("streamsim_clock_lag_seconds", p.lag)
        for kind, value in sorted(p.gauges.items()):
            add("streamsim_active", value, kind)
        add("streamsim_drift_phase", p.drift_phase, p.drift_name or "initial")
        add("streamsim_ready", float(self.health.ready(sink)[0]))
        return families.values()

    # -- HTTP -------------------------------------------------------------------------

    def respond(self, path: str, accept: str) -> tuple[int, str, bytes]:
        """Status, content type and body for a GET of ``path``."""
        if path == "/metrics":
            encode, content_type = choose_encoder(accept)
            return 200, content_type, encode(self.registry)
        if path in ("/healthz", "/readyz"):
            ok, reason = self.health.alive() if path == "/healthz" else self.health.ready(self.sink)
            return (200 if ok else 503), "text/plain; charset=utf-8", f"{reason}\n".encode()
        return 404, "text/plain; charset=utf-8", b"not found: try /metrics, /healthz or /readyz\n"


def _kind_order(item: tuple[tuple[str, str, str | None], tuple[int, int]]) -> tuple[str, str, str]:
    (stream, event_type, label), _ = item
    return stream, event_type, label or ""


def _observe(
    family: HistogramMetricFamily, scenario: str, snapshot: tuple[list[int], float], bounds: Iterable[float]
) -> None:
    cumulative, total = snapshot
    edges = [*(repr(float(b)) for b in bounds), "+Inf"]
    family.add_metric([scenario], list(zip(edges, cumulative, strict=True)), total)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(REQUEST_TIMEOUT)  # each read from the client
        # A deadline on the whole exchange: a client sending a byte every few seconds is cut off too.
        self._deadline = threading.Timer(REQUEST_TIMEOUT, self._expire)
        self._deadline.daemon = True
        self._deadline.start()

    def _expire(self) -> None:
        with suppress(OSError):  # the client may be gone already
            self.connection.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        self._deadline.cancel()
        super().finish()

    def do_GET(self) -> None:
        status, content_type, body = self.server.metrics.respond(
            self.path.split("?", 1)[0], self.headers.get("Accept", "")
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("metrics server: " + format, *args)


class _HTTPServer(ThreadingHTTPServer):
    """A daemon thread per connection, so a slow client never delays a probe; IPv6 when the host is one."""

    daemon_threads = True
    block_on_close = False  # closing never waits for clients (they are cut off by REQUEST_TIMEOUT)
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], metrics: MetricsServer) -> None:
        self.metrics = metrics
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """One log line instead of a traceback (a scraper that hung up, a sink that failed to answer)."""
        log.warning("metrics server: a request from %s failed: %s", client_address[0], sys.exc_info()[1])
