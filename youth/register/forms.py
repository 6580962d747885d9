"""Forms of the register. They validate and lay out; services save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.access import Perm, has_perm, municipality_q
from kaa.forms import DateField, date_input, fields_only_helper
from kaa.lib.formfields import UserChoiceField, declared
from kaa.models import Team, User
from youth import personnummer as pnr
from youth.register.models import CaseStatus, OccupationType, Reason, Youth
from youth.register.selectors import SORTS

DATE = date_input()


_helper = fields_only_helper


class YouthFilterForm(forms.Form):
    in_kaa = forms.ChoiceField(
        label=_("I KAA"),
        required=False,
        choices=[("", _("Alla")), ("yes", _("I KAA nu")), ("no", _("Inte i KAA"))],
    )
    status = forms.MultipleChoiceField(
        label=_("Ärendestatus"),
        required=False,
        choices=CaseStatus.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.ModelChoiceField(
        label=_("Registreringsorsak"),
        required=False,
        queryset=Reason.objects.filter(kind="registration"),
        empty_label=_("Alla"),
    )
    coach = UserChoiceField(
        label=_("Coach"), required=False, queryset=User.objects.none(), empty_label=_("Alla")
    )
    unassigned = forms.BooleanField(label=_("Saknar coach"), required=False)
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("Alla")
    )
    age_min = forms.IntegerField(label=_("Ålder från"), required=False, min_value=14, max_value=25)
    age_max = forms.IntegerField(label=_("Ålder till"), required=False, min_value=14, max_value=25)
    occupation = forms.ChoiceField(
        label=_("Sysselsättning"),
        required=False,
        choices=[("", _("Alla"))] + list(OccupationType.Category.choices),
    )
    not_reached = forms.BooleanField(label=_("Ännu inte nådda"), required=False)
    protected = forms.BooleanField(label=_("Skyddade personuppgifter"), required=False)
    turning_20 = forms.BooleanField(label=_("Fyller 20 inom 60 dagar"), required=False)
    missing_guardian = forms.BooleanField(label=_("Under 18 utan vårdnadshavare"), required=False)
    sort = forms.ChoiceField(
        label=_("Sortering"),
        required=False,
        choices=[
            ("namn", _("Namn A–Ö")),
            ("-namn", _("Namn Ö–A")),
            ("alder", _("Yngst först")),
            ("-alder", _("Äldst först")),
            ("status", _("Status")),
            ("coach", _("Coach")),
        ],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        declared(self, "coach", forms.ModelChoiceField).queryset = User.objects.filter(
            municipality_q(user), role__in=["coach", "coordinator"]
        )
        declared(self, "team", forms.ModelChoiceField).queryset = Team.objects.filter(
            municipality_q(user)
        )
        if not has_perm(user, Perm.VIEW_PROTECTED):
            del self.fields["protected"]  # who is protected: coordinators only
        self.helper = _helper()

    def clean_sort(self) -> str:
        value = self.cleaned_data.get("sort") or "namn"
        return value if value in SORTS else "namn"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("age_min"), data.get("age_max")
        if low is not None and high is not None and low > high:
            self.add_error("age_max", _('Åldern "till" är lägre än "från".'))
        return data


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Sök namn eller personnummer"), required=False, max_length=100)


class YouthRegisterForm(forms.ModelForm):
    personnummer = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        max_length=20,
        help_text=_("ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN."),
    )
    registration_reason = forms.ModelChoiceField(
        label=_("Registreringsorsak"),
        queryset=Reason.objects.filter(kind="registration", is_active=True),
    )
    start_date = DateField(label=_("Startdatum i KAA"), widget=DATE)

    class Meta:
        model = Youth
        fields = [
            "first_name",
            "last_name",
            "address",
            "postal_code",
            "city",
            "phone",
            "phone_alt",
            "email",
            "former_school",
            "protected_identity",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_date"].initial = timezone.localdate()
        self.order_fields(
            ["personnummer", "first_name", "last_name", "registration_reason", "start_date"]
        )
        self.helper = _helper()

    def clean_personnummer(self) -> str:
        try:
            return pnr.parse(self.cleaned_data["personnummer"]).number
        except pnr.PersonnummerError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def validate_unique(self) -> None:
        """Duplicates are matched by the service (a returning youth gets a new period)."""


class PeriodCloseForm(forms.Form):
    end_date = DateField(label=_("Slutdatum"), widget=DATE)
    reason = forms.ModelChoiceField(
        label=_("Avregistreringsorsak"),
        queryset=Reason.objects.filter(kind="deregistration", is_active=True),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end_date"].initial = timezone.localdate()
        self.helper = _helper()


class PeriodOpenForm(forms.Form):
    start_date = DateField(label=_("Startdatum"), widget=DATE)
    reason = forms.ModelChoiceField(
        label=_("Registreringsorsak"),
        queryset=Reason.objects.filter(kind="registration", is_active=True),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_date"].initial = timezone.localdate()
        self.helper = _helper()


class PeriodCorrectForm(forms.Form):
    """Correct a period's dates and reasons; the end fields only for a closed period."""

    start_date = DateField(label=_("Startdatum"), widget=DATE)
    registration_reason = forms.ModelChoiceField(
        label=_("Registreringsorsak"),
        queryset=Reason.objects.filter(kind="registration"),
        help_text=_(
            "Den senaste skolrelaterade sysselsättningen när ungdomen registrerades; "
            "”Annan orsak” rapporteras som okänd till SCB."
        ),
    )
    end_date = DateField(label=_("Slutdatum"), widget=DATE, required=False)
    deregistration_reason = forms.ModelChoiceField(
        label=_("Avregistreringsorsak"),
        queryset=Reason.objects.filter(kind="deregistration"),
        required=False,
    )

    def __init__(self, *args: Any, period: Any = None, **kwargs: Any) -> None:
        if period is not None:
            kwargs.setdefault(
                "initial",
                {
                    "start_date": period.start_date,
                    "registration_reason": period.registration_reason_id,
                    "end_date": period.end_date,
                    "deregistration_reason": period.deregistration_reason_id,
                },
            )
        super().__init__(*args, **kwargs)
        if period is not None and period.end_date is None:
            del self.fields["end_date"]
            del self.fields["deregistration_reason"]
        self.helper = _helper()


class OccupationForm(forms.Form):
    type = forms.ModelChoiceField(
        label=_("Sysselsättning"), queryset=OccupationType.objects.filter(is_active=True)
    )
    description = forms.CharField(label=_("Var/vad"), max_length=200, required=False)
    start_date = DateField(label=_("Från"), widget=DATE)
    source = forms.ChoiceField(
        label=_("Källa"),
        choices=[
            ("contact", _("Kontakt")),
            ("partner", _("Samverkanspart")),
            ("register", _("Register")),
            ("mapping", _("Kartläggning")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start_date"].initial = timezone.localdate()
        self.helper = _helper()


class GuardianForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
    phone = forms.CharField(label=_("Telefon"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-post"), required=False)
    address = forms.CharField(label=_("Adress"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postnummer"), max_length=10, required=False)
    city = forms.CharField(label=_("Postort"), max_length=100, required=False)
    protected_identity = forms.BooleanField(label=_("Skyddade personuppgifter"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()
