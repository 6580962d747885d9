"""System administration (role admin, behind the second factor), mounted at /system/."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kaa import accounts
from kaa.access import (
    Perm,
    has_perm,
    is_operator,
    may_issue_account_link,
    may_manage_staff_member,
    staff_q,
)
from kaa.audit import audit_change, audit_event
from kaa.forms import AdminLoginForm, DateField, date_input
from kaa.lib.formfields import declared
from kaa.middleware import otp_required_for, second_factor_done
from kaa.models import AccountLink, AuditEvent, Municipality, Role, Team, User
from kaa.municipalities import NotOfficial, official, official_check


class KaaAdminSite(admin.AdminSite):
    site_header = _("KAA – systemadministration")
    site_title = _("KAA administration")
    index_title = _("Administration")
    login_form = AdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not has_perm(user, Perm.MANAGE_STAFF):
            return False
        return not otp_required_for(user) or second_factor_done(request)

    # The stubs say TemplateResponse; the admin serves whatever response this gives.
    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        """One's own password is changed on one page for everyone (audited, the other
        sessions logged out): the administration's own page leads there."""
        return redirect("kaa:password_change")


admin_site = KaaAdminSite(name="admin")


def _staff(request: HttpRequest) -> User:
    """The signed-in staff member: the site lets nobody else in (`has_permission`)."""
    return cast(User, request.user)


class AuditedAdmin(admin.ModelAdmin):
    """Every change made here also goes to the audit log, naming fields, not values."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_perm(request.user, Perm.MANAGE_STAFF)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_perm(request.user, Perm.MANAGE_STAFF)

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # staff are deactivated, never deleted: the audit log points at them

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        audit_change(request, obj, action=AuditEvent.Action.CREATE)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        changed: list[str] = []
        for entry in message if isinstance(message, list) else []:
            changed += entry.get("changed", {}).get("fields", [])
        audit_change(request, obj, fields=changed)
        return super().log_change(request, obj, message)


class MunicipalityScopedAdmin(AuditedAdmin):
    """An admin tied to one municipality manages only that municipality's rows."""

    municipality_path = "municipality"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        municipality_id = _staff(request).municipality_id
        if municipality_id is not None:
            qs = qs.filter(**{f"{self.municipality_path}_id": municipality_id})
        return qs

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        municipality_id = _staff(request).municipality_id
        if municipality_id is not None and db_field.name == "municipality":
            kwargs["queryset"] = Municipality.objects.filter(pk=municipality_id)
        elif municipality_id is not None and db_field.name == "team":
            kwargs["queryset"] = Team.objects.filter(municipality_id=municipality_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MunicipalityAdminForm(forms.ModelForm):
    """A municipality only under SCB's code and name for it (kaa.municipalities)."""

    # Declared for the date range every KAA date field keeps; label and help from the model.
    in_use_from = DateField(
        label=Municipality._meta.get_field("in_use_from").verbose_name,
        required=False,
        widget=date_input(),
        help_text=Municipality._meta.get_field("in_use_from").help_text,
    )

    class Meta:
        model = Municipality
        fields = ["code", "name", "full_name", "in_use_from"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, name = data.get("code"), data.get("name")
        if code and name:
            try:
                data["name"] = official_check(code, name).name
            except NotOfficial:
                entry = official().get(code)
                if entry is None:
                    raise forms.ValidationError(
                        _("%(code)s är ingen svensk kommunkod (SCB:s kommunkoder)."),
                        params={"code": code},
                    ) from None
                raise forms.ValidationError(
                    _("Kommunkoden %(code)s är %(official)s, inte %(name)s (SCB:s kommunkoder)."),
                    params={"code": code, "official": entry.name, "name": name},
                ) from None
        return data


@admin.register(Municipality, site=admin_site)
class MunicipalityAdmin(MunicipalityScopedAdmin):
    form = MunicipalityAdminForm
    municipality_path = "pk"
    list_display = ["name", "code"]
    search_fields = ["name", "code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = admin.ModelAdmin.get_queryset(self, request)
        municipality_id = _staff(request).municipality_id
        if municipality_id is not None:
            qs = qs.filter(pk=municipality_id)
        return qs

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A new municipality is the instance's business, not one municipality's.
        return is_operator(request.user)


@admin.register(Team, site=admin_site)
class TeamAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]


ROLE_HELP = _(
    "En ny roll gäller först när en samordnare i kommunen eller en annan "
    "systemadministratör har godkänt den. Ingen behörighet gäller direkt."
)
OUTSIDE_SCOPE = _("Kontot hör inte till din kommun, eller så försökte du ändra din egen kommun.")


# From no access, to aggregates only, to the own caseload, to every youth of the
# municipality, to managing the staff accounts.
ROLES_LEAST_FIRST = [
    (role.value, role.label)
    for role in (Role.NONE, Role.MANAGER, Role.COACH, Role.COORDINATOR, Role.ADMIN)
]


class StaffForm(forms.ModelForm):
    """Staff as an admin edits them: no password (the person chooses it through a link), and
    the role asked for, which takes effect only once a second person confirms it."""

    requested_role = forms.ChoiceField(label=_("Roll"), choices=(), help_text=ROLE_HELP)

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "municipality",
            "team",
            "is_active",
            "wants_email_digest",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "municipality" in self.fields:  # the web never makes an account of no municipality
            self.fields["municipality"].required = True
            declared(self, "municipality", forms.ModelChoiceField).empty_label = None
        if "email" in self.fields:
            self.fields["email"].required = True
            self.fields["email"].help_text = _(
                "Länken för att välja lösenord och aktivera tvåfaktorinloggning skickas hit."
            )
        if "requested_role" in self.fields:
            # Nothing chosen beforehand: whoever adds the account picks the role, and the
            # least privileged comes first. A new account asks for a role that gives access.
            roles = ROLES_LEAST_FIRST if self.instance.pk else ROLES_LEAST_FIRST[1:]
            declared(self, "requested_role", forms.ChoiceField).choices = [
                ("", "---------"),
                *roles,
            ]
        if self.instance.pk and "requested_role" in self.fields:
            pending = accounts.role_grant_pending(self.instance)
            self.fields["requested_role"].initial = pending.role if pending else self.instance.role


@admin.register(User, site=admin_site)
class StaffAdmin(MunicipalityScopedAdmin):
    form = StaffForm
    list_display = [
        "username",
        "first_name",
        "last_name",
        "role",
        "pending_role",
        "municipality",
        "team",
        "is_active",
    ]
    list_filter = ["role", "municipality", "team", "is_active"]
    list_select_related = ["municipality", "team"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["username"]
    actions = ["send_password_link", "send_second_factor_link"]
    readonly_fields = ["role_now", "pending_role", "last_login", "date_joined"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return admin.ModelAdmin.get_queryset(self, request).filter(staff_q(request.user))

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        person = (_("Person"), {"fields": ("first_name", "last_name", "email", "phone")})
        if obj is None:
            return (
                (None, {"fields": ("username",)}),
                person,
                (
                    _("Roll och tillhörighet"),
                    {"fields": ("requested_role", "municipality", "team")},
                ),
            )
        own = obj.pk == request.user.pk
        belonging: tuple[str, ...] = (
            "role_now",
            "pending_role",
            "municipality",
            "team",
            "is_active",
        )
        if not own:
            belonging = (
                "role_now",
                "requested_role",
                "pending_role",
                "municipality",
                "team",
                "is_active",
            )
        return (
            (None, {"fields": ("username",)}),
            person,
            (_("Roll och tillhörighet"), {"fields": belonging}),
            (_("Inställningar"), {"fields": ("wants_email_digest",)}),
            (_("Datum"), {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(self.readonly_fields)
        if obj is not None and obj.pk == request.user.pk:
            fields += ["municipality", "team", "is_active"]
        return fields

    @admin.display(description=_("Roll nu"))
    def role_now(self, obj: User) -> str:
        return obj.get_role_display()

    @admin.display(description=_("Väntar på godkännande"))
    def pending_role(self, obj: User) -> str:
        pending = accounts.role_grant_pending(obj) if obj.pk else None
        return pending.get_role_display() if pending else "–"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor = _staff(request)
        stored = User.objects.filter(pk=obj.pk).first() if change else None
        if not may_manage_staff_member(actor, stored, municipality_id=obj.municipality_id):
            audit_event(
                request=request,
                action=AuditEvent.Action.DENIED,
                obj=stored,
                object_type="kaa.user",
                detail="staff outside scope or own account",
                flagged=True,
            )
            raise PermissionDenied(OUTSIDE_SCOPE)
        requested = form.cleaned_data.get("requested_role")
        own = stored is not None and stored.pk == actor.pk
        # The role is never written from the form: the account keeps its role (a new one has
        # none) until a second person confirms the one asked for.
        obj.role = stored.role if stored is not None else Role.NONE
        if stored is None:
            obj.set_unusable_password()
        super().save_model(request, obj, form, change)
        changed = [
            name
            for name, now, before in (
                ("email", obj.email, stored.email if stored else obj.email),
                (
                    "municipality",
                    obj.municipality_id,
                    stored.municipality_id if stored else obj.municipality_id,
                ),
            )
            if now != before
        ]
        if (
            changed
            and not own
            and accounts.staff_identity_changed(
                user=obj, actor=actor, fields=changed, request=request
            )
        ):
            messages.warning(
                request,
                _(
                    "E-postadressen eller kommunen är ändrad: kontot har "
                    "ingen behörighet förrän rollen har godkänts igen."
                ),
            )
        if requested and not own:
            grant = accounts.role_grant_request(
                user=obj, role=requested, actor=actor, request=request
            )
            if grant is not None:
                messages.info(
                    request,
                    _(
                        "Rollen %(role)s väntar på godkännande av en "
                        "samordnare i kommunen eller en annan "
                        "systemadministratör."
                    )
                    % {"role": grant.get_role_display()},
                )
        if stored is None:
            self._send(request, [obj], AccountLink.Purpose.INVITE)

    def _send(self, request: HttpRequest, users: list[User], purpose: str) -> None:
        sent, failed = 0, []
        for user in users:
            if accounts.account_link_send(
                user=user, purpose=purpose, actor=_staff(request), request=request
            ):
                sent += 1
            else:
                failed.append(user.username)
        if sent:
            messages.success(
                request,
                ngettext(
                    "En länk har skickats till %(n)s persons e-postadress.",
                    "Länkar har skickats till %(n)s personers e-postadresser.",
                    sent,
                )
                % {"n": sent},
            )
        if failed:
            messages.error(
                request,
                _(
                    "Ingen länk kunde skickas till: %(names)s. Kontrollera "
                    "e-postadressen och försök igen."
                )
                % {"names": ", ".join(failed)},
            )

    @admin.action(description=_("Skicka länk för att välja nytt lösenord"))
    def send_password_link(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._send(
            request,
            [u for u in queryset if may_issue_account_link(request.user, u)],
            AccountLink.Purpose.PASSWORD,
        )

    @admin.action(
        description=_("Ta bort tvåfaktor och skicka ny aktiveringslänk (tappad telefon)")
    )
    def send_second_factor_link(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._send(
            request,
            [u for u in queryset if may_issue_account_link(request.user, u)],
            AccountLink.Purpose.SECOND_FACTOR,
        )
