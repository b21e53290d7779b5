"""A worker's own Prometheus metrics (`enrich worker --metrics-port`): the POSTs it made by
outcome, how many are in flight, and its waits for Clay's rate limit. Database-wide figures
(queues, webhooks, spend today, workers alive) come from the dashboard's /metrics only, so
that summing over workers never counts anything twice. No label holds a webhook URL."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

from pyworker.clay.client import Outcome


def outcome_label(outcome: Outcome) -> str:
    """accepted (2xx, paid), possibly_accepted (502/504 or an error after the body went
    out: paid), throttled (429), server_error (other 5xx), network (before the body went
    out), permanent (refused for good)."""
    if outcome.kind == "sent":
        return "accepted"
    if outcome.kind == "maybe_sent":
        return "possibly_accepted"
    if outcome.kind == "retry":
        if not outcome.spend_attempt:
            return "throttled"
        return "server_error" if outcome.error.startswith("HTTP ") else "network"
    return "permanent"


class WorkerMetrics:
    def __init__(self, in_flight: Callable[[], int]) -> None:
        self.registry = CollectorRegistry()
        self.posts = Counter(
            "enrich_worker_posts", "POSTs to Clay by outcome", ["workflow", "outcome"],
            registry=self.registry,
        )  # fmt: skip
        self.throttle_waits = Counter(
            "enrich_worker_throttle_wait_seconds",
            "Seconds of delay asked by Clay's 429s (its workspace rate limit)",
            ["workflow"],
            registry=self.registry,
        )
        gauge = Gauge("enrich_worker_posts_in_flight", "POSTs in flight", registry=self.registry)
        gauge.set_function(in_flight)

    def record(self, workflow: str, outcome: Outcome) -> None:
        label = outcome_label(outcome)
        self.posts.labels(workflow, label).inc()
        if label == "throttled":
            self.throttle_waits.labels(workflow).inc(outcome.delay_seconds)

    def serve(self, port: int, host: str = "127.0.0.1") -> None:
        """Serve /metrics on a thread of its own."""
        start_http_server(port, addr=host, registry=self.registry)
