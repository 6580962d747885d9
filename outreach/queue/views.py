"""Views of the work queue: the queue and its quick outcomes, logging contacts, a youth
reached, and the weekly review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kaa.access import Perm, bulk_for_user, get_for_user, has_perm, perm_required
from kaa.audit import listed, shown
from kaa.lib.http import safe_next
from kaa.lib.params import int_list
from kaa.lib.todo import TodoItem, todo_fragment
from kaa.types import AuthenticatedHttpRequest
from outreach.queue import forms, selectors, services
from outreach.queue.models import ONE_WAY_CHANNELS, ContactAttempt, Task, outcomes_for
from youth.models import Youth
from youth.register.permissions import youth_get_for_user

QUEUE_PAGE_SIZE = 100
# A task marked done more than this many days before it is due asks the person to confirm
# (a letter marked done weeks before its step was most likely clicked on the wrong row).
EARLY_DAYS = 7
KIND_ESERVICE = "e-tjanst"


@login_required
@perm_required(Perm.VIEW_RECORDS)
@require_GET
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    default = "kommun" if has_perm(request.user, Perm.VIEW_MUNICIPALITY_RECORDS) else "mina"
    view = request.GET.get("vy", default)
    view = view if view in selectors.VIEWS else default
    # `typ=e-tjanst`: only the e-service answers waiting to be read (linked from the start page).
    kind = Task.Kind.ESERVICE if request.GET.get("typ") == KIND_ESERVICE else ""
    today = timezone.localdate()
    queryset = selectors.queue_tasks(user=request.user, view=view, today=today, kind=kind)
    # Counted per bucket and step in SQL; only one page of tasks is read and rendered (a
    # municipality's queue can hold thousands of tasks in a week).
    counts = selectors.queue_counts(queryset, today)
    paginator = Paginator(queryset, QUEUE_PAGE_SIZE)
    paginator.count = counts["total"]
    page = paginator.get_page(request.GET.get("page"))
    tasks = selectors.quick_outcomes_mark(selectors.guardian_gaps_mark(list(page.object_list)))
    selectors.queue_rows_mark(tasks)
    selectors.protection_known(tasks)
    # The queue names youths: one audit event for the page, naming every youth shown.
    listed(request, [t.youth_id for t in tasks], what="arbetsko")
    return render(
        request,
        "outreach/queue/queue.html",
        {
            "buckets": selectors.queue_groups(tasks, today, counts),
            "view": view,
            "count": counts["total"],
            "page": page,
            "query": f"vy={view}" + (f"&typ={KIND_ESERVICE}" if kind else ""),
            "only_eservice": bool(kind),
            "can_see_municipality": has_perm(request.user, Perm.VIEW_MUNICIPALITY_RECORDS),
            "can_configure": has_perm(request.user, Perm.CONFIGURE),
            "today": today,
            "horizon": selectors.queue_horizon(today),
        },
    )


@login_required
@require_GET
def todo_counts(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Start-page fragment: counts only, each a link to the queue that lists them."""
    if not has_perm(request.user, Perm.VIEW_RECORDS):
        return todo_fragment(request, [])
    municipality = has_perm(request.user, Perm.VIEW_MUNICIPALITY_RECORDS)
    view = "kommun" if municipality else "mina"
    counts = selectors.todo_counts(user=request.user, view=view, today=timezone.localdate())
    queue_url = reverse("outreach:queue") + f"?vy={view}"
    items = []
    if not municipality:
        items.append(
            TodoItem(
                counts["today"],
                ngettext("uppgift i dag", "uppgifter i dag", counts["today"]),
                queue_url + "#bucket-today",
            )
        )
    items += [
        TodoItem(
            counts["overdue"],
            ngettext("försenad uppgift", "försenade uppgifter", counts["overdue"]),
            queue_url + "#bucket-overdue",
            urgent=True,
        ),
        TodoItem(
            counts["eservice"],
            ngettext(
                "svar via e-tjänsten att gå igenom",
                "svar via e-tjänsten att gå igenom",
                counts["eservice"],
            ),
            queue_url + f"&typ={KIND_ESERVICE}",
        ),
    ]
    return todo_fragment(request, items)


@login_required
@require_POST
def task_outcome(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The second click: an outcome for one task ("reached" asks for more on its own page)."""
    task = get_for_user(request, Task.objects.select_related("youth"), write=True, pk=pk)
    outcome = request.POST.get("outcome", "")
    if task.link:  # scheduled by plans: done by recording the follow-up there
        return redirect(task.link)
    if outcome == ContactAttempt.Outcome.REACHED:
        return redirect(reverse("outreach:reached", args=[task.youth_id]) + f"?uppgift={task.pk}")
    if outcome not in outcomes_for(task.channel) or task.status != Task.Status.OPEN:
        messages.error(request, _("Utfallet kunde inte registreras."))
    elif _too_early(task) and request.POST.get("confirm") != "1":
        shown(request, task.youth, what="utfall")
        return render(
            request,
            "outreach/queue/outcome_confirm.html",
            {
                "task": task,
                "outcome": outcome,
                "outcome_label": ContactAttempt.Outcome(outcome).label,
                "next": safe_next(request, reverse("outreach:queue")),
            },
        )
    else:
        services.task_complete(task=task, staff=request.user, outcome=outcome)
        messages.success(
            request,
            _("%(task)s för %(name)s: %(outcome)s.")
            % {
                "task": task.title,
                "name": task.youth.full_name,
                "outcome": ContactAttempt.Outcome(outcome).label,
            },
        )
    return redirect(safe_next(request, reverse("outreach:queue")))


def _too_early(task: Task) -> bool:
    return (task.due_date - timezone.localdate()).days > EARLY_DAYS


@login_required
@require_POST
def tasks_bulk_done(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Mark many tasks done at once, e.g. 30 postcards sent."""
    ids = int_list(request.POST.getlist("task"))
    # Only what is carried out in one go (sending, filing) can be marked done in bulk;
    # a call or a visit has an outcome of its own.
    tasks = list(
        bulk_for_user(request, Task.objects.all(), ids, write=True)
        .filter(status="open", channel__in=ONE_WAY_CHANNELS)
        .select_related("youth")
    )
    if not has_perm(request.user, Perm.EDIT_RECORDS) or not tasks:
        messages.error(
            request,
            _(
                "Markera minst ett utskick eller en anmälan. Samtal och "
                "besök registreras ett och ett med sitt utfall."
            ),
        )
        return redirect(safe_next(request, reverse("outreach:queue")))
    with transaction.atomic():
        for task in tasks:
            services.task_complete(task=task, staff=request.user)
    messages.success(request, _("%(n)s uppgifter är markerade som utförda.") % {"n": len(tasks)})
    return redirect(safe_next(request, reverse("outreach:queue")))


def _task_named(request: AuthenticatedHttpRequest, youth: Youth) -> Task | None:
    """The task named in the address (?uppgift=): one of this youth's tasks (404 and a denial
    otherwise)."""
    task_ids = int_list([request.GET.get("uppgift", "")])
    if not task_ids:
        return None
    return get_for_user(request, Task.objects.all(), write=True, youth=youth, pk=task_ids[0])


@login_required
@require_http_methods(["GET", "POST"])
def reached(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, pk, write=True)
    task = _task_named(request, youth)
    if request.method == "GET":
        shown(request, youth, what="nadd")
    # The task's channel when there is one; otherwise the person says how the youth was reached.
    # What the youth wants is the coach's answer to give: no choice is made in advance.
    initial = {"channel": task.channel if task and task.channel else ""}
    form = forms.ReachedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            follow_up, _attempt = services.reached_record(
                youth=youth, staff=request.user, task=task, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("%(name)s är nådd. Nästa: %(title)s senast %(due)s.")
                % {
                    "name": youth.full_name,
                    "title": follow_up.title,
                    "due": follow_up.due_date.isoformat(),
                },
            )
            return redirect("youth:detail", pk=youth.pk)
    return render(
        request, "outreach/queue/reached.html", {"form": form, "youth": youth, "task": task}
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_log(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    youth = youth_get_for_user(request, pk, write=request.method == "POST")
    task = _task_named(request, youth)
    form = forms.ContactForm(request.POST or None, task=task)
    if request.method == "GET":
        shown(request, youth, what="kontaktforsok")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["outcome"] == ContactAttempt.Outcome.REACHED:
            url = reverse("outreach:reached", args=[youth.pk])
            return redirect(url + (f"?uppgift={task.pk}" if task else ""))
        try:
            services.contact_attempt_log(youth=youth, staff=request.user, task=task, **data)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Kontaktförsöket är registrerat."))
            return redirect(reverse("youth:detail", args=[youth.pk]) + "#uppsok")
    return render(
        request, "outreach/queue/contact_form.html", {"form": form, "youth": youth, "task": task}
    )


@login_required
@perm_required(Perm.VIEW_RECORDS)
@require_GET
def weekly_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    review = selectors.weekly_review_lists(user=request.user)
    listed(request, [y.pk for group in review.values() for y in group], what="veckogenomgang")
    return render(request, "outreach/queue/review.html", review)
