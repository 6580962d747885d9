"""Pages of the caseload: the register list (it carries the bulk assignment), the
"Mina ungdomar" panel, assigning a coach and handing a caseload over."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaa.access import Perm, bulk_for_user, has_perm, perm_required, user_municipality_id
from kaa.audit import listed, shown
from kaa.forms import errors_apply
from kaa.lib.http import safe_next
from kaa.lib.params import int_list
from kaa.lib.todo import count_fragment
from kaa.lib.urls import url_for_ids
from kaa.types import AuthenticatedHttpRequest
from youth.caseload import forms, selectors, services
from youth.register import forms as register_forms
from youth.register import selectors as register_selectors
from youth.register.models import Youth
from youth.register.permissions import youth_get_for_user
from youth.register.views import SEARCH_SESSION_KEY, protected_filter_check

PAGE_SIZE = 50


@login_required
@require_GET
def todo_counts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start-page fragment for those who assign coaches: youths in KAA without one (a count
    only, linked to the list filtered to them)."""
    return count_fragment(
        request,
        perm=Perm.ASSIGN_CASES,
        count=selectors.unassigned_in_kaa(user=request.user).count,
        label=lambda n: ngettext("ungdom i KAA utan coach", "ungdomar i KAA utan coach", n),
        url=reverse("youth:list") + "?in_kaa=yes&unassigned=on",
    )


@login_required
@perm_required(Perm.VIEW_RECORDS)
@require_http_methods(["GET", "POST"])
def youth_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The search text goes by POST and lives in the session, so that personnummer and names
    # never appear in URLs or server logs (ASVS 14.2.1); filters stay in shareable URLs.
    if request.method == "POST":
        search = register_forms.SearchForm(request.POST)
        text = search.cleaned_data["q"].strip() if search.is_valid() else ""
        request.session[SEARCH_SESSION_KEY] = text
        query = request.GET.copy()
        query.pop("page", None)
        query["s"] = "1"
        return redirect(reverse("youth:list") + "?" + query.urlencode())
    text = request.session.get(SEARCH_SESSION_KEY, "") if "s" in request.GET else ""
    protected_filter_check(request)
    form = register_forms.YouthFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    youths = register_selectors.youth_list(
        user=request.user, filters=filters, search=text, sort=filters.get("sort") or "namn"
    )
    page = Paginator(youths, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    rows_mark(page.object_list)
    # One event per page view naming the youths shown (a search: the number of hits too).
    # Listing who has protected identity is flagged for the log review; it shows names only
    # (never what can locate them), so it needs no stated reason.
    protected = bool(filters.get("protected"))
    detail = f"hits:{page.paginator.count}" if text else "ungdomslista"
    listed(
        request,
        page.object_list,
        search=bool(text),
        what=detail + (" filter:skyddade" if protected else ""),
        flagged=protected,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "youth/caseload/list.html",
        {
            "form": form,
            "search_form": register_forms.SearchForm(initial={"q": text}),
            "page": page,
            "query": query.urlencode(),
            "search": text,
            "can_assign": has_perm(request.user, Perm.ASSIGN_CASES),
            "can_export": has_perm(request.user, Perm.EXPORT),
            # Beside the filter form, which has a coach field too: own ids for its labels.
            "assign_form": forms.AssignForm(
                municipality_id=user_municipality_id(request), auto_id="assign_%s"
            ),
        },
    )


def rows_mark(youths: list[Youth]) -> None:
    """Each listed youth gets `status_label` (as `get_status_display`, which rebuilds and
    hashes the translated choices on every call) and `detail_url`, made from one reversed
    pattern (a list page has fifty rows)."""
    labels = {k: str(v) for k, v in Youth._meta.get_field("status").flatchoices}
    detail_url = url_for_ids("youth:detail")
    for youth in youths:
        setattr(youth, "status_label", labels.get(youth.status, youth.status))  # noqa: B010
        setattr(youth, "detail_url", detail_url(youth.pk))  # noqa: B010


@login_required
@perm_required(Perm.VIEW_RECORDS)
@require_GET
def caseload_panel_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The start page's "my youths" panel (loaded by htmx; also a page of its own)."""
    youths = list(selectors.caseload_of(user=request.user))
    listed(request, youths, what="mina_ungdomar")
    template = (
        "youth/caseload/partials/_caseload.html"
        if request.htmx
        else "youth/caseload/caseload.html"
    )
    return render(request, template, {"youths": youths})


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def youth_assign_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, pk, write=True)
    form = forms.AssignForm(
        request.POST or None,
        municipality_id=user_municipality_id(request),
        initial={"coach": youth.coach_id, "was": youth.coach_id or 0},
    )
    if request.method == "GET":
        shown(request, youth, what="ungdom:tilldela")
    if request.method == "POST" and form.is_valid():
        try:
            services.youth_assign(
                youth=youth,
                coach=form.cleaned_data["coach"],
                team=None,
                actor=request.user,
                was=form.cleaned_data["was"],
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale":  # the next save is deliberate
                data = request.POST.copy()
                data["was"] = str(Youth.objects.get(pk=youth.pk).coach_id or 0)
                form.data = data
            errors_apply(form, exc)
        else:
            messages.success(request, _("Ungdomen är tilldelad."))
            return redirect("youth:detail", pk=youth.pk)
    return render(
        request, "youth/form.html", {"form": form, "youth": youth, "title": _("Tilldela coach")}
    )


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_POST
def youth_assign_bulk_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.AssignForm(request.POST, municipality_id=user_municipality_id(request))
    ids = int_list(request.POST.getlist("youth"))
    youths = list(bulk_for_user(request, Youth.objects.all(), ids, write=True))
    back = safe_next(request, reverse("youth:list"))
    if not form.is_valid() or not youths:
        messages.error(request, _("Markera minst en ungdom och välj en coach."))
        return redirect(back)
    with transaction.atomic():
        for youth in youths:
            services.youth_assign(
                youth=youth, coach=form.cleaned_data["coach"], team=None, actor=request.user
            )
    messages.success(
        request,
        ngettext("%(n)s ungdom är tilldelad.", "%(n)s ungdomar är tilldelade.", len(youths))
        % {"n": len(youths)},
    )
    return redirect(back)


@login_required
@perm_required(Perm.ASSIGN_CASES)
@require_http_methods(["GET", "POST"])
def caseload_hand_over_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = forms.HandOverForm(request.POST or None, municipality_id=user_municipality_id(request))
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.caseload_hand_over(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_apply(form, exc)
        else:
            messages.success(request, _("%(n)s ungdomar har lämnats över.") % {"n": moved})
            return redirect("youth:list")
    return render(request, "youth/form.html", {"form": form, "title": _("Lämna över ärenden")})
