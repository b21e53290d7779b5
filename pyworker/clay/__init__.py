"""Clay: the outbound client (client.py) and a local look-alike that bills like Clay
(simulator.py, `enrich clay-sim`)."""

from pyworker.clay.client import (
    MAX_BACKOFF_SECONDS,
    MAX_PAYLOAD_BYTES,
    MAX_RETRY_AFTER_SECONDS,
    Delivery,
    Outcome,
    backoff_seconds,
    encode_payload,
    post_entity,
    printable,
    retry_after_seconds,
)

__all__ = [
    "MAX_BACKOFF_SECONDS",
    "MAX_PAYLOAD_BYTES",
    "MAX_RETRY_AFTER_SECONDS",
    "Delivery",
    "Outcome",
    "backoff_seconds",
    "encode_payload",
    "post_entity",
    "printable",
    "retry_after_seconds",
]
