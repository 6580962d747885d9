"""The form renderer writes a select exactly as Django's templates do."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from kaa.renderers import FormRenderer

CHOICES: list[Any] = [
    ("", "Alla"),
    (1, 'Åsa <Öberg> & "Co"'),
    (2, mark_safe("<b>säker</b>")),  # noqa: S308 - a safe label is kept as it is
    ("x'y", 1234567),
    ("Grupp & <1>", [("a", "A"), ("b", "B")]),
]


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    attrs = forms.ChoiceField(
        choices=CHOICES,
        widget=forms.Select(
            attrs={"class": "form-select", "disabled": True, "hidden": False, "data-x": '"q"'}
        ),
    )
    empty = forms.ChoiceField(choices=[], required=False)


@pytest.mark.parametrize(
    "data", [None, {"plain": "1", "many": ["a", "x'y"], "attrs": "2", "empty": ""}]
)
@pytest.mark.parametrize("field", ["plain", "many", "attrs", "empty"])
def test_select_as_django_templates_write_it(data: dict[str, Any] | None, field: str) -> None:
    theirs = Sample(data, renderer=DjangoTemplates())[field].as_widget()
    ours = Sample(data, renderer=FormRenderer())[field].as_widget()
    assert ours == theirs
    assert "<select" in ours


def test_other_widgets_use_their_templates() -> None:
    class Other(forms.Form):
        name = forms.CharField()
        pick = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)

    for field in ("name", "pick"):
        assert (
            Other(renderer=FormRenderer())[field].as_widget()
            == Other(renderer=DjangoTemplates())[field].as_widget()
        )


def test_only_djangos_own_select_templates_are_written_in_python(tmp_path, monkeypatch) -> None:
    assert FormRenderer().selects_are_djangos
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "select.html").write_text('<select name="{{ widget.name }}"></select>')
    renderer = FormRenderer()
    monkeypatch.setattr(
        renderer.engine.engine, "dirs", [str(tmp_path), *renderer.engine.engine.dirs]
    )
    assert not renderer.selects_are_djangos
    assert Sample(renderer=renderer)["plain"].as_widget() == '<select name="plain"></select>'
