"""Demo municipalities, teams and staff of every role (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from kaa.accounts import role_grant_request
from kaa.models import Municipality, Role, RoleGrant, Team, User

DEMO_PASSWORD = "Demo-inloggning-2026!"  # nosec B105  # demo accounts need KAA_DEMO=true


@dataclass(frozen=True)
class DemoStaff:
    username: str
    first_name: str
    last_name: str
    role: str
    municipality_code: str | None
    team: str | None = None


MUNICIPALITIES = [("1882", "Askersund"), ("1494", "Lidköping")]
TEAMS = {"1882": ["Team Norr", "Team Söder"], "1494": ["Team Centrum"]}
STAFF = [
    DemoStaff("samordnare", "Sara", "Lindqvist", Role.COORDINATOR, "1882"),
    # Set Askersund's gallring rules: Sara approves what they propose (four eyes).
    DemoStaff("samordnare.arkiv", "Karin", "Ström", Role.COORDINATOR, "1882"),
    DemoStaff("coach.norr", "Omar", "Haddad", Role.COACH, "1882", "Team Norr"),
    DemoStaff("coach.norr2", "Elin", "Berg", Role.COACH, "1882", "Team Norr"),
    DemoStaff("coach.soder", "Jonas", "Nyström", Role.COACH, "1882", "Team Söder"),
    DemoStaff("chef", "Maria", "Ekholm", Role.MANAGER, "1882"),
    DemoStaff("admin", "Anders", "Holm", Role.ADMIN, "1882"),
    DemoStaff("samordnare.lidkoping", "Fatima", "Ali", Role.COORDINATOR, "1494"),
    DemoStaff("coach.lidkoping", "Erik", "Sundberg", Role.COACH, "1494", "Team Centrum"),
]


@transaction.atomic
def demo_staff_ensure() -> list[User]:
    """Create (or leave as they are) the demo municipalities, teams and accounts."""
    municipalities = {}
    for code, name in MUNICIPALITIES:
        municipalities[code], _ = Municipality.objects.get_or_create(
            code=code, defaults={"name": name}
        )
    teams = {}
    for code, names in TEAMS.items():
        for name in names:
            teams[name], _ = Team.objects.get_or_create(
                municipality=municipalities[code], name=name
            )
    users = []
    for number, spec in enumerate(STAFF, start=10):
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@example.se",
                "phone": f"0583-810 {number:02d}",  # printed on the demo's letters
                "role": spec.role,
                "municipality": municipalities.get(spec.municipality_code or ""),
                "team": teams.get(spec.team or ""),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users.append(user)
    return users


# A newcomer whose role the admin has asked for: the coordinator confirms or rejects it under
# Administrera → Personal och behörigheter (a role takes effect only with a second person).
NEWCOMER = DemoStaff("ny.coach", "Nora", "Nilsson", Role.COACH, "1882", "Team Söder")


@transaction.atomic
def demo_role_grant_ensure() -> RoleGrant | None:
    """The newcomer, without a role and without a password (a real one would get the
    invitation link by e-mail), and the admin's request for its role; once (idempotent)."""
    admin = User.objects.get(username="admin")
    user, created = User.objects.get_or_create(
        username=NEWCOMER.username,
        defaults={
            "first_name": NEWCOMER.first_name,
            "last_name": NEWCOMER.last_name,
            "email": f"{NEWCOMER.username}@example.se",
            "role": Role.NONE,
            "municipality": admin.municipality,
            "team": Team.objects.get(municipality=admin.municipality, name=NEWCOMER.team),
        },
    )
    if not created:
        return None
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return role_grant_request(
        user=user, role=NEWCOMER.role, actor=admin, reason="Nyanställd (demo)"
    )
