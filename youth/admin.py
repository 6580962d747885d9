"""Reference lists (reasons, occupation types) are edited by administrators at /system/."""

from __future__ import annotations

from django.contrib import admin

from kaa.admin import AuditedAdmin, admin_site
from youth.models import OccupationType, Reason


@admin.register(Reason, site=admin_site)
class ReasonAdmin(AuditedAdmin):
    list_display = ["label", "kind", "code", "is_active", "outside_target_group", "sort_order"]
    list_filter = ["kind", "is_active"]


@admin.register(OccupationType, site=admin_site)
class OccupationTypeAdmin(AuditedAdmin):
    list_display = ["label", "code", "category", "ends_kaa", "is_active", "sort_order"]
    list_filter = ["category", "is_active"]
