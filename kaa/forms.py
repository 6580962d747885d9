"""Forms of the core: login, second factor and the audit-log filter."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from kaa.lib.formfields import declared
from kaa.lib.params import validate_date_range
from kaa.models import User

OTP_INVALID = _(
    "Koden stämmer inte. Kontrollera att klockan i telefonen går rätt och försök "
    "igen med en ny kod."
)


def date_input() -> forms.DateInput:
    """A native date picker that round-trips ISO dates."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A date every part of KAA can count with (kaa.lib.params.DATE_MIN..DATE_MAX): year 9999
    is a valid date, but adding a day to it is an error."""

    default_validators = [validate_date_range]


class DateTimeField(forms.DateTimeField):
    default_validators = [validate_date_range]


def formfield_bounded(db_field: Any, **kwargs: Any) -> forms.Field | None:
    """`Meta.formfield_callback` of a ModelForm: its date fields keep to the same range."""
    field = db_field.formfield(**kwargs)
    if isinstance(field, (forms.DateField, forms.DateTimeField)):
        field.validators.append(validate_date_range)
    return field


def fields_only_helper(*, method: str = "post") -> FormHelper:
    """crispy renders the fields; the template owns the <form> tag and the buttons. `method`
    is that tag's: crispy adds the CSRF token only to a POST form, since a GET form would put
    the token into the URL (history, logs, Referer)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.form_method = method
    return helper


def submit_helper(submit_label: str, *, method: str = "post") -> FormHelper:
    """A crispy helper that renders the form with one submit button labelled `submit_label`."""
    helper = FormHelper()
    helper.form_method = method
    helper.add_input(Submit("submit", submit_label))
    return helper


def _username_capped(form: AuthenticationForm) -> None:
    """Django sets the username field's max_length after creating it, so the length is never
    checked: a longer name would reach authentication and the lockout log, whose column is
    shorter, and fail there."""
    field = declared(form, "username", forms.CharField)
    field.validators.append(MaxLengthValidator(field.max_length or 150))


class LoginForm(AuthenticationForm):
    """Django's login form; its error text does not reveal whether the username exists."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _username_capped(self)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        self.helper = submit_helper(str(_("Logga in")))


class AdminLoginForm(AdminAuthenticationForm):
    """The login of /system/, with the same length check as LoginForm."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _username_capped(self)


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Engångskod"),
        min_length=6,
        max_length=8,
        help_text=_("Sex siffror från din autentiseringsapp."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def __init__(self, *args: Any, submit_label: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(submit_label or str(_("Fortsätt")))

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(OTP_INVALID)
        return token


class AccountSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["phone", "mobile", "wants_email_digest"]
        help_texts = {
            "phone": _("Skrivs ut på brev och vykort till dina ungdomar ({coach_telefon}).")
        }
        labels = {
            "mobile": _("Mobilnummer för larm vid hembesök (sms)"),
            "wants_email_digest": _(
                "Skicka en sammanfattning av min arbetskö varje "
                "vardagsmorgon (bara antal, inga namn)"
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(str(_("Spara")))


def errors_apply(form: forms.BaseForm, exc: Any) -> None:
    """Put a service's ValidationError on the form: by field where it names one, else on top.
    The form keeps everything the user entered."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class OwnPasswordForm(PasswordChangeForm):
    """Change one's own password: the current one first, then the new one twice (the
    installation's password rules)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].widget.attrs.update({"autocomplete": "current-password"})
        self.fields["new_password1"].widget.attrs.update({"autocomplete": "new-password"})
        self.fields["new_password2"].widget.attrs.update({"autocomplete": "new-password"})
        self.helper = fields_only_helper()


class PasswordForgotForm(forms.Form):
    who = forms.CharField(
        label=_("Användarnamn eller e-postadress"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = fields_only_helper()


class AccountLinkForm(SetPasswordForm):
    """The page of a one-time link: choose a password (the installation's password rules)
    and, for an account with no authenticator yet, confirm the new one with its first code."""

    def __init__(self, user: Any, *args: Any, device: Any = None, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.device = device
        self.fields["new_password1"].widget.attrs.update({"autocomplete": "new-password"})
        if device is not None:
            self.fields["token"] = forms.CharField(
                label=_("Engångskod"),
                min_length=6,
                max_length=8,
                help_text=_("Sex siffror från autentiseringsappen, när du har skannat QR-koden."),
                widget=forms.TextInput(
                    attrs={
                        "autocomplete": "one-time-code",
                        "inputmode": "numeric",
                        "pattern": "[0-9]*",
                    }
                ),
            )
        self.helper = fields_only_helper()

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(OTP_INVALID)
        return token

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The code is checked last, once the password is acceptable: a code is spent when
        # checked, and the person should not need a new one only because of the password.
        if self.device is not None and not self.errors and data.get("token"):
            if not self.device.verify_token(data["token"]):
                self.add_error("token", OTP_INVALID)
        return data
