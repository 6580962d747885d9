"""Municipalities, teams and staff."""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from kaa.models import Municipality, Team, User

# The password of a made account unless one is given (tests log in with it).
PASSWORD = "ett-langt-testlosenord-123"  # nosec B105  # test and demo accounts only


class MunicipalityFactory(DjangoModelFactory[Municipality]):
    """A municipality with a unique four-digit code (the one with that code if it exists)."""

    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{(n % 9000) + 1000:04d}")
    name = factory.Faker("city", locale="sv_SE")


class TeamFactory(DjangoModelFactory[Team]):
    """A team in a municipality (the one of that name there if it exists)."""

    class Meta:
        model = Team
        django_get_or_create = ("municipality", "name")

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(DjangoModelFactory[User]):
    """A staff member, coach by default (the account with that username if it exists; its
    password is then set again). `password=None` makes an account that cannot log in with
    one."""

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
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            obj.save()
