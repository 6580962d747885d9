"""The form renderer of KAA (settings.FORM_RENDERER): Django's own, except that a select's
options are written here instead of by including the option template once per option."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"

# How the templates render a plain value: autoescaped, localized as a template would.
_CONTEXT = Context(autoescape=True)


def _value(value: Any) -> str:
    return render_value_in_context(value, _CONTEXT)


def _stringformat(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe value safe, else escapes it."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)  # noqa: UP031
    return text if isinstance(value, SafeData) else escape(text)


def attrs_html(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ` name="value"` each, a bare name for True, nothing
    for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_value(name)}")
        else:
            parts.append(f' {_value(name)}="{_stringformat(value)}"')
    return "".join(parts)


def select_html(widget: dict[str, Any]) -> SafeString:
    """What django/forms/widgets/select.html with select_option.html makes of a select's
    context, character for character (the option template's own trailing newline included)."""
    parts = [f'<select name="{_value(widget["name"])}"{attrs_html(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{_stringformat(option["value"])}"'
                f"{attrs_html(option['attrs'])}>{_value(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # the renderer strips the template's last newline
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703  # every value above is escaped


class FormRenderer(DjangoTemplates):
    """Django's template renderer. A select with its own option template is rendered by
    `select_html`: the template would include the option template once per option, which
    for a select of every coach of a large municipality is most of a list page's time. Only
    while both are Django's own templates: an app that overrides one is rendered by it."""

    @cached_property
    def selects_are_djangos(self) -> bool:
        own = Path(django.forms.__file__).parent / "templates"
        return all(
            Path(self.get_template(name).origin.name).is_relative_to(own)
            for name in (SELECT_TEMPLATE, OPTION_TEMPLATE)
        )

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        widget = context.get("widget")
        if (
            template_name == SELECT_TEMPLATE
            and widget is not None
            and self.selects_are_djangos
            and all(
                option["template_name"] == OPTION_TEMPLATE
                for _name, group, _index in widget["optgroups"]
                for option in group
            )
        ):
            return select_html(widget)
        return super().render(template_name, context, request)
