"""Forms of action plans: the plan, an intervention, a follow-up, the closing conversation.
Dates are validated again in the services; forms keep what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.forms import DateField, date_input, fields_only_helper, formfield_bounded
from kaa.lib.formfields import declared
from kaa.models import User
from kaa.versioning import VersionedFormMixin
from plans.actionplans.models import ActionPlan, ClosingConversation, Intervention
from plans.actionplans.services import next_month
from plans.catalogue.models import InterventionType
from plans.common.forms import TEXTAREA, case_staff, date_inputs
from plans.partners.models import Partner
from youth.models import OccupationType


class PlanForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_bounded
        model = ActionPlan
        fields = [
            "case_worker",
            "school",
            "school_contact",
            "goal",
            "start_date",
            "next_follow_up",
        ]
        widgets = {"goal": forms.Textarea(attrs={"rows": 5})}

    def __init__(
        self,
        *args: Any,
        user: User,
        preventive: bool = False,
        hide_locating: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        date_inputs(self)
        case_worker_field = declared(self, "case_worker", forms.ModelChoiceField)
        case_worker_field.queryset = case_staff(user.municipality_id)
        if not self.instance.pk:
            today = timezone.localdate()
            self.fields["case_worker"].initial = user.pk
            self.fields["start_date"].initial = today
            self.fields["next_follow_up"].initial = next_month(today)
        if preventive:
            self.fields["school"].required = True
            self.fields["school"].help_text = _("Skolan som planen görs tillsammans med.")
        if not preventive or hide_locating:
            # The school of a protected youth (youth.register.permissions.locating_data_visible) is
            # neither shown nor changed in a plan that already names it.
            del self.fields["school"], self.fields["school_contact"]
        self.helper = fields_only_helper()


class InterventionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_bounded
        model = Intervention
        fields = [
            "type",
            "purpose",
            "declined",
            "declined_reason",
            "responsible",
            "responsible_staff",
            "partner",
            "planned_start",
            "planned_end",
            "actual_start",
            "follow_up_on",
            "actual_end",
            "end_reason",
            "result",
            "went_on_to",
        ]
        widgets = {"responsible": forms.RadioSelect}

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        date_inputs(self)
        types = InterventionType.objects.filter(municipality_id=municipality_id)
        if self.instance.pk:  # keep a since-deactivated type selectable on its own row
            types = types.filter(is_active=True) | types.filter(pk=self.instance.type_id)
        else:
            types = types.filter(is_active=True)
        declared(self, "type", forms.ModelChoiceField).queryset = types
        responsible_staff_field = declared(self, "responsible_staff", forms.ModelChoiceField)
        responsible_staff_field.queryset = case_staff(municipality_id)
        partner_field = declared(self, "partner", forms.ModelChoiceField)
        partner_field.queryset = Partner.objects.filter(
            municipality_id=municipality_id, is_active=True
        )
        went_on_to_field = declared(self, "went_on_to", forms.ModelChoiceField)
        went_on_to_field.queryset = OccupationType.objects.filter(is_active=True)
        self.fields["went_on_to"].help_text = _("Fylls i när insatsen avslutas.")
        self.fields["declined"].help_text = _(
            "Kryssa i om insatsen erbjöds men ungdomen tackade nej."
        )
        self.helper = fields_only_helper()


class FollowUpForm(forms.Form):
    held_on = DateField(label=_("Datum för uppföljningen"), widget=date_input())
    note = forms.CharField(
        label=_("Hur går det?"),
        max_length=2000,
        widget=TEXTAREA,
        help_text=_("Skriv inte om hälsa, diagnoser eller annat känsligt som inte behövs."),
    )
    next_date = DateField(label=_("Nästa uppföljning"), widget=date_input(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self.helper = fields_only_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        held, nxt = data.get("held_on"), data.get("next_date")
        if nxt and nxt < max(held or nxt, timezone.localdate()):
            self.add_error("next_date", _("Nästa uppföljning måste ligga efter den här."))
        return data


END_FIELD = "slut_%s"
# An intervention that never started was not carried out according to plan.
NOT_STARTED_REASONS = [
    (value, label)
    for value, label in Intervention.EndReason.choices
    if value != Intervention.EndReason.COMPLETED
]


class ClosingForm(forms.ModelForm):
    """The closing conversation. No answer of the youth's evaluation has a default; each
    intervention still running or planned asks what ends it (no reason is assumed)."""

    would_recommend = forms.TypedChoiceField(
        label=_("Jag skulle rekommendera KAA till en kompis"),
        choices=[(True, _("Ja")), (False, _("Nej"))],
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
    )

    class Meta:
        formfield_callback = formfield_bounded
        model = ClosingConversation
        fields = [
            "held_on",
            "destination",
            "destination_detail",
            "handed_over_to",
            *ClosingConversation.QUESTIONS,
            "would_recommend",
            "comment",
        ]
        widgets = {q: forms.RadioSelect for q in ClosingConversation.QUESTIONS}

    def __init__(
        self,
        *args: Any,
        municipality_id: int,
        open_interventions: list[Intervention] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        date_inputs(self)
        self.fields["held_on"].initial = timezone.localdate()
        destination_field = declared(self, "destination", forms.ModelChoiceField)
        destination_field.queryset = OccupationType.objects.filter(is_active=True)
        handed_over_to_field = declared(self, "handed_over_to", forms.ModelChoiceField)
        handed_over_to_field.queryset = Partner.objects.filter(
            municipality_id=municipality_id, is_active=True
        )
        for q in ClosingConversation.QUESTIONS:
            declared(self, q, forms.ChoiceField).choices = ClosingConversation.SCALE
        self.open_interventions = list(open_interventions or [])
        for intervention in self.open_interventions:
            started = intervention.actual_start
            label = (
                _("Vad avslutade %(name)s (pågår sedan %(date)s)?")
                if started
                else _("Varför blir %(name)s inte av (planerad, inte påbörjad)?")
            ) % {
                "name": intervention.type.name,
                "date": started.isoformat() if started else "",
            }
            self.fields[END_FIELD % intervention.pk] = forms.ChoiceField(
                label=label,
                choices=[
                    ("", "---------"),
                    *(Intervention.EndReason.choices if started else NOT_STARTED_REASONS),
                ],
                help_text=_("Insatsen avslutas med planen."),
            )
        # What ends the interventions comes right after where the youth goes on to.
        order = list(self.fields)
        ends = [name for name in order if name.startswith(END_FIELD % "")]
        at = order.index("handed_over_to") + 1
        self.order_fields([*order[:at], *ends, *(n for n in order[at:] if n not in ends)])
        self.helper = fields_only_helper()

    def end_reasons(self) -> dict[int, str]:
        """The reason chosen for each intervention the closing ends, by its id."""
        return {i.pk: self.cleaned_data[END_FIELD % i.pk] for i in self.open_interventions}

    def answers(self) -> dict[str, Any]:
        """The conversation's own fields (the end reasons go separately)."""
        fields = self._meta.fields or []
        return {name: value for name, value in self.cleaned_data.items() if name in fields}
