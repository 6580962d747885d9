"""Forms of consents: recording one, revoking it, the signed paper form received."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.forms import DateField, date_input, fields_only_helper, formfield_bounded
from kaa.lib.formfields import declared
from kaa.uploads import ScannedFileField
from kaa.versioning import VersionedFormMixin
from plans.common.forms import date_inputs
from plans.consent.models import Consent
from plans.consent.services import SCAN_MAX_BYTES, scan_check
from plans.partners.models import Partner
from youth.models import Youth

PARTY_FIELDS = [
    "school",
    "employment_service",
    "labour_market_unit",
    "social_services",
    "healthcare",
    "relative",
    "relative_name",
    "other",
    "other_partner",
    "other_name",
]


class ConsentForm(forms.ModelForm):
    class Meta:
        formfield_callback = formfield_bounded
        model = Consent
        fields = ["given_on", "place", "by_youth", "guardian", *PARTY_FIELDS]

    def __init__(self, *args: Any, youth: Youth, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        date_inputs(self)
        self.fields["given_on"].initial = timezone.localdate()
        self.fields["place"].initial = youth.municipality.name
        declared(self, "guardian", forms.ModelChoiceField).queryset = youth.guardians.all()
        self.fields["guardian"].help_text = _("Krävs om ungdomen är under 18 år.")
        declared(self, "other_partner", forms.ModelChoiceField).queryset = Partner.objects.filter(
            municipality_id=youth.municipality_id, is_active=True
        )
        self.fields["other_partner"].help_text = _(
            "Välj en samverkanspart eller skriv namnet nedan."
        )
        self.helper = fields_only_helper()


class RevokeForm(VersionedFormMixin, forms.Form):
    on = DateField(label=_("Återkallat den"), widget=date_input())
    note = forms.CharField(label=_("Kommentar"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shown on one page with the paper form, whose fields have the same names: own ids.
        kwargs.setdefault("auto_id", "revoke_%s")
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()
        self.helper = fields_only_helper()


class PaperReceivedForm(VersionedFormMixin, forms.Form):
    on = DateField(label=_("Underskriven blankett mottagen den"), widget=date_input())
    scan = ScannedFileField(
        label=_("Inskannad blankett (valfritt)"),
        required=False,
        help_text=_("PDF, PNG eller JPEG, högst %(mb)s MB.") % {"mb": SCAN_MAX_BYTES // 2**20},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "paper_%s")
        super().__init__(*args, **kwargs)
        scan = declared(self, "scan", ScannedFileField)
        scan.uploader, scan.what = user, "samtyckesblankett"
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
