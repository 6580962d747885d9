"""Reads of mapping conversations."""

from __future__ import annotations

from django.db.models import QuerySet

from kaa.access import ScopedQuerySet
from plans.conversations.models import MappingConversation
from youth.models import Youth


def conversations_of(*, youth: Youth) -> QuerySet[MappingConversation]:
    """The youth's conversations, latest first, with who held them and the occupation."""
    return MappingConversation.objects.filter(youth=youth).select_related(
        "conducted_by", "occupation_type"
    )


def conversations_for_detail() -> ScopedQuerySet[MappingConversation]:
    """Conversations for the detail page (narrowed to one by the view's access check)."""
    return MappingConversation.objects.all().select_related("conducted_by", "occupation_type")
