"""Scrape-time metrics of identification (kaa.metrics): when each source last delivered,
how often it is expected to, and whether each SS 12000 connection's latest pull failed.
Labels are the municipality's code, the source's kind and its name; never a person."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Max
from prometheus_client.core import GaugeMetricFamily, Metric

from youth.identification.models import Source, Ss12000Connection

SOURCE_LABELS = ["municipality", "kind", "source"]


def collect() -> Iterator[Metric]:
    delivered = GaugeMetricFamily(
        "kaa_identification_source_last_delivery_timestamp_seconds",
        "When the source's latest delivery arrived (Unix time; 0: never).",
        labels=SOURCE_LABELS,
    )
    expected = GaugeMetricFamily(
        "kaa_identification_source_expected_interval_seconds",
        "How often the source is expected to deliver (its cadence; older is late).",
        labels=SOURCE_LABELS,
    )
    sources = Source.objects.select_related("municipality").annotate(
        latest=Max("deliveries__arrived_at")
    )
    for source in sources.order_by("municipality__code", "kind", "name"):
        labels = [source.municipality.code, source.kind, source.name]
        delivered.add_metric(labels, source.latest.timestamp() if source.latest else 0)
        expected.add_metric(labels, source.cadence_days * 86400)
    failing = GaugeMetricFamily(
        "kaa_ss12000_pull_failing",
        "Whether the SS 12000 connection's latest pull failed (1) or worked (0).",
        labels=["municipality", "source"],
    )
    connections = Ss12000Connection.objects.filter(enabled=True).select_related("municipality")
    for link in connections.order_by("municipality__code", "name"):
        failing.add_metric([link.municipality.code, link.name], 1 if link.failing else 0)
    yield from (delivered, expected, failing)
