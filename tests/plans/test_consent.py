"""Consent: validity across period end, revocation and replacement; the share check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plans.consent.services import consent_paper_received, consent_record, consent_revoke
from plans.consent.validity import consent_current, share_allowed
from plans.models import Consent, Partner, PartyKind
from tests.factories import adult_make, consent_make, reason, youth_make
from youth.models import Guardian
from youth.register.services import period_close, period_open

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_share_follows_the_ticked_parties(municipality, coach):
    youth = adult_make(municipality=municipality, coach=coach)
    consent_make(youth, actor=coach, school=True, social_services=True)
    assert share_allowed(youth, kind=PartyKind.SCHOOL)
    assert share_allowed(youth, kind=PartyKind.SOCIAL_SERVICES)
    assert not share_allowed(youth, kind=PartyKind.EMPLOYMENT_SERVICE)
    assert not share_allowed(youth, kind=PartyKind.HEALTHCARE)
    af = Partner.objects.create(municipality=municipality, name="AF Askersund", kind="af")
    assert not share_allowed(youth, partner=af)


def test_named_other_party_must_match(municipality, coach):
    youth = adult_make(municipality=municipality, coach=coach)
    friskis = Partner.objects.create(
        municipality=municipality, name="Fritidsgården", kind=PartyKind.OTHER
    )
    church = Partner.objects.create(municipality=municipality, name="Kyrkan", kind="other")
    consent_make(youth, actor=coach, other=True, other_partner=friskis)
    assert share_allowed(youth, partner=friskis)
    assert not share_allowed(youth, partner=church)
    assert not share_allowed(youth, kind=PartyKind.OTHER, name="Någon annan")


def test_consent_ends_with_the_period(municipality, coach):
    youth = adult_make(municipality=municipality, coach=coach)
    consent = consent_make(youth, actor=coach, given_on=TODAY() - dt.timedelta(days=5))
    assert share_allowed(youth, kind=PartyKind.SCHOOL)
    period = youth.periods.get(end_date__isnull=True)
    period_close(
        period=period,
        end_date=TODAY() - dt.timedelta(days=1),
        actor=None,
        reason=reason("EJ_FOLKBOKFORD_I_KOMMUNEN", "deregistration"),
    )
    assert not share_allowed(youth, kind=PartyKind.SCHOOL)
    # Still valid on a day inside the period it was given in.
    assert share_allowed(youth, kind=PartyKind.SCHOOL, on=TODAY() - dt.timedelta(days=2))
    # A new period does not revive it.
    period_open(youth=youth, start_date=TODAY(), reason=reason("OVRIGT"), actor=None)
    assert consent_current(youth) is None
    consent.refresh_from_db()
    assert consent.ended_on is None  # nobody had to end it by hand


def test_revocation_stops_sharing_and_keeps_history(municipality, coach):
    youth = adult_make(municipality=municipality, coach=coach)
    consent = consent_make(youth, actor=coach, given_on=TODAY() - dt.timedelta(days=3))
    consent_revoke(consent=consent, actor=coach, on=TODAY(), note="Ringde och ångrade sig")
    assert not share_allowed(youth, kind=PartyKind.SCHOOL)
    assert share_allowed(youth, kind=PartyKind.SCHOOL, on=TODAY() - dt.timedelta(days=1))
    consent.refresh_from_db()
    assert (consent.end_kind, consent.ended_by, consent.end_note) == (
        "revoked",
        coach,
        "Ringde och ångrade sig",
    )
    with pytest.raises(ValidationError):
        consent_revoke(consent=consent, actor=coach, on=TODAY())


def test_new_consent_replaces_the_old(municipality, coach):
    youth = adult_make(municipality=municipality, coach=coach)
    old = consent_make(
        youth, actor=coach, given_on=TODAY() - dt.timedelta(days=10), school=True, healthcare=True
    )
    new = consent_make(youth, actor=coach, school=True)
    old.refresh_from_db()
    assert old.end_kind == Consent.EndKind.REPLACED
    assert old.ended_on == TODAY()
    assert consent_current(youth) == new
    assert not share_allowed(youth, kind=PartyKind.HEALTHCARE)


def test_under_18_needs_the_guardian(municipality, coach):
    youth = youth_make(municipality=municipality, coach=coach)  # 17
    with pytest.raises(ValidationError) as err:
        consent_record(youth=youth, actor=coach, given_on=TODAY(), place="Askersund", school=True)
    assert "vårdnadshavaren" in str(err.value)
    other = youth_make(municipality=municipality)
    foreign = Guardian.objects.create(youth=other, name="Fel Förälder")
    with pytest.raises(ValidationError):
        consent_record(
            youth=youth,
            actor=coach,
            given_on=TODAY(),
            place="Askersund",
            guardian=foreign,
            school=True,
        )
    mine = Guardian.objects.create(youth=youth, name="Rätt Förälder")
    assert (
        consent_record(
            youth=youth,
            actor=coach,
            given_on=TODAY(),
            place="Askersund",
            guardian=mine,
            school=True,
        ).guardian
        == mine
    )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "school"),
        ({"relative": True}, "relative_name"),
        ({"other": True}, "other_name"),
    ],
)
def test_bad_parties_are_refused(municipality, coach, fields, field):
    youth = adult_make(municipality=municipality, coach=coach)
    with pytest.raises(ValidationError) as err:
        consent_record(youth=youth, actor=coach, given_on=TODAY(), place="X", **fields)
    assert field in err.value.message_dict


def test_dates_outside_the_period_or_in_the_future_are_refused(municipality, coach):
    youth = adult_make(municipality=municipality, coach=coach)  # period started 30 days ago
    for day in (TODAY() + dt.timedelta(days=1), TODAY() - dt.timedelta(days=31)):
        with pytest.raises(ValidationError) as err:
            consent_record(youth=youth, actor=coach, given_on=day, place="X", school=True)
        assert "given_on" in err.value.message_dict


def test_scan_upload_checks_content_and_size(municipality, coach):
    youth = adult_make(municipality=municipality, coach=coach)
    consent = consent_make(youth, actor=coach)
    fake = SimpleUploadedFile("samtycke.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    with pytest.raises(ValidationError) as err:
        consent_paper_received(consent=consent, actor=coach, on=TODAY(), scan=fake)
    assert "PDF" in str(err.value)
    big = SimpleUploadedFile("s.pdf", b"%PDF-1.7\n" + b"0" * (10 * 2**20 + 1))
    with pytest.raises(ValidationError) as err:
        consent_paper_received(consent=consent, actor=coach, on=TODAY(), scan=big)
    assert "10 MB" in str(err.value)
    good = SimpleUploadedFile("s.pdf", b"%PDF-1.7\n%%EOF\n", "application/pdf")
    consent_paper_received(consent=consent, actor=coach, on=TODAY(), scan=good)
    consent.refresh_from_db()
    assert consent.paper_received_on == TODAY()
    assert consent.scan.name.endswith(".pdf")
    assert consent.scan.read().startswith(b"%PDF")


def test_a_new_scan_replaces_the_old_file_and_survives_a_missing_one(
    municipality, coach, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    consent = consent_make(adult_make(municipality=municipality, coach=coach), actor=coach)

    def upload(text: bytes) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            consent_paper_received(
                consent=Consent.objects.get(pk=consent.pk),
                actor=coach,
                on=TODAY(),
                scan=SimpleUploadedFile("s.pdf", text),
            )
        return Consent.objects.get(pk=consent.pk).scan.name

    first = upload(b"%PDF-1.7\n%first\n")
    second = upload(b"%PDF-1.7\n%second\n")
    assert second != first
    assert not default_storage.exists(first)  # the replaced file is gone
    assert default_storage.exists(second)
    # The stored file went missing: the new one may then get the very same name, and the
    # replaced file's deletion must not take the new file with it.
    third = upload(b"%PDF-1.7\n%third\n")  # takes the first name, free again
    default_storage.delete(third)
    fourth = upload(b"%PDF-1.7\n%fourth\n")
    assert fourth == third
    assert default_storage.exists(fourth)
    assert Consent.objects.get(pk=consent.pk).scan.read() == b"%PDF-1.7\n%fourth\n"
