"""The hand-over form: to whom, which parts (none ticked beforehand), and the youth's
agreement to this package's content."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.forms import fields_only_helper
from plans.consent.models import Consent
from plans.consent.validity import consent_covers
from plans.handover.models import HandOverPart
from plans.partners.models import Partner, PartyKind
from youth.models import Youth


class PartnerChoice(forms.ModelChoiceField):
    """Partners the consent does not cover stay choosable (the refusal then says why) but are
    marked as such."""

    def __init__(self, *args: Any, consent: Consent | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent = consent

    def label_from_instance(self, obj: Partner) -> str:
        covered = self.consent is not None and consent_covers(
            self.consent, kind=obj.kind, partner=obj
        )
        if covered:
            return obj.name
        return f"{obj.name} ({_('omfattas inte av samtycket')})"


class HandOverForm(forms.Form):
    partner = PartnerChoice(
        label=_("Samverkanspart"),
        queryset=Partner.objects.none(),
        required=False,
        help_text=_("Välj en av kommunens samverkansparter, eller en typ av part nedan."),
    )
    party_kind = forms.ChoiceField(
        label=_("Eller typ av part"),
        choices=[("", "---------"), *PartyKind.choices],
        required=False,
    )
    recipient = forms.CharField(
        label=_("Mottagarens namn"),
        max_length=200,
        required=False,
        help_text=_("Krävs för en anhörig eller annan part som inte är en samverkanspart."),
    )
    parts = forms.MultipleChoiceField(
        label=_("Delar som lämnas över"),
        choices=HandOverPart.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Bara de delar som ungdomen har godkänt."),
    )
    youth_agreed = forms.BooleanField(
        label=_("Ungdomen har godkänt att just dessa delar lämnas till mottagaren"),
        required=False,
    )

    def __init__(self, *args: Any, youth: Youth, consent: Consent | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner = cast(PartnerChoice, self.fields["partner"])
        partner.queryset = Partner.objects.filter(
            municipality_id=youth.municipality_id, is_active=True
        )
        partner.consent = consent
        self.helper = fields_only_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("partner") and data.get("party_kind"):
            self.add_error(
                "party_kind", _("Välj antingen en samverkanspart eller en typ av part.")
            )
        return data
