"""Every page KAA serves is valid HTML (the Nu Html Checker, npm's vnu-jar in tests/vnu, on the
machine's Java): a sample of staff and e-service pages, and the sections htmx loads into them,
rendered through the test client and validated in one run. htmx's own `hx-*` attributes are
the one thing the checker may name: they are how the pages load their sections."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess  # nosec B404: runs the pinned validator on files this test wrote
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tests.factories import consent_make, plan_make, youth_make

pytestmark = pytest.mark.django_db

VNU = Path(__file__).resolve().parents[1] / "vnu" / "node_modules" / "vnu-jar" / "build"
VNU_JAR = VNU / "dist" / "vnu.jar"
# htmx's attributes: the one kind of message left out.
HTMX_ATTRIBUTE = re.compile(r"^Attribute “hx-[a-z-]+” not allowed on element")
FRAGMENT = (
    '<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Del</title></head>'
    "<body><main>{}</main></body></html>"
)


def validate(documents: dict[str, str], tmp_path: Path) -> dict[str, list[str]]:
    """The checker's errors per document name, htmx attributes left out."""
    if shutil.which("java") is None or not VNU_JAR.exists():
        pytest.fail("The HTML validator is missing: scripts/test installs it (Java, tests/vnu)")
    files = {}
    for index, (name, html) in enumerate(documents.items()):
        path = tmp_path / f"page{index}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    result = subprocess.run(  # nosec B603: fixed arguments, the files written above
        [
            "java",
            "-Xss4m",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--stdout",
            "--exit-zero-always",
            *(str(p) for p in tmp_path.glob("page*.html")),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=240,
    )
    problems: dict[str, list[str]] = {}
    for message in json.loads(result.stdout)["messages"]:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        if HTMX_ATTRIBUTE.match(message.get("message", "")):
            continue
        url = message.get("url", "")
        name = files.get(url.rsplit("/", 1)[-1], url)
        problems.setdefault(name, []).append(
            f"{message.get('lastLine')}: {message['message']} [{message.get('extract', '')}]"
        )
    return problems


def _document(html: str) -> str:
    """A whole page as it is; a section htmx loads, inside a page of its own (list items,
    like the start page's counts, inside the list they are swapped into)."""
    start = html.lstrip().lower()
    if start.startswith("<!doctype"):
        return html
    return FRAGMENT.format(f"<ul>{html}</ul>" if start.startswith("<li") else html)


def _get(client, url: str, **headers) -> str:
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


@pytest.fixture
def sample(municipality, coordinator, coach):
    from outreach.routine import services as routines
    from outreach.routine.engine import deadlines_refresh
    from youth.notes.services import note_add

    routines.routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    youth = youth_make(
        municipality=municipality,
        coach=coach,
        first_name="Alva",
        last_name="Bergström",
        phone="070-123 45 67",
        start_date=timezone.localdate() - dt.timedelta(days=21),
    )
    deadlines_refresh()
    note_add(youth=youth, author=coach, text="Ringde <5 minuter, inget svar.")
    consent = consent_make(youth, actor=coordinator)
    plan = plan_make(youth, actor=coordinator, interventions=1)
    return youth, consent, plan


def test_the_staff_pages_and_their_sections_are_valid_html(
    client_for, coordinator, coach, sample, tmp_path
):
    youth, consent, plan = sample
    staff = client_for(coordinator)
    pages = {
        name: _get(staff, url)
        for name, url in {
            "start": reverse("kaa:home"),
            "ungdomar": reverse("youth:list"),
            "ungdom": reverse("youth:detail", args=[youth.pk]),
            "uppsök (hel sida)": reverse("outreach:youth_tab", args=[youth.pk]),
            "planer (hel sida)": reverse("plans:youth_tab", args=[youth.pk]),
            "samtycke": reverse("plans:consent_detail", args=[youth.pk, consent.pk]),
            "plan": reverse("plans:plan_detail", args=[youth.pk, plan.pk]),
            "kontakt": reverse("outreach:contact_log", args=[youth.pk]),
            "arbetskö": reverse("outreach:queue"),
            "rutiner": reverse("outreach:routines"),
            "utskick": reverse("outreach:batch_new"),
            "nätverksmöte": reverse("plans:meeting_new"),
            "förebyggande": reverse("plans:preventive_new"),
            "skolanmälningar": reverse("plans:school_inbox"),
            "loggkontroll": reverse("records:audit_list"),
            "styrelserapporter": reverse("reporting:reports"),
            "inställningar": reverse("kaa:account"),
            "tillgänglighet": reverse("kaa:accessibility"),
        }.items()
    }
    htmx = {"HTTP_HX_REQUEST": "true"}
    for name, url in {
        "uppsök (del)": reverse("outreach:youth_tab", args=[youth.pk]),
        "planer (del)": reverse("plans:youth_tab", args=[youth.pk]),
    }.items():
        pages[name] = FRAGMENT.format(_get(staff, url, **htmx))
    coach_client = client_for(coach)
    pages["start (coach)"] = _get(coach_client, reverse("kaa:home"))
    pages["mina ungdomar (del)"] = FRAGMENT.format(
        _get(coach_client, reverse("youth:caseload"), **htmx)
    )
    problems = validate(pages, tmp_path)
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_the_public_pages_are_valid_html(client, sample, tmp_path):
    from outreach.eservice.services import access_code_for

    youth, _consent, _plan = sample
    pages = {
        "e-tjänst": _get(client, reverse("eservice:start")),
        "logga in": _get(client, reverse("kaa:login")),
        "skolans anmälan": _get(client, reverse("school:notify")),
    }
    # A wrong birth date and a missing field: the page with its error summary.
    code = access_code_for(youth)
    pages["e-tjänst, fel"] = client.post(
        reverse("eservice:start"), {"code": code.display, "birth_date": "20000101"}
    ).content.decode()
    pages["e-tjänst, tomt"] = client.post(reverse("eservice:start"), {}).content.decode()
    # A bot's post with a field missing: the page's own error and the field's, in one summary.
    bot = client.post(reverse("eservice:start"), {"code": code.display, "webbplats": "x"})
    pages["e-tjänst, två fel"] = bot.content.decode()
    assert pages["e-tjänst, två fel"].count('id="error-summary"') == 1
    signed_in = client.post(
        reverse("eservice:start"),
        {"code": code.display, "birth_date": youth.birth_date.strftime("%Y%m%d")},
    )
    assert signed_in.status_code == 302
    pages["e-tjänst, svar"] = _get(client, reverse("eservice:answer"))
    empty = client.post(reverse("eservice:answer"), {"studies_until": "x"})
    pages["e-tjänst, svar med fel"] = empty.content.decode()
    assert "Fyll i minst en sak" in pages["e-tjänst, svar med fel"]
    assert pages["e-tjänst, svar med fel"].count('id="error-summary"') == 1
    problems = validate(pages, tmp_path)
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_every_page_of_the_access_matrix_is_valid_html(db, request, client_for, tmp_path):
    """The matrix builds data for every page that shows personal data: each one as a person
    allowed to see it (a page, or a section htmx loads)."""
    from tests.access_matrix import CASES, EXEMPT, PERSONAS

    users = {name: request.getfixturevalue(name) for name in PERSONAS}
    pages = {}
    for case in CASES:
        kwargs, _marker = case.build(users)
        query = kwargs.pop("_query", "")
        persona = next(p for p in PERSONAS if p in case.allowed)
        response = client_for(users[persona]).get(
            reverse(case.url_name, kwargs=kwargs) + case.query + query
        )
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[case.url_name] = _document(html)
    # The pages it leaves out that need no object (forms, configuration), as a coordinator,
    # and the staff pages outside its namespaces.
    coordinator = client_for(users["coordinator"])
    names = [*EXEMPT, "kaa:staff", "kaa:account", "reporting:definitions"]
    for name in names:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        response = coordinator.get(url)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            pages[name] = _document(response.content.decode())
    assert len(pages) > 40
    problems = validate(pages, tmp_path)
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
