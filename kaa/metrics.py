"""Prometheus metrics: /metrics for monitoring that presents KAA_METRICS_TOKEN.

Two kinds, kept apart because they behave differently with several processes:

- Observed by each process as it answers requests (RequestMetricsMiddleware): the time and
  the database queries of each request by view name and method (histograms), and the answers
  by status. Each gunicorn worker has its own; with PROMETHEUS_MULTIPROC_DIR set (the shipped
  gunicorn.conf.py sets it) every worker writes to files there and the scrape adds them up,
  so one node's answer covers all its workers. Each node is scraped on its own.
- Shared state, read from the database and Redis when scraped, so that any node gives the
  same figures: the outbox, the Celery queues, each scheduled job's last success (kept by
  single_run in kaa.models.JobRun), the free space of the file store, and what the apps add
  through `register` (youth: the identification sources' deliveries).

No label carries a person, a URL or an id: views are named by their URL name.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric

from kaa.lib.joblock import job_succeeded

log = logging.getLogger(__name__)
request_log = logging.getLogger("kaa.request")

UNRESOLVED = "<unresolved>"  # a path that names no view (404s, scanners)

REQUEST_DURATION = Histogram(
    "kaa_http_request_duration_seconds",
    "Time from the request's arrival to its answer, by view name and method.",
    ["view", "method"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
REQUEST_QUERIES = Histogram(
    "kaa_http_request_db_queries",
    "Database queries made while answering one request, by view name and method.",
    ["view", "method"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500),
)
RESPONSES = Counter(
    "kaa_http_responses",
    "Answers given, by view name, method and HTTP status.",
    ["view", "method", "status"],
)
# Methods outside these are counted as "other": a client chooses the method.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

Collect = Callable[[], Iterable[Metric]]
_app_collectors: list[Collect] = []


def register(collect: Collect) -> None:
    """Add an app's scrape-time metrics (called from its AppConfig.ready, so that kaa imports
    no app above it). `collect` returns metric families; an exception it raises is logged and
    reported as kaa_metrics_source_up{source=<its module>} 0 instead of failing the scrape."""
    if collect not in _app_collectors:
        _app_collectors.append(collect)


def view_name(request: HttpRequest) -> str:
    """The URL name of the view that answered (or would have: a middleware may answer
    first, e.g. a redirect to the login page)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return UNRESOLVED
    return match.view_name or UNRESOLVED


class RequestMetricsMiddleware:
    """Times each request, counts its database queries and notes its status, into the
    metrics and one log line (logger kaa.request: method, view, status, milliseconds; the
    request id and the user's id come from the log filter)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = 0

        def count(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        duration = time.perf_counter() - started
        view = view_name(request)
        method = request.method if request.method in _METHODS else "other"
        REQUEST_DURATION.labels(view, method).observe(duration)
        REQUEST_QUERIES.labels(view, method).observe(queries)
        RESPONSES.labels(view, method, str(response.status_code)).inc()
        milliseconds = round(duration * 1000)
        request_log.info(
            "%s %s %s %d ms %d queries",
            method,
            view,
            response.status_code,
            milliseconds,
            queries,
            extra={
                "view": view,
                "method": method,
                "status": response.status_code,
                "duration_ms": milliseconds,
            },
        )
        return response


@receiver(job_succeeded)
def _job_succeeded(sender: Any, name: str, duration: float, **kwargs: Any) -> None:
    """Keep the time of the job's success where every node's metrics read it."""
    from django.utils import timezone

    from kaa.models import JobRun

    try:
        JobRun.objects.update_or_create(
            name=name[:200],
            defaults={"last_success_at": timezone.now(), "last_duration": duration},
        )
    except DatabaseError as exc:  # the job's work is done; monitoring sees the time go stale
        log.warning("job %s: its success could not be recorded (%s)", name, type(exc).__name__)


def _gauge(name: str, documentation: str, labels: Iterable[str] = ()) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=list(labels))


def _database() -> Iterator[Metric]:
    from kaa import outbox
    from kaa.models import JobRun

    waiting = _gauge(
        "kaa_outbox_waiting",
        "Background tasks the commit could not hand to the broker and the sweeper has not yet.",
    )
    waiting.add_metric([], outbox.waiting())
    failed = _gauge(
        "kaa_outbox_failed",
        "Background tasks set aside as unsendable (manage.py outbox_retry after the fix).",
    )
    failed.add_metric([], outbox.failed())
    success = _gauge(
        "kaa_job_last_success_timestamp_seconds",
        "When the scheduled job last finished without error (Unix time).",
        ["job"],
    )
    duration = _gauge(
        "kaa_job_last_duration_seconds",
        "How long the scheduled job's last successful run took.",
        ["job"],
    )
    for run in JobRun.objects.order_by("name"):
        success.add_metric([run.name], run.last_success_at.timestamp())
        duration.add_metric([run.name], run.last_duration)
    yield from (waiting, failed, success, duration)


# kombu's Redis transport keeps a queue's messages of priority 0 under the queue's name and
# those of the other priority steps under the name, this separator and the step.
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)


def queue_names() -> list[str]:
    """The Celery queues tasks are sent to: the default one and any configured."""
    from kaa.celery import app

    names = [app.conf.task_default_queue or "celery"]
    for queue in app.conf.task_queues or ():
        name = getattr(queue, "name", queue)
        if name not in names:
            names.append(name)
    return names


def _queues() -> Iterator[Metric]:
    """Messages waiting in each Celery queue (the Redis lists' lengths). Only for a Redis
    broker; nothing for the demo's file broker."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    names = queue_names()
    with client.pipeline(transaction=False) as pipe:
        for name in names:
            pipe.llen(name)
            for step in _PRIORITY_STEPS:
                pipe.llen(f"{name}{_PRIORITY_SEPARATOR}{step}")
        lengths = pipe.execute()
    depth = _gauge(
        "kaa_celery_queue_length", "Tasks waiting in the Celery queue for a worker.", ["queue"]
    )
    per_queue = 1 + len(_PRIORITY_STEPS)
    for index, name in enumerate(names):
        depth.add_metric([name], sum(lengths[index * per_queue : (index + 1) * per_queue]))
    yield depth


def _file_store() -> Iterator[Metric]:
    """Free and total bytes of the file system under MEDIA_ROOT (scans, SCB files, reports),
    while files are kept there; an object store reports its own usage."""
    backend = settings.STORAGES["default"]["BACKEND"]
    if not backend.endswith("FileSystemStorage") or not os.path.isdir(settings.MEDIA_ROOT):
        return
    usage = shutil.disk_usage(settings.MEDIA_ROOT)
    free = _gauge("kaa_file_store_free_bytes", "Free bytes where uploaded and made files are.")
    free.add_metric([], usage.free)
    size = _gauge("kaa_file_store_size_bytes", "Size of the file system of the file store.")
    size.add_metric([], usage.total)
    yield from (free, size)


class SharedStateCollector:
    """Reads the shared state at each scrape. A source that cannot be read leaves its metrics
    out and says so in kaa_metrics_source_up, instead of failing the whole scrape."""

    def collect(self) -> Iterator[Metric]:
        up = _gauge(
            "kaa_metrics_source_up",
            "Whether the source of a group of metrics could be read at this scrape (1) or not.",
            ["source"],
        )
        sources: list[tuple[str, Collect]] = [
            ("database", _database),
            ("broker", _queues),
            ("file_store", _file_store),
        ]
        sources += [(collect.__module__, collect) for collect in _app_collectors]
        for source, collect in sources:
            try:
                metrics = list(collect())
            except Exception as exc:  # noqa: BLE001  any failure: this source is down
                log.warning("metrics: %s could not be read (%s)", source, type(exc).__name__)
                up.add_metric([source], 0)
                continue
            up.add_metric([source], 1)
            yield from metrics
        yield up


class _ThisProcess:
    """The process's own metrics (the default registry), when not in multiprocess mode."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def multiprocess_mode() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def scrape_registry() -> CollectorRegistry:
    """What one scrape reports: every worker's observations of this node (multiprocess mode)
    or this process's, and the shared state read now."""
    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_mode():
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(SharedStateCollector())
    return registry
