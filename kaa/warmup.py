"""A server process readies itself before its first request (kaa.wsgi).

Without it the first request a process serves imports every view through the URLconf (PDF
rendering and the identity provider's client among them), builds the URL reverser of each
language, loads the translations and compiles every template it renders: about three seconds
on a busy two-core machine, paid by one user's click in each new worker. Then the objects all
that made are frozen out of the garbage collector's sight: they live as long as the process,
and otherwise every full collection walks them again (a pause of hundreds of ms in a request).
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django.forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template import engines
from django.template.utils import get_app_template_dirs
from django.urls import URLResolver, get_resolver
from django.utils import translation

logger = logging.getLogger(__name__)


def _names(root: Path) -> list[str]:
    return [str(path.relative_to(root)) for path in sorted(root.rglob("*.html"))]


def _templates() -> list[str]:
    """The project's own templates (settings.TEMPLATES' DIRS) and the crispy-forms pack's,
    as names the loaders find."""
    names = []
    backends: list[dict[str, Any]] = settings.TEMPLATES
    for backend in backends:
        for directory in backend.get("DIRS", []):
            names += _names(Path(directory))
    for directory in get_app_template_dirs("templates"):
        if (directory / settings.CRISPY_TEMPLATE_PACK).is_dir():
            names += _names(directory)
    return names


def _compile(get_template: Callable[[str], object], names: list[str]) -> None:
    for name in names:
        try:
            get_template(name)
        except Exception:  # a template that fails fails again in its page, with its error
            logger.warning("template %s did not compile at start", name, exc_info=True)


def _reversers(resolver: URLResolver) -> None:
    """Build the reverser of this resolver and of every namespace under it (each builds its
    own, per language, on its first `reverse`)."""
    resolver.reverse_dict  # noqa: B018
    for _prefix, namespaced in resolver.namespace_dict.values():
        _reversers(namespaced)


def warm() -> None:
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports the URLconf and with it every view
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            _reversers(resolver)
    _compile(engines["django"].get_template, _templates())
    renderer = get_default_renderer()
    if isinstance(renderer, DjangoTemplates):  # the form widgets' own engine
        widgets = Path(django.forms.__file__).parent / "templates"
        _compile(renderer.get_template, _names(widgets))
    gc.collect()
    gc.freeze()
