"""Hostile input in URLs and forms never makes a server error.

Every URL pattern of the project is requested with hostile path values (a unicode digit, an id
too big for the database, a negative number, year 9999, a date that does not exist, a very long
string) and, with the ids of real objects, with hostile values for every query and form
parameter the views read, as a coordinator, a coach and an anonymous visitor (an admin for
/system/), by GET and POST; then every form on the pages is submitted as a user would leave it
but with year 9999, year 1 and huge numbers in its date and number inputs. Any answer of 500 or
above is a defect.
"""

from __future__ import annotations

import datetime as dt
import re
import traceback
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.conftest import verified_client

HUGE = "9" * 25  # bigger than any PostgreSQL integer or bigint
UNICODE_DIGIT = "\u00b2"  # '²': str.isdigit() is True, int() refuses it
LONG = "x" * 3000

# Path values tried in place of each path parameter.
PATH_VALUES = (UNICODE_DIGIT, HUGE, "-1", "9999-12-31", "0000-00-00", LONG)

# Query and form variants: (value for integer parameters, for date parameters, for the rest,
# plausible values for a few choices so that views get past their first checks).
VARIANTS = (
    (
        UNICODE_DIGIT,
        "9999-12-31",
        UNICODE_DIGIT,
        {"kind": "range", "typ": "forebyggande", "vy": "team", "channel": "postcard"},
    ),
    (HUGE, "0001-01-01", LONG, {"kind": "month", "s": "1", "status": "handled"}),
)

# Parameters read straight from request.GET / request.POST (not through a form).
INT_NAMES = {
    "page",
    "a",
    "b",
    "n",
    "insats",
    "uppgift",
    "id",
    "youth",
    "task",
    "corrects",
    "year",
    "number",
    "team",
    "template",
    "partners",
    "coach",
    "pk",
    "months",
}
DATE_NAMES = {
    "start",
    "end",
    "until",
    "held_on",
    "mottagen",
    "on",
    "date",
    "start_date",
    "end_date",
    "next_date",
    "given_on",
    "at",
    "birth_date",
}
TEXT_NAMES = {
    "s",
    "vy",
    "fresh",
    "kind",
    "status",
    "typ",
    "channel",
    "next",
    "alla",
    "action",
    "outcome",
    "key",
    "record_type",
    "decision",
    "reason",
    "reviewed",
    "code",
    "webbplats",
    "period",
    "q",
    "sort",
    "protected",
    "report",
    "fmt",
    "format",
}


def _form_fields() -> Iterator[tuple[str, forms.Field]]:
    """Every field of every form class in the project's apps."""
    import importlib

    for module in (
        "kaa.forms",
        "youth.register.forms",
        "youth.caseload.forms",
        "youth.casefile.forms",
        "youth.notes.forms",
        "youth.data_protection.forms",
        "youth.importing.forms",
        "outreach.queue.forms",
        "outreach.routine.forms",
        "outreach.eservice.forms",
        "outreach.eservice.public.forms",
        "outreach.letters.forms",
        "outreach.messaging.forms",
        "plans.actionplans.forms",
        "plans.catalogue.forms",
        "plans.consent.forms",
        "plans.conversations.forms",
        "plans.meetings.forms",
        "plans.partners.forms",
        "plans.school.forms",
        "records.retention.forms",
        "records.log_review.forms",
        "reporting.scb.forms",
        "reporting.stats.forms",
        "reporting.board.forms",
    ):
        importlib.import_module(module)
    seen: set[type] = set()
    stack = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
                if sub.__module__.split(".")[0] in (
                    "kaa",
                    "youth",
                    "outreach",
                    "plans",
                    "records",
                    "reporting",
                ):
                    yield from getattr(sub, "base_fields", {}).items()


def _parameter_names() -> tuple[set[str], set[str], set[str]]:
    ints, dates, texts = set(INT_NAMES), set(DATE_NAMES), set(TEXT_NAMES)
    for name, field in _form_fields():
        if isinstance(field, (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)):
            dates.add(name)
        elif isinstance(
            field,
            (forms.IntegerField, forms.DecimalField, forms.FloatField, forms.ModelChoiceField),
        ):
            ints.add(name)
        else:
            texts.add(name)
    texts -= ints | dates
    return ints, dates, texts


def _patterns(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    """(route, url name with namespace, pattern) for every URL pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, prefix + str(entry.pattern), ns)
        else:
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield prefix + str(entry.pattern), name, entry


PARAM_RE = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
REGEX_GROUP_RE = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def _fill(route: str, values: dict[str, str]) -> str:
    """The route with each parameter replaced (a regex route's groups as well)."""
    url = PARAM_RE.sub(lambda m: values.get(m["name"], "1"), route)
    url = REGEX_GROUP_RE.sub(lambda m: values.get(m["name"], "kaa"), url)
    return "/" + url.replace("^", "").replace("$", "")


def _params(route: str) -> list[tuple[str, str]]:
    """(name, converter) of each path parameter ("re" for a regex group)."""
    return [(m["name"], m["conv"] or "str") for m in PARAM_RE.finditer(route)] + [
        (m["name"], "re") for m in REGEX_GROUP_RE.finditer(route)
    ]


@pytest.fixture
def world(coordinator, coach, municipality) -> dict[str, Any]:
    """One youth in the coach's caseload with something behind every kind of URL."""
    from outreach.eservice.services import access_code_for, submission_save
    from outreach.letters.services import letter_batch_create, templates_ensure_defaults
    from outreach.models import MessageTemplate, Task
    from outreach.routine.engine import deadlines_refresh
    from outreach.routine.services import routine_from_template
    from plans.conversations.services import conversation_record
    from plans.meetings.services import meeting_record
    from plans.models import Consent, InterventionType, Partner, SchoolNotification
    from records.register_extract.services import extract_order
    from records.retention.models import RetentionRun
    from reporting.scb.periods import HalfYear
    from tests.access_matrix import _valid_pnr
    from tests.factories import occupation_type, plan_make, reason, youth_make
    from youth.models import ImportBatch, KaaPeriod
    from youth.notes.services import note_add

    today = timezone.localdate()
    routine_from_template(municipality=municipality, key="askersund", actor=None)
    youth = youth_make(
        municipality=municipality, coach=coach, start_date=today - dt.timedelta(days=10)
    )
    deadlines_refresh()
    plan = plan_make(youth, actor=coach, interventions=1)
    conversation = conversation_record(
        youth=youth,
        actor=coach,
        held_on=today,
        conducted_by=coach,
        school_status="dropped_out",
        occupation_type=occupation_type("SAKNAR"),
    )
    templates_ensure_defaults(municipality=municipality, actor=None)
    template = MessageTemplate.objects.get(municipality=municipality, kind="postcard")
    batch = letter_batch_create(
        user=coordinator, template=template, channel="postcard", until=dt.date(2099, 12, 31)
    )
    school, _ = Partner.objects.get_or_create(
        municipality=municipality, name="Lindboskolan", kind="school"
    )
    meeting = meeting_record(
        municipality=municipality,
        actor=coordinator,
        held_on=today,
        partners=[school],
        youth_ids=[youth.pk],
    )
    notice = SchoolNotification.objects.create(
        municipality=municipality,
        kind="stopped",
        personnummer=_valid_pnr(),
        first_name="E",
        last_name="Elev",
        school="Skolan",
        event_date=today,
        contact_name="Rektor",
        contact_email="r@skola.example",
    )
    submission = submission_save(
        code=access_code_for(youth), data={"activity": "working", "employer": "Bolaget"}
    )
    extract = extract_order(youth=youth, actor=coordinator, received_on=today, key=None)
    note = note_add(youth=youth, author=coach, text="Anteckning")
    batch_import = ImportBatch.objects.create(
        municipality=municipality,
        uploaded_by=coordinator,
        uploaded_at=timezone.now(),
        filename="lista.csv",
        rows=[["personnummer", "fornamn", "efternamn"], [_valid_pnr(), "A", "B"]],
        reason=reason("OVRIGT"),
        start_date=today,
    )
    run = RetentionRun.objects.create(
        municipality=municipality, proposed_at=timezone.now(), cutoffs={}, counts={}, items={}
    )
    from kaa.models import AuditEvent
    from records.log_review.models import AuditSample

    event = AuditEvent.objects.create(
        action="read",
        user=coach,
        username=coach.username,
        municipality=municipality,
        object_type="youth.youth",
        youth_id=youth.pk,
    )
    sample = AuditSample.objects.create(
        municipality=municipality,
        period_start=today,
        period_end=today,
        event_ids=[event.pk],
        created_by=coordinator,
    )
    task = Task.objects.filter(youth=youth).first()
    ids = {
        "records:access_sample": sample.pk,
        "youth:import_preview": batch_import.pk,
        "outreach:task_outcome": task.pk if task else 1,
        "outreach:eservice_review": submission.pk,
        "outreach:batch_detail": batch.pk,
        "outreach:batch_pdf": batch.pk,
        "outreach:batch_confirm": batch.pk,
        "outreach:template_edit": template.pk,
        "plans:conversation_detail": conversation.pk,
        "plans:school_detail": notice.pk,
        "plans:school_accept": notice.pk,
        "plans:school_reject": notice.pk,
        "plans:meeting_detail": meeting.pk,
        "plans:catalogue_edit": InterventionType.objects.filter(municipality=municipality)
        .first()
        .pk,
        "plans:partner_edit": school.pk,
        "records:retention_decide": run.pk,
    }
    consent = Consent.objects.filter(youth=youth).first()
    for name in (
        "consent_detail",
        "consent_revoke",
        "consent_paper",
        "consent_pdf",
        "consent_scan",
    ):
        ids[f"plans:{name}"] = consent.pk
    return {
        "ids": ids,
        "youth": youth.pk,
        "plan": plan.pk,
        "intervention": plan.interventions.first().pk,
        "period": KaaPeriod.objects.filter(youth=youth).first().pk,
        "note": note.pk,
        "extract": extract.pk,
        "period_str": str(HalfYear.containing(today)),
        "code": access_code_for(youth).code,
    }


def _real_values(name: str, world: dict[str, Any]) -> dict[str, str]:
    """The path parameters of URL `name` filled with ids of the world's objects."""
    values = {
        "youth_pk": world["youth"],
        "intervention_pk": world["intervention"],
        "period_pk": world["period"],
        "note_pk": world["note"],
        "extract_pk": world["extract"],
        "period": world["period_str"],
        "code": world["code"],
        "object_id": "1",
        "content_type_id": "1",
        "id": "1",
        "app_label": "kaa",
        "url": "x/",
        # An account link's token of the right shape that was never issued.
        "token": "A" * 43,
        # A coverage list (the other lists' names are as plain).
        "kind": "saknas",
    }
    if name in world["ids"]:
        values["pk"] = world["ids"][name]
    elif name.startswith("plans:"):
        values["pk"] = world["plan"]
    else:
        values["pk"] = world["youth"]
    return {k: str(v) for k, v in values.items()}


def _query(
    variant: tuple[str, str, str, dict[str, str]], names: tuple[set[str], set[str], set[str]]
) -> dict[str, str]:
    int_value, date_value, text_value, plausible = variant
    ints, dates, texts = names
    data = {name: int_value for name in ints}
    data.update({name: date_value for name in dates})
    data.update({name: text_value for name in texts})
    data.update(plausible)
    return data


def _client(user) -> Client:
    client = verified_client(user) if user else Client()
    client.raise_request_exception = False
    return client


# Values put into a page's own forms, by input type; everything else keeps its default.
FORM_VARIANTS = (
    {"date": "9999-12-31", "datetime-local": "9999-12-31T23:59", "number": "9999"},
    {"date": "0001-01-01", "datetime-local": "0001-01-01T00:00", "number": HUGE},
)
FILLERS = {
    "email": "a@example.se",
    "tel": "0701234567",
    "number": "1",
    "date": "2026-01-15",
    "datetime-local": "2026-01-15T10:00",
    "hidden": "",
}


def _field_default(field: Any, base: dict[str, Any]) -> tuple[Any, str] | None:
    """What a user leaves in one input (None: nothing is sent) and the input's type."""
    if field.name == "select":
        options = field.find_all("option")
        chosen = [o for o in options if o.has_attr("selected")] or [
            o for o in options if o.get("value")
        ][:1]
        return (chosen[0].get("value", chosen[0].text), "select") if chosen else None
    if field.name == "textarea":
        return field.text or "Text", "textarea"
    kind = field.get("type", "text").lower()
    if kind in ("submit", "button", "file", "image", "reset"):
        return None
    if kind in ("checkbox", "radio"):
        first_radio = kind == "radio" and field["name"] not in base
        return (
            (field.get("value", "on"), kind) if field.has_attr("checked") or first_radio else None
        )
    return field.get("value") or FILLERS.get(kind, "Text"), kind


def _form_submissions(html: str, url: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Each form of a page filled in as a user would leave it (defaults, the first choice),
    with hostile values in its date and number fields: (method, action, data)."""
    from bs4 import BeautifulSoup

    for form in BeautifulSoup(html, "html.parser").find_all("form"):
        post = form.get("method", "").lower() == "post" or form.has_attr("hx-post")
        action = form.get("action") or form.get("hx-post") or form.get("hx-get") or url
        if not action.startswith("/"):
            continue
        base: dict[str, Any] = {}
        kinds: dict[str, str] = {}
        for field in form.find_all(["input", "select", "textarea"]):
            if not field.get("name") or field.has_attr("disabled"):
                continue
            default = _field_default(field, base)
            if default is not None:
                base[field["name"]], kinds[field["name"]] = default
        hostile = [n for n, k in kinds.items() if k in ("date", "datetime-local", "number")]
        for variant in FORM_VARIANTS if hostile else ():
            yield (
                "post" if post else "get",
                action,
                {**base, **{n: variant[kinds[n]] for n in hostile}},
            )


def _requests(
    route: str, name: str, world: dict[str, Any], names, who: str
) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(method, url, data) to try on one pattern as `who`, after a plain GET of it."""
    real = _real_values(name, world)
    url = _fill(route, real)
    if who == "anonymous" and not route.startswith(PUBLIC):
        # Sent to the login page before any parameter is read.
        yield "get", url, _query(VARIANTS[0], names)
        return
    for number, variant in enumerate(VARIANTS if who != "coach" else VARIANTS[:1]):
        yield "get", url, _query(variant, names)
        if who != "coach" and (number == 0 or who == "anonymous"):
            yield "post", url, _query(variant, names)
    for param, converter in _params(route):
        # `<id:...>` matches ASCII digits only: nothing else reaches a view.
        values = (HUGE,) if converter in ("int", "id") or who == "coach" else PATH_VALUES
        for value in values:
            yield "get", _fill(route, {**real, param: value}), {}


@pytest.fixture
def no_pdf(monkeypatch):
    """PDF rendering is not what is tested here, and it costs half a second a page."""
    import kaa.lib.pdf
    import outreach.letters.pdf
    import plans.actionplans.views
    import plans.consent.views
    import reporting.board.services

    def stub(template: str, context: dict[str, Any], **options: Any) -> bytes:
        return b"%PDF-1.7 test"

    for module in (
        kaa.lib.pdf,
        plans.actionplans.views,
        plans.consent.views,
        reporting.board.services,
    ):
        monkeypatch.setattr(module, "pdf_render", stub)
    monkeypatch.setattr(outreach.letters.pdf, "pdf_render_parts", stub)


# Pages that answer without a login.
PUBLIC = ("e/", "skola/", "konto/", "system/login/", "i18n/", "healthz", "tillganglighet/")

# The URL space in two parts, so that parallel test processes share the work.
AREAS = ("planer/ uppsok/", "ungdomar/ statistik/ system/ e/ skola/ other")


def _area(route: str) -> str:
    first = route.split("/", 1)[0] + "/"
    return next((a for a in AREAS if first in a.split()), AREAS[-1])


@pytest.mark.django_db
@pytest.mark.parametrize("area", AREAS)
def test_no_url_answers_500_to_hostile_parameters(
    area, world, coordinator, coach, admin_user, no_pdf
):
    names = _parameter_names()
    failures: list[str] = []
    forms_seen: set[tuple] = set()
    for route, name, _pattern in _patterns():
        if _area(route) != area:
            continue
        # The system pages are for admins; everyone else is sent to their login page.
        people = (
            {"admin": admin_user, "anonymous": None}
            if route.startswith("system/")
            else {"coordinator": coordinator, "coach": coach, "anonymous": None}
        )
        for who, user in people.items():
            client = _client(user)  # a fresh one: a POST may log out or end the session
            url = _fill(route, _real_values(name, world))
            page, failed = _request(client, who, "get", url, {})
            failures += failed
            for method, target, data in _requests(route, name, world, names, who):
                failures += _request(client, who, method, target, data)[1]
            if (
                who == "coach"
                or page.status_code != 200
                or "html" not in page.get("Content-Type", "")
            ):
                continue
            for method, target, data in _form_submissions(page.content.decode(), url):
                # A form on many pages (the search in the header) is tried once.
                key = (who, method, target.split("?")[0], tuple(sorted(data.items())))
                if key not in forms_seen:
                    forms_seen.add(key)
                    failures += _request(client, f"{who} form", method, target, data)[1]
    assert not failures, "\n".join(failures[:60]) + f"\n({len(failures)} in all)"


def _request(
    client: Client, who: str, method: str, url: str, data: dict[str, Any]
) -> tuple[HttpResponse, list[str]]:
    """One request in a savepoint (a database error must not spoil the ones after it): the
    response and a description of the failure, if it was one."""
    savepoint = transaction.savepoint()
    response = getattr(client, method)(url, data)
    if response.status_code < 500:
        transaction.savepoint_commit(savepoint)
        return response, []
    transaction.set_rollback(False)  # (else the rollback to the savepoint is refused)
    transaction.savepoint_rollback(savepoint)
    where = ""
    if error := getattr(response, "exc_info", None):
        frames = [f for f in traceback.extract_tb(error[2]) if "/site-packages/" not in f.filename]
        where = f" {error[0].__name__}: {str(error[1])[:80]}"
        if frames:
            where += f" at {frames[-1].filename}:{frames[-1].lineno}"
    return response, [
        f"{who} {method.upper()} {url[:100]} {_short(data)} -> {response.status_code}{where}"
    ]


def _short(data: dict[str, Any]) -> str:
    return " ".join(sorted({str(v)[:12] for v in data.values()}))[:80]


def test_the_fuzz_fills_every_path_parameter():
    """A new path parameter needs a real value in `_real_values`, or the fuzz only ever sees
    404s on that URL."""
    known = {
        "pk",
        "youth_pk",
        "intervention_pk",
        "period_pk",
        "note_pk",
        "extract_pk",
        "period",
        "code",
        "object_id",
        "content_type_id",
        "id",
        "app_label",
        "url",
        "token",
        "kind",
    }
    unknown = {
        (route, p) for route, _n, _p in _patterns() for p, _c in _params(route) if p not in known
    }
    assert not unknown
