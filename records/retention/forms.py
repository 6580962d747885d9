"""The gallring page's form: one record type's policy."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaa.forms import fields_only_helper
from records.retention.services import minimum_refused


class RetentionPolicyForm(forms.Form):
    """One record type's gallring policy; a time shorter than KAA's own minimum is saved only
    when the coordinator confirms that the municipality's decision allows it."""

    months = forms.IntegerField(
        label=_("Gallras efter (månader)"),
        min_value=1,
        max_value=1200,
        required=False,
        help_text=_("Lämna tomt om uppgifterna ska bevaras (inget gallringsbeslut)."),
    )
    decision = forms.CharField(
        label=_("Gallringsbeslut"),
        max_length=200,
        required=False,
        help_text=_("Var beslutet finns, t.ex. dokumenthanteringsplanens nummer och paragraf."),
    )
    below_minimum_ok = forms.BooleanField(
        label=_("Kommunens gallringsbeslut medger en kortare tid än KAA:s lägsta tid"),
        required=False,
    )

    def __init__(self, *args: Any, rule: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule
        if not rule.overridable:  # no decision makes this record type's time shorter
            del self.fields["below_minimum_ok"]
        self.helper = fields_only_helper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        months = data.get("months")
        if months is not None and not (data.get("decision") or "").strip():
            self.add_error("decision", _("Ange gallringsbeslutet som tiden bygger på."))
        if months is not None and months < self.rule.minimum_months and not self.rule.overridable:
            self.add_error("months", minimum_refused(self.rule))
        elif (
            months is not None
            and months < self.rule.minimum_months
            and not data.get("below_minimum_ok")
        ):
            self.add_error(
                "months",
                _(
                    "Varning: %(m)s månader är kortare än KAA:s lägsta tid, %(min)s månader. "
                    "%(why)s Kryssa i rutan nedan om kommunens gallringsbeslut ändå medger det."
                )
                % {"m": months, "min": self.rule.minimum_months, "why": self.rule.minimum_reason},
            )
        return data
