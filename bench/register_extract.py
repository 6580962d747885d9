"""Benchmark of the register extract: how long the PDF of one youth with a long
history takes, rendered in the request as the Dataskydd page does.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaa_bench \\
        .venv/bin/python -m bench.register_extract --notes 400 --timeline 1500 --reads 4000

Builds (once per size) a youth in municipality 0900 of the given database with that many
notes, timeline entries and logged reads, then times extract_context and the PDF, three times.
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.scb_export import _database_ensure, _django


def _youth(notes: int, timeline: int, reads: int):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from demo.factories import MunicipalityFactory, NoteFactory, TimelineEntryFactory, UserFactory
    from demo.youths import demo_youths_ensure
    from kaa.models import AuditEvent, Role, User
    from youth.models import Note, TimelineEntry, Youth

    municipality = MunicipalityFactory(code="0900", name="Bench utdrag")
    staff = User.objects.filter(username="bench-utdrag").first() or UserFactory(
        username="bench-utdrag", role=Role.COACH, municipality=municipality
    )
    name = f"Utdrag-{notes}-{timeline}-{reads}"
    youth = Youth.objects.filter(municipality=municipality, last_name=name).first()
    if youth is not None:
        return youth
    demo_youths_ensure(
        municipality=municipality,
        count=Youth.objects.filter(municipality=municipality).count() + 1,
    )
    youth = Youth.objects.filter(municipality=municipality).order_by("-pk").first()
    Youth.objects.filter(pk=youth.pk).update(last_name=name)
    now = timezone.now()
    text = "Ringde och pratade om praktik, studier och vad som händer framåt. " * 3
    Note.objects.bulk_create(
        [
            NoteFactory.build(youth=youth, author=staff, text=text, created_at=now)
            for _ in range(notes)
        ]
    )
    TimelineEntry.objects.bulk_create(
        [
            TimelineEntryFactory.build(
                youth=youth, kind="note", actor=staff, summary="Anteckning", at=now
            )
            for _ in range(timeline)
        ]
    )
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                action="read",
                user=staff,
                username=staff.username,
                role=staff.role,
                municipality=municipality,
                youth_id=youth.pk,
                object_type="youth.youth",
                object_id=str(youth.pk),
                at=now,
            )
            for _ in range(reads)
        ]
    )
    youth.refresh_from_db()
    return youth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--notes", type=int, default=400)
    parser.add_argument("--timeline", type=int, default=1500)
    parser.add_argument("--reads", type=int, default=4000)
    args = parser.parse_args()
    _database_ensure()
    _django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    measure(args.notes, args.timeline, args.reads)


def measure(notes: int, timeline: int, reads: int, *, repeat: int = 3) -> None:
    from kaa.lib.pdf import pdf_render
    from records.register_extract.services import extract_context

    youth = _youth(notes, timeline, reads)
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(pdf_render("pdf/register_extract.html", extract_context(youth)))
        times.append(time.perf_counter() - started)
    print(
        f"{notes} notes, {timeline} timeline entries, {reads} reads: "
        f"median {statistics.median(times):.1f} s, max {max(times):.1f} s, "
        f"{size / 2**20:.1f} MB PDF",
        flush=True,
    )


if __name__ == "__main__":
    main()
