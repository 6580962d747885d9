"""The form for writing an SMS or e-mail from the youth's page."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.forms import fields_only_helper
from kaa.validators import validate_header_text
from outreach.letters import merge
from outreach.letters.models import MessageTemplate
from youth.models import Youth


class MessageForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Kanal"), choices=[("sms", _("Sms")), ("email", _("E-post"))]
    )
    to_guardian = forms.BooleanField(label=_("Till vårdnadshavare"), required=False)
    subject = forms.CharField(
        label=_("Rubrik (e-post)"),
        max_length=200,
        required=False,
        validators=[validate_header_text],
    )
    body = forms.CharField(
        label=_("Meddelande"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    # One key per form shown: a double click or a resubmit queues the message only once.
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def __init__(self, *args: Any, youth: Youth, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template = MessageTemplate.objects.filter(
            municipality_id=youth.municipality_id, kind="sms", is_active=True
        ).first()
        if template and not self.is_bound:
            # Shown, not sent: no e-service code is made for it yet (message_queue does).
            self.fields["body"].initial = merge.render(template.body, youth, make_code=False)
        self.helper = fields_only_helper()
