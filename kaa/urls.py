"""Project URLs. Apps are included by name (strings), so this file imports none of them."""

from __future__ import annotations

from django.urls import include, path

from kaa import sso, views, views_accounts
from kaa.admin import admin_site

kaa_patterns = [
    path("", views.home, name="home"),
    path("konto/logga-in/", views.LoginView.as_view(), name="login"),
    path("konto/logga-ut/", views.LogoutView.as_view(), name="logout"),
    path("konto/sso/", sso.LoginStart.as_view(), name="oidc_login"),
    path("konto/sso/svar/", sso.Callback.as_view(), name="oidc_callback"),
    path("konto/tvafaktor/", views.otp_verify, name="otp_verify"),
    path("konto/tvafaktor/aktivera/", views.otp_setup, name="otp_setup"),
    path("installningar/", views.account_settings, name="account"),
    path("installningar/inloggningar/avsluta/", views.session_end, name="session_end"),
    path("installningar/losenord/", views_accounts.password_change, name="password_change"),
    path("konto/glomt-losenord/", views_accounts.password_forgot, name="password_forgot"),
    path("konto/session/forlang/", views.session_extend, name="session_extend"),
    path("konto/session/status/", views.session_status, name="session_status"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("konto/lank/", views_accounts.account_link_form, name="account_link_form"),
    path("konto/lank/<str:token>/", views_accounts.account_link, name="account_link"),
    path("personal/", views_accounts.staff, name="staff"),
    path(
        "personal/behorighet/<id:pk>/", views_accounts.role_grant_decide, name="role_grant_decide"
    ),
    path(
        "personal/<id:pk>/ny-tvafaktor/",
        views_accounts.staff_second_factor_link,
        name="staff_second_factor_link",
    ),
]

urlpatterns = [
    path("", include((kaa_patterns, "kaa"))),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", views.prometheus_metrics, name="metrics"),
    # The log review, gallring and the register extract keep the paths they had in kaa, youth
    # and reporting (records/urls.py).
    path("", include("records.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("system/", admin_site.urls),
    path("ungdomar/", include("youth.urls")),
    path("uppsok/", include("outreach.urls")),
    path("e/", include("outreach.eservice.public.urls")),
    path("skola/", include("plans.school.public_urls")),
    path("planer/", include("plans.urls")),
    path("statistik/", include("reporting.urls")),
]

handler400 = "kaa.views.error_400"
handler403 = "kaa.views.error_403"
handler404 = "kaa.views.error_404"
handler500 = "kaa.views.error_500"
