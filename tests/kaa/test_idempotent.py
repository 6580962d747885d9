"""kaa.lib.idempotent.once: the work of one request key is done once; other integrity errors
are not mistaken for "already done"."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError
from django.db.models import QuerySet

from kaa.lib.idempotent import AlreadyDone, once
from outreach.models import LetterBatch, MessageTemplate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_batch(municipality):
    user = UserFactory(role="coordinator", municipality=municipality)
    template = MessageTemplate.objects.create(
        municipality=municipality, kind="letter", name="Brev", subject="Hej", body="Hej"
    )
    made = []

    def make(key):
        made.append(
            LetterBatch.objects.create(
                municipality=municipality,
                template=template,
                task_ids=[],
                excluded_protected=[],
                created_by=user,
                request_key=key,
            )
        )
        return made[-1]

    make.made = made
    return make


def test_the_same_key_does_the_work_once(make_batch):
    key = uuid.uuid4()
    first = once(LetterBatch, key, lambda: make_batch(key))
    with pytest.raises(AlreadyDone) as done:
        once(LetterBatch, key, lambda: make_batch(key))
    assert done.value.existing == first
    assert len(make_batch.made) == 1
    # Without a key the work always runs.
    once(LetterBatch, None, lambda: make_batch(None))
    once(LetterBatch, None, lambda: make_batch(None))
    assert LetterBatch.objects.count() == 3


def test_a_concurrent_delivery_that_lost_finds_the_winners_row(make_batch, monkeypatch):
    key = uuid.uuid4()
    winner = make_batch(key)
    real_first = QuerySet.first
    calls = []

    def first_misses_once(self):
        calls.append(1)
        return None if len(calls) == 1 else real_first(self)

    # The first look happens before the other delivery commits: it sees nothing.
    monkeypatch.setattr(QuerySet, "first", first_misses_once)
    with pytest.raises(AlreadyDone) as done:
        once(LetterBatch, key, lambda: make_batch(key))
    assert done.value.existing == winner
    assert LetterBatch.objects.filter(request_key=key).count() == 1


def test_another_integrity_error_is_raised_not_taken_for_done(make_batch):
    def broken():
        raise IntegrityError('null value in column "template_id"')

    with pytest.raises(IntegrityError, match="template_id"):
        once(LetterBatch, uuid.uuid4(), broken)
    assert LetterBatch.objects.count() == 0  # and the connection is still usable
