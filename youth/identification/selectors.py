"""Reads of the identification page: the sources and how fresh they are, the latest run and
the open proposals with their reasons in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.models import Municipality
from youth.identification.models import Proposal, Run, Source, SourceDelivery, Ss12000Connection
from youth.models import Guardian, KaaPeriod, Reason, Youth

QUEUE_LIMIT = 1000

# Reasons for leaving and kinds of change, in words (registration reasons are the register's).
LEAVING_LABELS = {
    "AVLIDEN": _("Avliden"),
    "UTVANDRAD": _("Utvandrad"),
    "AVREGISTRERAD": _("Avregistrerad ur folkbokföringen"),
    "UTFLYTTAD": _("Inte längre folkbokförd i kommunen"),
    "FYLLT_20": _("Fyllt 20 år"),
    "SLUTFORT_MED_EXAMEN": _("Slutfört med examen"),
    "PABORJAT_NATIONELLT_EL_MOTSV": _("Börjat i gymnasieskolan"),
    "SKOLPLIKTIG": _("Fortfarande i grundskolan eller under skolpliktsåldern"),
}
CHANGE_LABELS = {
    "IDENTITY": _("Nytt personnummer"),
    "PROTECTED_SET": _("Skyddad folkbokföring"),
    "PROTECTED_LIFTED": _("Skyddad folkbokföring upphävd"),
    "ADDRESS": _("Ny adress"),
    "GUARDIAN": _("Ny vårdnadshavare"),
}


@dataclass
class SourceState:
    source: Source
    latest: SourceDelivery | None
    stale: bool


def sources_state(*, municipality: Municipality) -> list[SourceState]:
    """Each source with its latest delivery; stale when older than its expected cadence."""
    now = timezone.now()
    states = []
    for source in Source.objects.filter(municipality=municipality):
        latest = (SourceDelivery.objects.filter(source=source).select_related("arrived_by")
                  .first())
        stale = latest is None or latest.arrived_at < now - dt.timedelta(
            days=source.cadence_days)
        states.append(SourceState(source, latest, stale))
    return states


def ss12000_connections(*, municipality: Municipality) -> list[Ss12000Connection]:
    """The municipality's SS 12000 connections with the outcome of their latest pull."""
    return list(Ss12000Connection.objects.filter(municipality=municipality))


def latest_run(*, municipality: Municipality) -> Run | None:
    return Run.objects.filter(municipality=municipality).first()


def _labels() -> dict[str, str]:
    registration = dict(Reason.objects.filter(kind=Reason.Kind.REGISTRATION)
                        .values_list("code", "label"))
    return {**registration, **LEAVING_LABELS, **CHANGE_LABELS}


def open_proposals(*, municipality: Municipality) -> list[Proposal]:
    """The open proposals (at most QUEUE_LIMIT), new first, each with `reason_label` and
    `change_labels`."""
    labels = _labels()
    proposals = list(Proposal.objects.open().filter(municipality=municipality)
                     .select_related("youth")[:QUEUE_LIMIT])
    for proposal in proposals:
        proposal.reason_label = labels.get(proposal.reason, proposal.reason)
        proposal.change_labels = [labels.get(c, c) for c in proposal.changes]
    return proposals


def proposals_in(*, municipality: Municipality) -> QuerySet[Proposal]:
    return Proposal.objects.filter(municipality=municipality)


@dataclass
class RegisterSide:
    """What the register holds about the proposal's person (the left side of the page)."""

    youth: Youth | None
    open_period: KaaPeriod | None
    guardians: list[str]


def register_side(*, proposal: Proposal) -> RegisterSide:
    youth = proposal.youth or Youth.objects.filter(
        municipality=proposal.municipality, personnummer=proposal.personnummer).first()
    if youth is None:
        return RegisterSide(None, None, [])
    period = (KaaPeriod.objects.filter(youth=youth, end_date__isnull=True)
              .select_related("registration_reason").first())
    guardians = list(Guardian.objects.filter(youth=youth).values_list("name", flat=True))
    return RegisterSide(youth, period, guardians)


def proposal_labelled(proposal: Proposal) -> Proposal:
    labels = _labels()
    proposal.reason_label = labels.get(proposal.reason, proposal.reason)
    proposal.change_labels = [labels.get(c, c) for c in proposal.changes]
    return proposal
