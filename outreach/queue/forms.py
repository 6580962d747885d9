"""Forms of the work queue: logging a contact, and a youth reached."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.forms import DateField, DateTimeField, date_input, fields_only_helper
from outreach.queue.models import Channel, ContactAttempt, Task, outcomes_for
from outreach.queue.services import NextStep
from youth.models import OccupationType


class ContactForm(forms.Form):
    """No outcome is chosen for the person (an unchanged save must never record a reach); the
    channel is the task's when the form is opened for one, else chosen too."""

    channel = forms.ChoiceField(
        label=_("Kanal"), choices=[("", _("Välj kanal")), *Channel.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Utfall"), choices=[("", _("Välj utfall")), *ContactAttempt.Outcome.choices]
    )
    direction = forms.ChoiceField(label=_("Riktning"), choices=ContactAttempt.Direction.choices)
    at = DateTimeField(
        label=_("Tidpunkt"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    note = forms.CharField(label=_("Kort notering"), max_length=500, required=False)

    def __init__(self, *args: Any, task: Task | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        if task is not None and task.channel:
            self.fields["channel"].initial = task.channel
        self.helper = fields_only_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        channel, outcome = data.get("channel"), data.get("outcome")
        incoming = data.get("direction") == ContactAttempt.Direction.IN
        if channel and outcome and not incoming and outcome not in outcomes_for(channel):
            self.add_error(
                "outcome",
                _("%(outcome)s passar inte kanalen %(channel)s. Välj ett annat utfall.")
                % {
                    "outcome": ContactAttempt.Outcome(outcome).label,
                    "channel": Channel(channel).label,
                },
            )
        return data

    def clean_at(self) -> Any:
        value = self.cleaned_data["at"]
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise forms.ValidationError(_("Tidpunkten ligger i framtiden."))
        return value


class ReachedForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Hur nåddes ungdomen?"), choices=[("", _("Välj kanal")), *Channel.choices]
    )
    occupation_type = forms.ModelChoiceField(
        label=_("Vad gör ungdomen nu?"), queryset=OccupationType.objects.filter(is_active=True)
    )
    description = forms.CharField(label=_("Var/vad"), max_length=200, required=False)
    studies_end = DateField(
        label=_("Studierna slutar (om känt)"), required=False, widget=date_input()
    )
    next_step = forms.ChoiceField(
        label=_("Vad vill ungdomen?"),
        choices=[
            (NextStep.NONE, _("Inget särskilt just nu")),
            (NextStep.DECLINES, _("Avböjer stöd")),
            (NextStep.WANTS_HELP, _("Vill ha hjälp")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Kort notering"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()

    def clean_studies_end(self) -> Any:
        value = self.cleaned_data.get("studies_end")
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("Slutdatumet för studierna har redan passerat."))
        return value
