"""Forms of the youth's public e-service: code and birth date, then the answer.

Plain Swedish, every field with a size limit, a honeypot field that people never see."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.forms import fields_only_helper
from outreach.eservice.models import CODE_LENGTH, EserviceSubmission, code_normalise

HONEYPOT = "webbplats"


class HoneypotMixin(forms.BaseForm):
    """The honeypot field (templates/partials/_honeypot.html) is hidden from people and
    screen readers; bots fill it in. It is not a form field, so it is never echoed back."""

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))


def birth_date_parse(text: str) -> dt.date | None:
    """ÅÅÅÅMMDD, ÅÅÅÅ-MM-DD or ÅÅMMDD (a youth of 16-19 was born this century)."""
    digits = re.sub(r"[\s\-./]", "", text or "")
    if not digits.isdigit() or len(digits) not in (6, 8):
        return None
    if len(digits) == 6:
        digits = "20" + digits
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


class CodeForm(HoneypotMixin, forms.Form):
    code = forms.CharField(
        label=_("Din kod"),
        max_length=20,
        help_text=_("Koden står på brevet, vykortet eller i sms:et, t.ex. KQ7M-4XPA."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    birth_date = forms.CharField(
        label=_("Ditt födelsedatum"),
        max_length=12,
        help_text=_("Åtta siffror: år, månad, dag. T.ex. 20080314."),
        widget=forms.TextInput(attrs={"autocomplete": "bday", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()

    def clean_code(self) -> str:
        code = code_normalise(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(
                _("Koden har %(n)d tecken, bokstäver och siffror. Kontrollera och försök igen.")
                % {"n": CODE_LENGTH}
            )
        return code

    def clean_birth_date(self) -> dt.date:
        day = birth_date_parse(self.cleaned_data["birth_date"])
        if day is None:
            raise forms.ValidationError(
                _("Skriv födelsedatumet med åtta siffror, t.ex. 20080314.")
            )
        return day


class AnswerForm(HoneypotMixin, forms.ModelForm):
    activity = forms.ChoiceField(
        label=_("Vad gör du nu?"),
        required=False,
        widget=forms.RadioSelect,
        choices=EserviceSubmission.Activity.choices,
    )
    contact_way = forms.ChoiceField(
        label=_("Hur vill du att vi hör av oss?"),
        required=False,
        widget=forms.RadioSelect,
        choices=EserviceSubmission.ContactWay.choices,
    )
    studies_until = forms.CharField(
        label=_("Till när studerar du?"),
        required=False,
        max_length=12,
        help_text=_("Ungefär räcker, t.ex. 20270610."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    class Meta:
        model = EserviceSubmission
        fields = [
            "activity",
            "school",
            "programme",
            "studies_until",
            "employer",
            "activity_other",
            "wants_contact",
            "contact_way",
            "contact_when",
            "contact_detail",
            "has_moved",
            "moved_to",
            "message",
        ]
        labels = {
            "school": _("Var studerar du?"),
            "programme": _("Vad läser du?"),
            "employer": _("Var arbetar du? (om du vill berätta)"),
            "activity_other": _("Berätta gärna vad du gör"),
            "wants_contact": _("Jag vill att någon kontaktar mig"),
            "contact_when": _("När passar det bäst?"),
            "contact_detail": _("Telefonnummer eller e-post vi ska använda (om det är nytt)"),
            "has_moved": _("Jag har flyttat"),
            "moved_to": _("Vart har du flyttat? (kommun räcker)"),
            "message": _("Något mer du vill säga?"),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length:
                field.widget.attrs.setdefault("maxlength", field.max_length)
        self.helper = fields_only_helper()
        # Without JavaScript every part is on the page; the headings say when each applies.
        self.helper.layout = Layout(
            "activity",
            Fieldset(_("Om du studerar"), "school", "programme", "studies_until"),
            Fieldset(_("Om du arbetar eller gör något annat"), "employer", "activity_other"),
            Fieldset(
                _("Vill du att vi kontaktar dig?"),
                "wants_contact",
                "contact_way",
                "contact_when",
                "contact_detail",
            ),
            Fieldset(_("Har du flyttat?"), "has_moved", "moved_to"),
            Fieldset(_("Meddelande"), "message"),
        )

    def clean_studies_until(self) -> dt.date | None:
        text = self.cleaned_data.get("studies_until") or ""
        if not text.strip():
            return None
        day = birth_date_parse(text)
        today = timezone.localdate()
        if day is None:
            raise forms.ValidationError(_("Skriv datumet med åtta siffror, t.ex. 20270610."))
        if day < today or day > today + dt.timedelta(days=6 * 366):
            raise forms.ValidationError(_("Datumet ska ligga framåt i tiden, inom sex år."))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (
            data.get("activity")
            or data.get("wants_contact")
            or data.get("has_moved")
            or (data.get("message") or "").strip()
        ):
            raise forms.ValidationError(
                _(
                    "Fyll i minst en sak: vad du gör nu, om du vill att vi kontaktar dig, om du "
                    "har flyttat eller ett meddelande."
                )
            )
        if data.get("wants_contact") and not data.get("contact_way"):
            self.add_error("contact_way", _("Välj hur du vill att vi hör av oss."))
        if data.get("activity") != EserviceSubmission.Activity.STUDYING:
            data["studies_until"] = None
        return data

    def submission_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}


class RecheckForm(HoneypotMixin, forms.Form):
    """The one question a code still answers after the youth left KAA (a re-check of where
    they went); nothing is pre-selected."""

    activity = forms.ChoiceField(
        label=_("Vad gör du nu?"),
        choices=[(value, label) for value, label in EserviceSubmission.Activity.choices],
        widget=forms.RadioSelect,
        error_messages={"required": _("Välj det som stämmer bäst.")},
    )
    description = forms.CharField(
        label=_("Var? (frivilligt)"),
        required=False,
        max_length=200,
        help_text=_("T.ex. skolan eller arbetsplatsen."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()
