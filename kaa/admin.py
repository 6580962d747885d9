"""System administration (role admin, behind the second factor), mounted at /system/."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kaa.access import Perm, has_perm
from kaa.audit import audit_change
from kaa.forms import AdminLoginForm
from kaa.middleware import otp_required_for
from kaa.models import AuditEvent, Municipality, Team, User


class KaaAdminSite(admin.AdminSite):
    site_header = _("KAA – systemadministration")
    site_title = _("KAA administration")
    index_title = _("Administration")
    login_form = AdminLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not has_perm(user, Perm.MANAGE_STAFF):
            return False
        return not otp_required_for(user) or user.is_verified()  # type: ignore[union-attr]


admin_site = KaaAdminSite(name="admin")


class AuditedAdmin(admin.ModelAdmin):
    """Every change made here also goes to the audit log, naming fields, not values."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_perm(request.user, Perm.MANAGE_STAFF)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_perm(request.user, Perm.MANAGE_STAFF)

    has_add_permission = has_view_permission  # type: ignore[assignment]
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
        municipality_id = request.user.municipality_id
        if municipality_id is not None:
            qs = qs.filter(**{f"{self.municipality_path}_id": municipality_id})
        return qs

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        municipality_id = request.user.municipality_id
        if municipality_id is not None and db_field.name == "municipality":
            kwargs["queryset"] = Municipality.objects.filter(pk=municipality_id)
        elif municipality_id is not None and db_field.name == "team":
            kwargs["queryset"] = Team.objects.filter(municipality_id=municipality_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Municipality, site=admin_site)
class MunicipalityAdmin(MunicipalityScopedAdmin):
    municipality_path = "pk"
    list_display = ["name", "code"]
    search_fields = ["name", "code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.municipality_id is not None:
            qs = qs.filter(pk=request.user.municipality_id)
        return qs


@admin.register(Team, site=admin_site)
class TeamAdmin(MunicipalityScopedAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]
    list_select_related = ["municipality"]


@admin.register(User, site=admin_site)
class StaffAdmin(MunicipalityScopedAdmin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "municipality", "team",
                    "is_active"]
    list_filter = ["role", "municipality", "team", "is_active"]
    list_select_related = ["municipality", "team"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("first_name", "last_name", "email")}),
        (_("Roll och tillhörighet"), {"fields": ("role", "municipality", "team", "is_active")}),
        (_("Inställningar"), {"fields": ("wants_email_digest",)}),
        (_("Datum"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Roll och tillhörighet"), {"fields": ("first_name", "last_name", "email", "role",
                                                 "municipality", "team")}),
    )
    readonly_fields = ["last_login", "date_joined"]
