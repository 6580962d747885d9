"""Forms for letter batches and message templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaa.access import municipality_q
from kaa.forms import DateField, date_input, fields_only_helper
from kaa.lib.formfields import declared
from kaa.models import User
from kaa.validators import validate_header_text
from outreach.letters import merge
from outreach.letters.models import MessageTemplate
from outreach.letters.selectors import PAPER_CHANNELS, TURNING_20
from outreach.queue.models import Channel
from outreach.queue.selectors import queue_horizon


class BatchForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Utskick"),
        choices=[
            *((c, Channel(c).label) for c in PAPER_CHANNELS),
            (TURNING_20, _("Brev inför 20-årsdagen")),
        ],
    )
    until = DateField(label=_("Med sista dag till och med"), widget=date_input())
    template = forms.ModelChoiceField(label=_("Mall"), queryset=MessageTemplate.objects.none())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The queue's horizon: what the queue shows can be printed from here.
        self.fields["until"].initial = queue_horizon(timezone.localdate())
        template = declared(self, "template", forms.ModelChoiceField)
        template.queryset = MessageTemplate.objects.filter(
            municipality_q(user),
            is_active=True,
            kind__in=[*PAPER_CHANNELS, MessageTemplate.Kind.TURNING_20],
        )
        self.helper = fields_only_helper(method="get")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        template, channel = data.get("template"), data.get("channel")
        if template and channel and template.kind != channel:
            self.add_error("template", _("Mallen är inte gjord för den typen av utskick."))
        return data


class MergeTextFields:
    """A form's `subject` and `body` with merge fields: the same check for a template and for
    an SMS or e-mail written from it (unknown fields and bad braces refused, no header break
    in the subject)."""

    cleaned_data: dict[str, Any]

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        merge.validate(body)
        return body

    def clean_subject(self) -> str:
        subject = self.cleaned_data["subject"]
        validate_header_text(subject)
        merge.validate(subject)
        return subject


class TemplateForm(MergeTextFields, forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["kind", "name", "subject", "body", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()

    def validate_unique(self) -> None:
        """The municipality is set by the view; the service's save reports a clash."""
