"""Factories for the core models."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from kaa.models import Municipality, Team, User


class MunicipalityFactory(DjangoModelFactory):
    """A municipality with a unique four-digit code."""

    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{(n % 9000) + 1000:04d}")
    name = factory.Faker("city", locale="sv_SE")


class TeamFactory(DjangoModelFactory):
    """A team in a municipality."""

    class Meta:
        model = Team

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(DjangoModelFactory):
    """A staff member; coach by default."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.se")
    role = "coach"
    municipality = factory.SubFactory(MunicipalityFactory)
    password = factory.PostGenerationMethodCall("set_password", "ett-langt-testlosenord-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()
