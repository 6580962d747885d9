"""Writes of consents: recording one given on paper (it replaces the youth's earlier valid
consent), revoking it, and registering the signed paper form with an optional scan."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaa.audit import Action, audit_event
from kaa.lib.storage import delete_on_commit
from kaa.models import User
from kaa.versioning import Change, StaleEdit, version_bump, version_check
from plans.consent.models import Consent
from plans.consent.signals import consent_recorded
from plans.consent.validity import consent_current
from youth.models import Guardian, KaaPeriod, Youth
from youth.register.services import timeline_add

SCAN_MAX_BYTES = 10 * 1024 * 1024
SCAN_SIGNATURES = {b"%PDF-": "pdf", b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}


def scan_check(upload: object) -> None:
    """A scan must be a PDF, PNG or JPEG by its content (not its name) and at most 10 MB."""
    size = getattr(upload, "size", 0) or 0
    if size > SCAN_MAX_BYTES:
        raise ValidationError(_("Filen är för stor (högst 10 MB)."), code="too_large")
    upload.seek(0)  # type: ignore[attr-defined]
    head = upload.read(16)  # type: ignore[attr-defined]
    upload.seek(0)  # type: ignore[attr-defined]
    if not any(head.startswith(sig) for sig in SCAN_SIGNATURES):
        raise ValidationError(
            _("Filen måste vara en PDF eller en bild (PNG eller JPEG)."), code="file_type"
        )


def _parties_check(fields: dict[str, object]) -> None:
    errors: dict[str, str] = {}
    ticked = [
        f
        for f in (
            "school",
            "employment_service",
            "labour_market_unit",
            "social_services",
            "healthcare",
            "relative",
            "other",
        )
        if fields.get(f)
    ]
    if not ticked:
        errors["school"] = _("Kryssa i minst en part som samtycket gäller.")
    if fields.get("relative") and not str(fields.get("relative_name", "")).strip():
        errors["relative_name"] = _("Skriv namnet på föräldern eller anhörigen.")
    if fields.get("other") and not (
        fields.get("other_partner") or str(fields.get("other_name", "")).strip()
    ):
        errors["other_name"] = _("Välj eller skriv vilken annan part samtycket gäller.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def consent_record(
    *,
    youth: Youth,
    actor: User,
    given_on: dt.date,
    place: str,
    guardian: Guardian | None = None,
    by_youth: bool = True,
    **parties: object,
) -> Consent:
    """Record a consent given on paper (or to be signed on the printed form). Replaces the
    youth's earlier valid consent, which keeps its history."""
    today = timezone.localdate()
    Youth.objects.select_for_update().filter(pk=youth.pk).first()  # one at a time per youth
    if given_on > today:
        raise ValidationError({"given_on": _("Datumet kan inte ligga i framtiden.")})
    if not by_youth:
        raise ValidationError({"by_youth": _("Ungdomen själv måste samtycka.")})
    _parties_check(parties)
    period = KaaPeriod.objects.filter(youth=youth, end_date__isnull=True).first()
    if period is not None and given_on < period.start_date:
        raise ValidationError(
            {
                "given_on": _("Samtycket gäller bara under KAA-perioden, som startade %(date)s.")
                % {"date": period.start_date.isoformat()}
            }
        )
    if youth.age_on(given_on) < 18:
        if guardian is None:
            raise ValidationError(
                {"guardian": _("Ungdomen är under 18 år: vårdnadshavaren måste också samtycka.")}
            )
    if guardian is not None and guardian.youth_id != youth.pk:
        raise ValidationError({"guardian": _("Välj en av ungdomens vårdnadshavare.")})
    previous = consent_current(youth, today)
    consent = Consent(
        youth=youth,
        period=period,
        given_on=given_on,
        place=place.strip(),
        by_youth=by_youth,
        guardian=guardian,
        created_by=actor,
        updated_by=actor,
        **parties,
    )
    consent.full_clean(exclude=["scan"])
    consent.save()
    if previous is not None:
        previous.ended_on, previous.end_kind = given_on, Consent.EndKind.REPLACED
        previous.ended_by, previous.updated_by = actor, actor
        version_bump(previous)
        previous.save(
            update_fields=[
                "ended_on",
                "end_kind",
                "ended_by",
                "updated_by",
                "updated_at",
                "version",
            ]
        )
        audit_event(action=Action.UPDATE, user=actor, obj=previous, detail="ended_on,end_kind")
    audit_event(action=Action.CREATE, user=actor, obj=consent)
    timeline_add(
        youth=youth,
        kind="consent",
        actor=actor,
        summary=_("Samtycke registrerat: %(parties)s")
        % {"parties": ", ".join(consent.party_labels())},
    )
    consent_recorded.send(sender=Consent, consent=consent, actor=actor)
    return consent


@transaction.atomic
def consent_revoke(
    *, consent: Consent, actor: User, on: dt.date, note: str = "", version: int | None = None
) -> Consent:
    """The youth (or guardian) withdrew the consent: it stops counting from `on`."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    today = timezone.localdate()
    version_check(
        consent,
        version,
        {"ended_on": on, "end_kind": Consent.EndKind.REVOKED, "end_note": note.strip()},
    )
    if consent.ended_on is not None:
        raise ValidationError(_("Samtycket gäller redan inte längre."), code="ended")
    if on > today:
        raise ValidationError({"on": _("Datumet kan inte ligga i framtiden.")})
    if on < consent.given_on:
        raise ValidationError({"on": _("Samtycket kan inte återkallas före den dag det gavs.")})
    consent.ended_on, consent.end_kind = on, Consent.EndKind.REVOKED
    consent.ended_by, consent.end_note, consent.updated_by = actor, note.strip(), actor
    version_bump(consent)
    consent.save(
        update_fields=[
            "ended_on",
            "end_kind",
            "ended_by",
            "end_note",
            "updated_by",
            "updated_at",
            "version",
        ]
    )
    audit_event(action=Action.UPDATE, user=actor, obj=consent, detail="ended_on,end_kind")
    timeline_add(
        youth=consent.youth,
        kind="consent",
        actor=actor,
        summary=_("Samtycke återkallat %(date)s") % {"date": on.isoformat()},
    )
    return consent


@transaction.atomic
def consent_paper_received(
    *,
    consent: Consent,
    actor: User,
    on: dt.date,
    scan: object | None = None,
    version: int | None = None,
) -> Consent:
    """The signed paper form came back; optionally keep a scan of it."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    try:
        version_check(consent, version, {"paper_received_on": on})
    except StaleEdit as exc:
        # What else may have changed meanwhile: a scan kept, the consent ended.
        if scan is not None or consent.scan:
            exc.changes.append(
                Change(
                    _("Inskannad blankett"),
                    consent.scan.name.rsplit("/", 1)[-1] if consent.scan else "–",
                    getattr(scan, "name", "") or "–",
                )
            )
        if consent.ended_on is not None:
            exc.changes.append(
                Change(_("Gäller inte längre från"), consent.ended_on.isoformat(), "–")
            )
        raise
    if on > timezone.localdate():
        raise ValidationError({"on": _("Datumet kan inte ligga i framtiden.")})
    if on < consent.given_on:
        raise ValidationError({"on": _("Blanketten kan inte ha kommit in före samtyckesdatumet.")})
    fields = ["paper_received_on", "paper_received_by", "updated_by", "updated_at", "version"]
    if scan is not None:
        try:
            scan_check(scan)
        except ValidationError as exc:
            raise ValidationError({"scan": exc.messages}) from exc
        head = scan.read(16)  # type: ignore[attr-defined]
        scan.seek(0)  # type: ignore[attr-defined]
        kind = next(k for sig, k in SCAN_SIGNATURES.items() if head.startswith(sig))
        replaced = consent.scan.name
        consent.scan.save(f"samtycke-{consent.pk}.{kind}", scan, save=False)
        # A new scan of the same paper: the old file goes once this commits (unless the
        # storage gave the new file the old one's name, the old file having gone missing).
        if replaced and replaced != consent.scan.name:
            delete_on_commit([replaced], storage=consent.scan.storage)
        fields.append("scan")
    consent.paper_received_on, consent.paper_received_by, consent.updated_by = on, actor, actor
    version_bump(consent)
    consent.save(update_fields=fields)
    audit_event(action=Action.UPDATE, user=actor, obj=consent, detail=",".join(fields[:2]))
    return consent
