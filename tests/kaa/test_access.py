"""The one access rule (kaa.access), exercised on a stand-in model with the same shape.

The youth register declares Scope(municipality, coach, team); here `User` plays the record so
the rule can be proven before the register exists: the row's own pk is the "coach" path.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kaa.access import Perm, Scope, ScopedQuerySet, get_for_user, has_perm, require
from kaa.models import AuditEvent, User


class RecordQuerySet(ScopedQuerySet):
    access_scope = Scope(municipality="municipality", coach="self_ref", team="team")


def _records():
    # "self_ref" stands in for the assigned coach: a user row "belongs" to itself.
    from django.db.models import F

    return RecordQuerySet(model=User).annotate(self_ref_id=F("pk"))


@pytest.fixture
def everyone(
    coach, colleague, other_team_coach, coordinator, manager, admin_user, stranger_coordinator
):
    return User.objects.all()


def test_a_coach_sees_own_and_own_team_records(everyone, coach, colleague, other_team_coach):
    visible = set(_records().visible_to(coach))
    assert coach in visible
    assert colleague in visible
    assert other_team_coach not in visible


def test_a_coordinator_sees_the_whole_municipality_and_nothing_else(
    everyone, coordinator, other_team_coach, stranger_coordinator
):
    visible = set(_records().visible_to(coordinator))
    assert other_team_coach in visible
    assert stranger_coordinator not in visible


@pytest.mark.parametrize("persona", ["manager", "admin_user"])
def test_managers_and_admins_see_no_individual_records(request, everyone, persona):
    user = request.getfixturevalue(persona)
    assert not _records().visible_to(user).exists()


def test_a_deactivated_user_loses_access_at_once(everyone, coach):
    coach.is_active = False
    coach.save()
    assert not _records().visible_to(coach).exists()
    assert not has_perm(coach, Perm.VIEW_RECORDS)


def test_a_stranger_gets_404_and_the_refusal_is_logged(rf, everyone, coach, other_team_coach):
    request = rf.get("/x/")
    request.user = coach
    with pytest.raises(Http404):
        get_for_user(request, _records(), pk=other_team_coach.pk)
    denied = AuditEvent.objects.get(action="denied")
    assert denied.user == coach
    assert denied.object_type == "kaa.user"


def test_a_read_only_role_gets_403_on_write(rf, everyone, coordinator, coach, monkeypatch):
    from kaa import access

    monkeypatch.setitem(access.ROLE_PERMISSIONS, "coach", frozenset({Perm.VIEW_RECORDS}))
    request = rf.post("/x/")
    request.user = coach
    assert get_for_user(request, _records(), pk=coach.pk) == coach
    with pytest.raises(PermissionDenied):
        get_for_user(request, _records(), write=True, pk=coach.pk)


@pytest.mark.parametrize(
    ("persona", "perm", "expected"),
    [
        ("coordinator", Perm.EXPORT, True),
        ("coordinator", Perm.VIEW_AUDIT_LOG, True),
        ("coach", Perm.EXPORT, False),
        ("coach", Perm.VIEW_AUDIT_LOG, False),
        ("coach", Perm.VIEW_AGGREGATES, False),
        ("manager", Perm.VIEW_AGGREGATES, True),
        ("manager", Perm.VIEW_RECORDS, False),
        ("admin_user", Perm.MANAGE_STAFF, True),
        ("admin_user", Perm.VIEW_RECORDS, False),
        ("admin_user", Perm.CONFIRM_ROLE_GRANTS, True),
        ("coordinator", Perm.CONFIRM_ROLE_GRANTS, True),
        ("coordinator", Perm.MANAGE_STAFF, False),
        ("coach", Perm.CONFIRM_ROLE_GRANTS, False),
        ("manager", Perm.ISSUE_ACCOUNT_LINKS, False),
    ],
)
def test_role_permissions(request, persona, perm, expected):
    assert has_perm(request.getfixturevalue(persona), perm) is expected


def test_an_account_whose_role_waits_for_confirmation_may_do_nothing(municipality):
    from tests.factories import UserFactory

    waiting = UserFactory(username="vantar", role="none", municipality=municipality)
    assert not [perm for perm in Perm if has_perm(waiting, perm)]


def test_require_raises_403_and_logs(rf, coach):
    request = rf.get("/x/")
    request.user = coach
    with pytest.raises(PermissionDenied):
        require(request, Perm.EXPORT)
    assert AuditEvent.objects.filter(action="denied", detail="perm:export").count() == 1


def test_user_municipality_is_the_users_own(rf, coordinator, municipality):
    from kaa.access import user_municipality, user_municipality_id

    request = rf.get("/x/")
    request.user = coordinator
    assert user_municipality(request) == municipality
    assert user_municipality_id(request) == municipality.pk
    assert not AuditEvent.objects.filter(action="denied").exists()


@pytest.mark.parametrize("helper", ["user_municipality", "user_municipality_id"])
def test_a_user_of_no_municipality_is_refused_and_logged(db, rf, helper):
    import kaa.access
    from tests.factories import UserFactory

    operator = UserFactory(username="drift", role="admin", municipality=None)
    request = rf.get("/x/")
    request.user = operator
    with pytest.raises(PermissionDenied):
        getattr(kaa.access, helper)(request)
    denied = AuditEvent.objects.get(action="denied")
    assert (denied.user, denied.detail, denied.path) == (operator, "municipality", "/x/")


def _menu(user, path="/"):
    from bs4 import BeautifulSoup

    from tests.conftest import verified_client

    page = BeautifulSoup(verified_client(user).get(path).content, "html.parser")
    bar = page.find("nav", attrs={"aria-label": "Huvudmeny"}).find("ul", class_="navbar-nav")
    top = [
        item.find(["a", "button"]).get_text(strip=True)
        for item in bar.find_all("li", class_="nav-item", recursive=False)
    ]
    grouped = [a.get_text(strip=True) for a in bar.select(".dropdown-menu a")]
    return top, grouped, page


def test_the_menu_shows_each_role_its_pages_and_groups_the_seldom_used(
    coordinator, coach, manager, admin_user
):
    top, grouped, page = _menu(coordinator)
    assert top == [
        "Start",
        "Ungdomar",
        "Arbetskö",
        "Uppföljningar",
        "Nätverksmöten",
        "Skolanmälningar",
        "Statistik",
        "SCB-rapport",
        "Administrera",
    ]
    assert grouped == [
        "Insatser och parter",
        "Loggkontroll",
        "Gallring",
        "Personal och behörigheter",
        "Identifiering",
    ]
    # The start page lists every page, grouped or not.
    start = [
        a.get_text(strip=True)
        for a in page.find("h2", string="Gå till").find_next("ul").find_all("a")
    ]
    assert start == top[1:-1] + grouped
    assert _menu(coach)[:2] == (["Start", "Ungdomar", "Arbetskö", "Uppföljningar"], [])
    assert _menu(manager)[:2] == (["Start", "Statistik"], [])
    assert _menu(admin_user)[:2] == (
        ["Start", "Administrera"],
        ["Personal och behörigheter", "Administration"],
    )


def test_a_menu_group_of_one_page_is_a_plain_link(admin_user, monkeypatch):
    from kaa import access

    monkeypatch.setitem(access.ROLE_PERMISSIONS, "admin", frozenset({Perm.MANAGE_STAFF}))
    assert _menu(admin_user)[:2] == (["Start", "Administration"], [])


def test_the_menu_marks_the_current_page_inside_a_group(coordinator):
    from django.urls import reverse

    _top, _grouped, page = _menu(coordinator, reverse("records:retention"))
    current = page.select('nav[aria-label="Huvudmeny"] [aria-current="page"]')
    assert [a.get_text(strip=True) for a in current] == ["Gallring"]
    toggle = page.find("button", class_="dropdown-toggle")
    assert "active" in toggle["class"]
    # Said to screen readers too, not only shown by the underline.
    assert (
        toggle.find("span", class_="visually-hidden").get_text(strip=True)
        == "(den aktuella sidan finns här)"
    )


def test_only_one_menu_link_is_the_current_page(coordinator):
    from django.urls import reverse

    _top, _grouped, page = _menu(coordinator, reverse("reporting:scb_list"))
    current = page.select('nav[aria-label="Huvudmeny"] [aria-current="page"]')
    assert [a.get_text(strip=True) for a in current] == ["SCB-rapport"]
    _top, _grouped, page = _menu(coordinator, reverse("reporting:definitions"))
    current = page.select('nav[aria-label="Huvudmeny"] [aria-current="page"]')
    assert [a.get_text(strip=True) for a in current] == ["Statistik"]
    assert "active" not in page.find("button", class_="dropdown-toggle")["class"]
