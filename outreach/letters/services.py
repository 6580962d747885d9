"""Writes of letters: message templates (the defaults, saving one), and letter batches (made
once per key, confirmed as posted)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit import audit_event
from kaa.lib.idempotent import AlreadyDone, once
from kaa.models import AuditEvent, Municipality, User
from outreach.letters import merge
from outreach.letters.models import LetterBatch, MessageTemplate
from outreach.letters.selectors import batch_candidates, batch_tasks
from outreach.queue.models import ContactAttempt, Task
from outreach.queue.selectors import guardian_gap
from outreach.queue.services import task_complete

DEFAULT_TEMPLATES = [
    (
        "postcard",
        "Vykort",
        "Vi vill gärna prata med dig",
        "Hej {fornamn}!\n\nVi på {kommun} arbetar med unga som inte går i gymnasiet. Vi vill "
        "gärna höra hur du har det och vad du gör i dag. Hör av dig till {coach_namn}, "
        "{coach_epost}.\n\nVänliga hälsningar\n{kommun}",
    ),
    (
        "letter",
        "Brev",
        "Information om kommunens aktivitetsansvar",
        "Hej {fornamn}!\n\nKommunen har ansvar för att erbjuda stöd till dig som är under 20 år "
        "och inte går i gymnasieskolan. Vi har försökt nå dig. Berätta gärna vad du gör i dag: "
        "studerar du, arbetar du eller gör du något annat? Kontakta {coach_namn}, "
        "{coach_epost}.\n\nVänliga hälsningar\n{kommun}",
    ),
    (
        "knock_card",
        "Knackakort",
        "Vi har varit här",
        "Hej {fornamn}!\n\nVi från {kommun} kommer hem till dig {besok_datum} klockan "
        "{besok_tid}, alltid två personer. Passar det inte, eller vill du hellre träffas någon "
        "annanstans: kontakta {coach_namn}, {coach_epost}.",
    ),
    (
        "turning_20",
        "Inför 20-årsdagen",
        "Stöd efter att du fyllt 20",
        "Hej {fornamn}!\n\nDen {fyller_20} fyller du 20 år och kommunens aktivitetsansvar "
        "upphör. Du kan fortfarande få stöd: komvux, Arbetsförmedlingen och kommunens "
        "arbetsmarknadsenhet hjälper dig vidare. Hör gärna av dig till {coach_namn} innan "
        "dess.\n\nVänliga hälsningar\n{kommun}",
    ),
    (
        "sms",
        "Sms",
        "",
        "Hej {fornamn}! Det är {coach_namn} från {kommun}. Vi vill gärna prata med dig om "
        "vad du gör i dag. Svara här: {lank} (kod {kod}) eller ring oss.",
    ),
    (
        "email",
        "E-post",
        "Hej från {kommun}",
        "Hej {fornamn}!\n\nVi vill gärna höra hur du har det och vad du gör i dag. Berätta "
        "det på {lank} (din kod är {kod}), eller svara på det här mejlet så hör vi av oss."
        "\n\n{coach_namn}, {kommun}",
    ),
]


def templates_ensure_defaults(*, municipality: Municipality, actor: User | None) -> int:
    """Give a municipality the standard templates it does not have yet."""
    created = 0
    for kind, name, subject, body in DEFAULT_TEMPLATES:
        _obj, made = MessageTemplate.objects.get_or_create(
            municipality=municipality,
            kind=kind,
            name=name,
            defaults={"subject": subject, "body": body, "created_by": actor},
        )
        created += made
    return created


def template_save(*, template: MessageTemplate, actor: User) -> MessageTemplate:
    """Validate merge fields in subject and text, then save (audited)."""
    try:
        merge.validate(template.subject)
        merge.validate(template.body)
    except ValidationError as exc:
        raise ValidationError({"body": exc.messages}) from exc
    clash = (
        MessageTemplate.objects.filter(
            municipality=template.municipality, kind=template.kind, name=template.name
        )
        .exclude(pk=template.pk)
        .exists()
    )
    if clash:
        raise ValidationError({"name": _("Det finns redan en mall med det namnet och typen.")})
    template.updated_by = actor
    template.save()
    audit_event(user=actor, action=AuditEvent.Action.UPDATE, obj=template)
    return template


@transaction.atomic
def letter_batch_create(
    *,
    user: User,
    template: MessageTemplate,
    channel: str,
    until: dt.date,
    key: uuid.UUID | None = None,
) -> LetterBatch:
    """Freeze which tasks a batch covers; protected identities are held back by name. The
    same `key` twice (a double click, a resubmit) returns the first batch."""

    def create() -> LetterBatch:
        municipality = user.municipality
        if municipality is None:
            # Only an operator has no municipality, and an operator keeps no records.
            raise PermissionDenied
        tasks, held = batch_candidates(user=user, channel=channel, until=until)
        if not tasks:
            raise ValidationError(_("Det finns inga utskick att göra för det urvalet."))
        return LetterBatch.objects.create(
            municipality=municipality,
            template=template,
            task_ids=[t.pk for t in tasks],
            excluded_protected=[t.youth_id for t in held],
            created_by=user,
            request_key=key,
        )

    try:
        return once(LetterBatch, key, create, created_by=user)
    except AlreadyDone as done:
        return cast(LetterBatch, done.existing)  # once() found it among LetterBatches


@transaction.atomic
def letter_batch_confirm(*, batch: LetterBatch, user: User) -> int:
    """The envelopes are posted: each task done, each youth's contact log updated."""
    batch = LetterBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.confirmed_at is not None:
        raise ValidationError(_("Utskicket är redan bekräftat."))
    done: list[Task] = []
    for task in batch_tasks(batch, user=user):
        # A youth who became protected after printing was never sent anything by us.
        if task.status == Task.Status.OPEN and not task.youth.location_protected:
            # A guardian's copy that could not be printed is said in the contact log too.
            gap = guardian_gap(task)
            note = _("Kopia till vårdnadshavare inte skickad: %(gap)s") % {"gap": gap}
            task_complete(
                task=task,
                staff=user,
                outcome=ContactAttempt.Outcome.SENT,
                note=note if gap else "",
            )
            done.append(task)
    batch.confirmed_at = timezone.now()
    batch.save(update_fields=["confirmed_at"])
    # The steps counted from these get their deadlines when this commits (step_done).
    return len(done)
