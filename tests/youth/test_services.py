"""The register's rules: registration, periods, status, caseloads, notes, the 20th birthday."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from demo.youths import personnummer_for
from kaa.models import AuditEvent
from tests.factories import occupation_type, reason, youth_make
from youth.caseload import services as caseload_services
from youth.models import Assignment, CaseStatus, KaaPeriod, NoteRevision, TimelineEntry, Youth
from youth.notes import services as notes_services
from youth.personnummer import years_before
from youth.register import services


def _register(municipality, number, start=None, **kw):
    return services.youth_register(
        municipality=municipality,
        personnummer=number,
        first_name="Alva",
        last_name="Berg",
        registration_reason=reason("AVBROTT_NATIONELLT"),
        start_date=start or timezone.localdate(),
        actor=None,
        **kw,
    )


def _pnr(years: int, days: int = 10, serial: int = 1) -> str:
    today = timezone.localdate()
    return personnummer_for(
        today.replace(year=today.year - years) - dt.timedelta(days=days), serial
    )


class TestRegister:
    def test_it_creates_the_youth_and_an_open_period_and_audits(self, municipality):
        youth, period = _register(municipality, _pnr(17))
        assert period.is_open
        assert youth.status == CaseStatus.NOT_REACHED
        assert len(youth.personnummer) == 12
        assert AuditEvent.objects.filter(
            action="create", object_type="youth.youth", youth_id=youth.pk
        ).exists()
        assert TimelineEntry.objects.filter(youth=youth, kind="period_opened").exists()

    def test_a_returning_youth_is_matched_and_gets_a_new_period(self, municipality):
        number = _pnr(18)
        start = timezone.localdate() - dt.timedelta(days=200)
        youth, first = _register(municipality, number, start=start)
        services.period_close(
            period=first,
            end_date=start + dt.timedelta(days=50),
            actor=None,
            reason=reason("PABORJAT_NATIONELLT_EL_MOTSV", "deregistration"),
        )
        again, second = _register(municipality, number[2:8] + "-" + number[8:])
        assert again.pk == youth.pk
        assert Youth.objects.count() == 1
        assert KaaPeriod.objects.filter(youth=youth).count() == 2
        assert second.is_open

    def test_a_duplicate_open_period_is_refused_with_a_message(self, municipality):
        number = _pnr(17)
        _register(municipality, number)
        with pytest.raises(ValidationError, match="redan en öppen KAA-period"):
            _register(municipality, number)
        assert KaaPeriod.objects.count() == 1

    def test_the_database_itself_allows_one_open_period(self, municipality):
        youth, period = _register(municipality, _pnr(17))
        with pytest.raises(IntegrityError), transaction.atomic():
            KaaPeriod.objects.create(
                youth=youth,
                start_date=period.start_date,
                registration_reason=period.registration_reason,
            )

    def test_an_overlapping_period_is_refused(self, municipality):
        start = timezone.localdate() - dt.timedelta(days=100)
        youth, period = _register(municipality, _pnr(17), start=start)
        services.period_close(
            period=period,
            end_date=start + dt.timedelta(days=40),
            actor=None,
            reason=reason("OVRIGT", "deregistration"),
        )
        with pytest.raises(ValidationError, match="överlappa"):
            services.period_open(
                youth=youth,
                start_date=start + dt.timedelta(days=20),
                reason=reason("OVRIGT"),
                actor=None,
            )

    @pytest.mark.parametrize(("years", "message"), [(20, "fyllt 20"), (14, "under 15")])
    def test_persons_outside_the_age_range_are_refused(self, municipality, years, message):
        with pytest.raises(ValidationError, match=message):
            _register(municipality, _pnr(years))
        assert not Youth.objects.exists()

    def test_an_invalid_personnummer_names_the_field(self, municipality):
        with pytest.raises(ValidationError) as info:
            _register(municipality, "20080320-0014")
        assert "Kontrollsiffran" in info.value.message_dict["personnummer"][0]

    def test_the_same_person_in_two_municipalities_is_two_records(
        self, municipality, other_municipality
    ):
        number = _pnr(17)
        a, _ = _register(municipality, number)
        b, _ = _register(other_municipality, number)
        assert a.pk != b.pk


class TestStatus:
    def test_status_follows_the_data(self, municipality):
        youth = youth_make(municipality=municipality)
        assert youth.status == CaseStatus.NOT_REACHED
        services.contact_reached_record(youth=youth, on=timezone.localdate())
        assert youth.status == CaseStatus.IN_CONTACT
        services.occupation_record(
            youth=youth,
            type=occupation_type("ARBETE"),
            start_date=timezone.localdate(),
            source="contact",
            actor=None,
        )
        youth.refresh_from_db()
        assert youth.status == CaseStatus.OCCUPIED
        services.measure_flag_set(youth=youth, active=True)
        assert youth.status == CaseStatus.IN_MEASURE
        services.occupation_record(
            youth=youth,
            type=occupation_type("STUDIER_NATIONELLT"),
            start_date=timezone.localdate(),
            source="contact",
            actor=None,
        )
        youth.refresh_from_db()
        assert youth.status == CaseStatus.OUTSIDE

    def test_a_closed_period_ends_the_case_and_felregistrerad_is_outside(self, municipality):
        ended = youth_make(municipality=municipality, open_period=False)
        assert Youth.objects.get(pk=ended.pk).status == CaseStatus.ENDED
        wrong = youth_make(municipality=municipality)
        services.period_close(
            period=wrong.periods.get(),
            end_date=timezone.localdate(),
            reason=reason("FELREGISTRERAD", "deregistration"),
            actor=None,
        )
        assert Youth.objects.get(pk=wrong.pk).status == CaseStatus.OUTSIDE

    def test_a_new_occupation_ends_the_previous_one(self, municipality):
        youth = youth_make(municipality=municipality)
        day = timezone.localdate() - dt.timedelta(days=10)
        first = services.occupation_record(
            youth=youth,
            type=occupation_type("SAKNAR"),
            start_date=day,
            source="contact",
            actor=None,
        )
        services.occupation_record(
            youth=youth,
            type=occupation_type("ARBETE"),
            start_date=day + dt.timedelta(days=5),
            source="contact",
            actor=None,
        )
        first.refresh_from_db()
        assert first.end_date == day + dt.timedelta(days=4)

    def test_an_under_18_without_guardian_is_flagged_until_one_is_added(
        self, municipality, coordinator
    ):
        youth = youth_make(municipality=municipality)
        assert Youth.objects.get(pk=youth.pk).missing_guardian
        services.guardian_add(youth=youth, actor=coordinator, name="Eva Berg", phone="070-1")
        assert not Youth.objects.get(pk=youth.pk).missing_guardian


class TestTwentiethBirthday:
    def _youth(self, municipality, birth):
        return youth_make(
            municipality=municipality,
            birth_date=birth,
            start_date=birth.replace(year=birth.year + 17),
        )

    def test_the_period_ends_the_day_before_the_20th_birthday(self, municipality):
        birth = dt.date(2006, 12, 5)
        with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)):
            youth = self._youth(municipality, birth)
            assert services.turning_20_deregister(today=dt.date(2026, 12, 4)) == 0
            assert services.turning_20_deregister(today=dt.date(2026, 12, 5)) == 1
        period = youth.periods.get()
        assert period.end_date == dt.date(2026, 12, 4)
        assert period.deregistration_reason.code == "FYLLT_20"
        assert Youth.objects.get(pk=youth.pk).status == CaseStatus.ENDED

    def test_it_is_idempotent(self, municipality):
        birth = dt.date(2006, 12, 5)
        with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)):
            self._youth(municipality, birth)
        assert services.turning_20_deregister(today=dt.date(2026, 12, 6)) == 1
        assert services.turning_20_deregister(today=dt.date(2026, 12, 6)) == 0
        assert KaaPeriod.objects.filter(end_date__isnull=False).count() == 1

    def test_a_missed_run_still_closes_on_the_right_day(self, municipality):
        birth = dt.date(2006, 12, 5)
        with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)):
            youth = self._youth(municipality, birth)
        services.turning_20_deregister(today=dt.date(2026, 12, 20))
        assert youth.periods.get().end_date == dt.date(2026, 12, 4)

    def test_the_batch_writes_what_closing_one_by_one_writes(self, municipality, coordinator):
        from plans.models import ActionPlan
        from tests.factories import plan_make

        births = [dt.date(2006, 12, 1), dt.date(2006, 12, 3), dt.date(2006, 12, 5)]
        with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)):
            youths = [self._youth(municipality, birth) for birth in births]
            plan = plan_make(youths[1], actor=coordinator)
            not_yet = self._youth(municipality, dt.date(2006, 12, 9))
        assert services.turning_20_deregister(today=dt.date(2026, 12, 6)) == 3
        for youth, birth in zip(youths, births, strict=True):
            period = youth.periods.get()
            assert period.end_date == birth.replace(year=2026) - dt.timedelta(days=1)
            assert period.deregistration_reason.code == "FYLLT_20"
            stored = Youth.objects.get(pk=youth.pk)
            # The batch's status is the one the single definition derives from the data.
            assert stored.status == services.youth_status_refresh(youth=stored)
            assert not stored.missing_guardian
            assert TimelineEntry.objects.filter(youth=youth, kind="period_closed").count() == 1
            event = AuditEvent.objects.get(
                object_type="youth.kaaperiod", object_id=str(period.pk), action="update"
            )
            assert event.detail == "end_date,deregistration_reason"
            assert event.youth_id == youth.pk
            assert event.municipality_id == municipality.pk
        assert ActionPlan.objects.get(pk=plan.pk).status == ActionPlan.Status.CLOSED
        assert not_yet.periods.get().end_date is None

    def test_the_job_costs_the_same_queries_for_3_or_30_youths(self, municipality, coordinator):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from tests.factories import plan_make

        counts = []
        for count, birth in ((3, dt.date(2006, 11, 1)), (30, dt.date(2006, 11, 2))):
            with time_machine.travel(dt.datetime(2026, 10, 20, 12, tzinfo=dt.UTC)):
                for number in range(count):
                    youth = self._youth(municipality, birth)
                    if number % 3 == 0:  # a third in a plan with a running intervention
                        plan_make(youth, actor=coordinator, interventions=1)
            with CaptureQueriesContext(connection) as queries:
                assert services.turning_20_deregister(today=birth.replace(year=2026)) == count
            counts.append(len(queries))
        assert counts[0] == counts[1]

    def test_youths_turning_20_soon_are_listed(self, municipality):
        birth = dt.date(2006, 12, 20)
        with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)):
            youth = self._youth(municipality, birth)
            soon = services.youths_turning_20(today=dt.date(2026, 12, 1), within_days=30)
            later = services.youths_turning_20(today=dt.date(2026, 12, 1), within_days=10)
        assert list(soon) == [youth]
        assert list(later) == []


class TestCaseload:
    def test_reassignment_keeps_history_and_is_audited(
        self, municipality, coach, colleague, coordinator
    ):
        youth = youth_make(municipality=municipality)
        caseload_services.youth_assign(youth=youth, coach=coach, team=None, actor=coordinator)
        caseload_services.youth_assign(youth=youth, coach=colleague, team=None, actor=coordinator)
        history = list(Assignment.objects.filter(youth=youth).order_by("started_at"))
        assert [a.coach for a in history] == [coach, colleague]
        assert history[0].ended_at is not None
        assert history[1].ended_at is None
        assert (
            AuditEvent.objects.filter(
                action="update", youth_id=youth.pk, detail="coach,team"
            ).count()
            == 2
        )

    def test_a_coach_of_another_municipality_cannot_be_assigned(
        self, municipality, stranger_coordinator, coordinator
    ):
        youth = youth_make(municipality=municipality)
        with pytest.raises(ValidationError, match="annan kommun"):
            caseload_services.youth_assign(
                youth=youth, coach=stranger_coordinator, team=None, actor=coordinator
            )

    def test_a_leaving_coach_hands_over_everything_in_one_action(
        self, municipality, coach, colleague, coordinator
    ):
        youths = [youth_make(municipality=municipality, coach=coach) for _ in range(3)]
        moved = caseload_services.caseload_hand_over(
            from_coach=coach, to_coach=colleague, actor=coordinator
        )
        assert moved == 3
        assert set(Youth.objects.filter(coach=colleague)) == set(youths)
        assert AuditEvent.objects.filter(detail__startswith="handover:3").count() == 1


class TestNotes:
    def test_the_author_may_edit_within_the_window_and_history_is_kept(self, municipality, coach):
        youth = youth_make(municipality=municipality)
        note = notes_services.note_add(youth=youth, author=coach, text="Ringde, inget svar")
        notes_services.note_edit(note=note, author=coach, text="Ringde två gånger, inget svar")
        assert NoteRevision.objects.get(note=note).text == "Ringde, inget svar"

    def test_others_and_late_edits_are_refused(self, municipality, coach, colleague):
        youth = youth_make(municipality=municipality)
        note = notes_services.note_add(youth=youth, author=coach, text="Första")
        with pytest.raises(ValidationError, match="Bara den som skrev"):
            notes_services.note_edit(note=note, author=colleague, text="Ändrad")
        with (
            time_machine.travel(timezone.now() + dt.timedelta(minutes=16)),
            pytest.raises(ValidationError, match="rättelse"),
        ):
            notes_services.note_edit(note=note, author=coach, text="Ändrad")

    def test_an_empty_note_is_refused(self, municipality, coach):
        youth = youth_make(municipality=municipality)
        with pytest.raises(ValidationError):
            notes_services.note_add(youth=youth, author=coach, text="   ")


def test_a_period_cannot_open_for_someone_aged_20(municipality):
    youth = youth_make(municipality=municipality, open_period=False)
    too_late = youth.twentieth_birthday + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="fyllt 20"):
        services.period_open(youth=youth, start_date=too_late, reason=reason("OVRIGT"), actor=None)


def test_a_leap_day_birthday_closes_on_the_birthday(municipality):
    born = dt.date(2008, 2, 29)
    with time_machine.travel(dt.datetime(2027, 6, 1, 12, tzinfo=dt.UTC)):
        youth = youth_make(
            municipality=municipality, birth_date=born, start_date=dt.date(2026, 1, 10)
        )
    assert years_before(dt.date(2028, 2, 29), 20) == born
    assert services.turning_20_deregister(today=dt.date(2028, 2, 28)) == 0
    assert services.turning_20_deregister(today=dt.date(2028, 2, 29)) == 1
    assert youth.periods.get().end_date == dt.date(2028, 2, 28)
    event = AuditEvent.objects.filter(object_type="youth.kaaperiod", action="update").get()
    assert event.municipality_id == municipality.pk  # a job's event is still findable


def test_a_correction_of_a_correction_belongs_to_the_original(municipality, coach):
    youth = youth_make(municipality=municipality)
    original = notes_services.note_add(youth=youth, author=coach, text="Fel datum")
    first = notes_services.note_add(
        youth=youth, author=coach, text="Rätt: 3 maj", corrects=original
    )
    second = notes_services.note_add(youth=youth, author=coach, text="Nej, 4 maj", corrects=first)
    assert second.corrects == original
