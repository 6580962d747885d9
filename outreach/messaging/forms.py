"""The form for writing an SMS or e-mail from the youth's page."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kaa.forms import fields_only_helper
from kaa.validators import validate_header_text
from outreach.letters import merge
from outreach.letters.forms import MergeTextFields
from outreach.letters.models import MessageTemplate
from youth.models import Youth


class MessageForm(MergeTextFields, forms.Form):
    channel = forms.ChoiceField(
        label=_("Kanal"), choices=[("sms", _("Sms")), ("email", _("E-post"))]
    )
    to_guardian = forms.BooleanField(label=_("Till vårdnadshavare"), required=False)
    subject = forms.CharField(
        label=_("Rubrik (e-post)"),
        max_length=200,
        required=False,
        validators=[validate_header_text],
        widget=forms.TextInput(attrs={"data-show-when": "channel=email"}),
    )
    body = forms.CharField(
        label=_("Meddelande"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    # One key per form shown: a double click or a resubmit queues the message only once.
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    # Set by the "Skicka ändå" button after the same text was sent within the window.
    confirm_duplicate = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        youth: Youth,
        template: MessageTemplate | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        template = template or message_templates(youth).filter(kind="sms").first()
        if template and not self.is_bound:
            # Shown, not sent: no e-service code is made for it yet (message_queue does).
            self.fields["channel"].initial = template.kind
            self.fields["subject"].initial = merge.render(template.subject, youth, make_code=False)
            self.fields["body"].initial = merge.render(template.body, youth, make_code=False)
        self.helper = fields_only_helper()


def message_templates(youth: Youth) -> QuerySet[MessageTemplate]:
    """The municipality's active SMS and e-mail templates."""
    return MessageTemplate.objects.filter(
        municipality_id=youth.municipality_id, kind__in=["sms", "email"], is_active=True
    ).order_by("kind", "name")
