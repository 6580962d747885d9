"""Forms of action plans: the plan, an intervention, a follow-up, the closing conversation.
Dates are validated again in the services; forms keep what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.forms import DateField, date_input, fields_only_helper, formfield_bounded
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
        self.fields["case_worker"].queryset = case_staff(user.municipality_id)
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
        self.fields["type"].queryset = types
        self.fields["responsible_staff"].queryset = case_staff(municipality_id)
        self.fields["partner"].queryset = Partner.objects.filter(
            municipality_id=municipality_id, is_active=True
        )
        self.fields["went_on_to"].queryset = OccupationType.objects.filter(is_active=True)
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
        data = super().clean()
        held, nxt = data.get("held_on"), data.get("next_date")
        if nxt and nxt < max(held or nxt, timezone.localdate()):
            self.add_error("next_date", _("Nästa uppföljning måste ligga efter den här."))
        return data


class ClosingForm(forms.ModelForm):
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

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        date_inputs(self)
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["destination"].queryset = OccupationType.objects.filter(is_active=True)
        self.fields["handed_over_to"].queryset = Partner.objects.filter(
            municipality_id=municipality_id, is_active=True
        )
        for q in ClosingConversation.QUESTIONS:
            self.fields[q].choices = ClosingConversation.SCALE
        self.helper = fields_only_helper()
