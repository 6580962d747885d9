"""Forms of plans. Dates are validated again in the services; forms keep what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.forms import DateField, date_input, fields_only_helper, formfield_bounded
from kaa.models import Role, User
from kaa.uploads import ScannedFileField
from kaa.versioning import VersionedFormMixin
from plans.consent import SCAN_MAX_BYTES, scan_check
from plans.models import (
    ActionPlan,
    ClosingConversation,
    Consent,
    Intervention,
    InterventionType,
    MappingConversation,
    Partner,
)
from plans.services import next_month
from youth.models import OccupationType, Youth

TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _dates(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            field.widget = date_input()


def _staff(municipality_id: int) -> Any:
    return (User.objects.filter(municipality_id=municipality_id, is_active=True,
                                role__in=(Role.COACH, Role.COORDINATOR))
            .order_by("first_name", "last_name"))


class ConversationForm(forms.ModelForm):
    class Meta:
        formfield_callback = formfield_bounded
        model = MappingConversation
        fields = ["held_on", "conducted_by", "contact_person", "school_status", "school_name",
                  "programme", "why_not_in_school", "what_would_have_helped",
                  "occupation_type", "occupation_description", "future_thoughts", "needs",
                  "would_study_again"]
        widgets = {name: TEXTAREA for name in ("why_not_in_school", "what_would_have_helped",
                                               "future_thoughts", "needs")}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates(self)
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["conducted_by"].queryset = _staff(user.municipality_id)
        self.fields["conducted_by"].initial = user.pk
        self.fields["occupation_type"].queryset = OccupationType.objects.filter(is_active=True)
        self.fields["would_study_again"].widget = forms.RadioSelect(
            choices=MappingConversation.StudyAgain.choices)
        self.helper = fields_only_helper()


PARTY_FIELDS = ["school", "employment_service", "labour_market_unit", "social_services",
                "healthcare", "relative", "relative_name", "other", "other_partner",
                "other_name"]


class ConsentForm(forms.ModelForm):
    class Meta:
        formfield_callback = formfield_bounded
        model = Consent
        fields = ["given_on", "place", "by_youth", "guardian", *PARTY_FIELDS]

    def __init__(self, *args: Any, youth: Youth, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates(self)
        self.fields["given_on"].initial = timezone.localdate()
        self.fields["place"].initial = youth.municipality.name
        self.fields["guardian"].queryset = youth.guardians.all()
        self.fields["guardian"].help_text = _("Krävs om ungdomen är under 18 år.")
        self.fields["other_partner"].queryset = Partner.objects.filter(
            municipality_id=youth.municipality_id, is_active=True)
        self.fields["other_partner"].help_text = _("Välj en samverkanspart eller skriv namnet "
                                                   "nedan.")
        self.helper = fields_only_helper()


class RevokeForm(VersionedFormMixin, forms.Form):
    on = DateField(label=_("Återkallat den"), widget=date_input())
    note = forms.CharField(label=_("Kommentar"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.helper = fields_only_helper()


class PaperReceivedForm(VersionedFormMixin, forms.Form):
    on = DateField(label=_("Underskriven blankett mottagen den"), widget=date_input())
    scan = ScannedFileField(
        label=_("Inskannad blankett (valfritt)"), required=False,
        help_text=_("PDF, PNG eller JPEG, högst %(mb)s MB.") % {"mb": SCAN_MAX_BYTES // 2**20},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scan"].uploader, self.fields["scan"].what = user, "samtyckesblankett"
        self.fields["on"].initial = timezone.localdate()
        self.helper = fields_only_helper()

    def clean_scan(self) -> Any:
        scan = self.cleaned_data.get("scan")
        if scan:
            try:
                scan_check(scan)
            except forms.ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return scan


class PlanForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_bounded
        model = ActionPlan
        fields = ["case_worker", "school", "school_contact", "goal", "start_date",
                  "next_follow_up"]
        widgets = {"goal": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, user: User, preventive: bool = False,
                 hide_locating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates(self)
        self.fields["case_worker"].queryset = _staff(user.municipality_id)
        if not self.instance.pk:
            today = timezone.localdate()
            self.fields["case_worker"].initial = user.pk
            self.fields["start_date"].initial = today
            self.fields["next_follow_up"].initial = next_month(today)
        if preventive:
            self.fields["school"].required = True
            self.fields["school"].help_text = _("Skolan som planen görs tillsammans med.")
        if not preventive or hide_locating:
            # The school of a protected youth (youth.permissions.locating_data_visible) is
            # neither shown nor changed in a plan that already names it.
            del self.fields["school"], self.fields["school_contact"]
        self.helper = fields_only_helper()


class InterventionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_bounded
        model = Intervention
        fields = ["type", "purpose", "declined", "declined_reason", "responsible",
                  "responsible_staff", "partner", "planned_start", "planned_end",
                  "actual_start", "follow_up_on", "actual_end", "end_reason", "result",
                  "went_on_to"]
        widgets = {"responsible": forms.RadioSelect}

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates(self)
        types = InterventionType.objects.filter(municipality_id=municipality_id)
        if self.instance.pk:  # keep a since-deactivated type selectable on its own row
            types = types.filter(is_active=True) | types.filter(pk=self.instance.type_id)
        else:
            types = types.filter(is_active=True)
        self.fields["type"].queryset = types
        self.fields["responsible_staff"].queryset = _staff(municipality_id)
        self.fields["partner"].queryset = Partner.objects.filter(
            municipality_id=municipality_id, is_active=True)
        self.fields["went_on_to"].queryset = OccupationType.objects.filter(is_active=True)
        self.fields["went_on_to"].help_text = _("Fylls i när insatsen avslutas.")
        self.fields["declined"].help_text = _("Kryssa i om insatsen erbjöds men ungdomen "
                                              "tackade nej.")
        self.helper = fields_only_helper()


class FollowUpForm(forms.Form):
    held_on = DateField(label=_("Datum för uppföljningen"), widget=date_input())
    note = forms.CharField(label=_("Hur går det?"), max_length=2000, widget=TEXTAREA,
                           help_text=_("Skriv inte om hälsa, diagnoser eller annat känsligt "
                                       "som inte behövs."))
    next_date = DateField(label=_("Nästa uppföljning"), widget=date_input(),
                          required=False)

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
        fields = ["held_on", "destination", "destination_detail", "handed_over_to",
                  *ClosingConversation.QUESTIONS, "would_recommend", "comment"]
        widgets = {q: forms.RadioSelect for q in ClosingConversation.QUESTIONS}

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dates(self)
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["destination"].queryset = OccupationType.objects.filter(is_active=True)
        self.fields["handed_over_to"].queryset = Partner.objects.filter(
            municipality_id=municipality_id, is_active=True)
        for q in ClosingConversation.QUESTIONS:
            self.fields[q].choices = ClosingConversation.SCALE
        self.helper = fields_only_helper()


class PreventiveForm(forms.Form):
    personnummer = forms.CharField(label=_("Personnummer"), max_length=13)
    first_name = forms.CharField(label=_("Förnamn"), max_length=100)
    last_name = forms.CharField(label=_("Efternamn"), max_length=100)
    phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    school = forms.CharField(label=_("Skola som anmäler"), max_length=200)
    reported_on = DateField(label=_("Anmäld den"), widget=date_input())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["personnummer"].widget.attrs["autocomplete"] = "off"
        self.fields["reported_on"].initial = timezone.localdate()
        self.helper = fields_only_helper()


class InterventionTypeForm(forms.ModelForm):
    class Meta:
        model = InterventionType
        fields = ["name", "description", "measure_code", "is_active", "sort_order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()


class PartnerForm(forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["name", "kind", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()


class MeetingStartForm(forms.Form):
    held_on = DateField(label=_("Mötesdatum"), widget=date_input())
    partners = forms.ModelMultipleChoiceField(
        label=_("Deltagande samverkansparter"), queryset=Partner.objects.none(),
        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, municipality_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["partners"].queryset = Partner.objects.filter(
            municipality_id=municipality_id, is_active=True)
        self.helper = fields_only_helper()

    def clean_held_on(self) -> Any:
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate() + timezone.timedelta(days=60):
            raise forms.ValidationError(_("Välj ett datum inom de närmaste två månaderna."))
        return value
