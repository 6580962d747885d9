"""A choice of one user: options read as tuples, written as a plain ModelChoiceField would."""

from __future__ import annotations

import pytest
from django import forms

from kaa.lib.formfields import UserChoiceField
from kaa.models import User
from tests.factories import MunicipalityFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _forms(queryset):
    class Ours(forms.Form):
        coach = UserChoiceField(queryset=queryset, required=False, empty_label="Alla")

    class Djangos(forms.Form):
        coach = forms.ModelChoiceField(queryset=queryset, required=False, empty_label="Alla")

    return Ours, Djangos


def test_the_options_are_those_of_a_plain_model_choice_field():
    municipality = MunicipalityFactory()
    team = TeamFactory(municipality=municipality)
    UserFactory(first_name="Åsa", last_name="<Öberg>", municipality=municipality, team=team)
    UserFactory(
        first_name="", last_name="", username="bara.anvandarnamn", municipality=municipality
    )
    UserFactory(first_name="Ali", last_name="", municipality=municipality)
    queryset = User.objects.filter(municipality=municipality).select_related("team")
    ours, djangos = _forms(queryset.order_by("username"))
    chosen = queryset.get(username="bara.anvandarnamn")
    for data in (None, {"coach": str(chosen.pk)}):
        html = ours(data)["coach"].as_widget()
        assert html == djangos(data)["coach"].as_widget()
        assert "&lt;Öberg&gt;" in html
        assert ">bara.anvandarnamn</option>" in html
        assert ">Ali</option>" in html
    assert (
        f'<option value="{chosen.pk}" selected>'
        in ours({"coach": str(chosen.pk)})["coach"].as_widget()
    )


def test_the_options_cost_one_query_and_no_instances(django_assert_num_queries, monkeypatch):
    municipality = MunicipalityFactory()
    UserFactory.create_batch(5, municipality=municipality)
    ours, _djangos = _forms(User.objects.filter(municipality=municipality))
    built = []
    monkeypatch.setattr(User, "from_db", classmethod(lambda cls, *a: built.append(a)))
    with django_assert_num_queries(1):
        html = ours()["coach"].as_widget()
    assert html.count("<option") == 6
    assert built == []


def test_the_chosen_user_is_read_whole_and_checked_against_the_queryset():
    municipality = MunicipalityFactory()
    mine = UserFactory(municipality=municipality)
    other = UserFactory(municipality=MunicipalityFactory())
    ours, _djangos = _forms(User.objects.filter(municipality=municipality))
    form = ours({"coach": str(mine.pk)})
    assert form.is_valid()
    assert form.cleaned_data["coach"] == mine
    assert form.cleaned_data["coach"].email == mine.email
    refused = ours({"coach": str(other.pk)})
    assert not refused.is_valid()
    assert "coach" in refused.errors


def test_a_choice_by_another_field_is_refused():
    with pytest.raises(TypeError):
        UserChoiceField(queryset=User.objects.all(), to_field_name="username")


def test_the_label_is_the_users_name():
    assert str(User(first_name="Åsa", last_name="Öberg", username="a")) == "Åsa Öberg"
    assert str(User(first_name="", last_name="", username="a.b")) == "a.b"
    assert User.label_of(" ", "", "x") == "x"
