"""A server process readies itself before its first request (kaa.warmup, called by kaa.wsgi)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from django.template import engines
from django.urls import get_resolver
from django.utils import translation

from kaa.warmup import warm


@pytest.fixture
def warmed() -> Iterator[None]:
    warm()
    yield
    gc.unfreeze()


def test_every_language_can_reverse_every_namespace_without_building_it(warmed: None) -> None:
    resolver = get_resolver()
    for code in ("sv", "en"):
        with translation.override(code):
            _prefix, youth = resolver.namespace_dict["youth"]
            assert code in resolver._reverse_dict
            assert code in youth._reverse_dict


def test_the_templates_are_compiled_once_at_start(warmed: None) -> None:
    loader = engines["django"].engine.template_loaders[0]  # type: ignore[attr-defined]
    cached = loader.get_template_cache
    assert "youth/caseload/list.html" in cached
    assert "bootstrap5/field.html" in cached
