"""Demo municipalities, teams and staff of every role (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from demo.factories.kaa import MunicipalityFactory, TeamFactory, UserFactory
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
    municipalities: dict[str, Municipality] = {}
    for code, name in MUNICIPALITIES:
        municipalities[code] = MunicipalityFactory.create(code=code, name=name)
    teams: dict[str, Team] = {}
    for code, names in TEAMS.items():
        for name in names:
            teams[name] = TeamFactory.create(municipality=municipalities[code], name=name)
    users = []
    for number, spec in enumerate(STAFF, start=10):
        # An account that exists is left as it is (its password too).
        user = User.objects.filter(username=spec.username).first() or UserFactory.create(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            phone=f"0583-810 {number:02d}",  # printed on the demo's letters
            role=spec.role,
            municipality=municipalities.get(spec.municipality_code or ""),
            team=teams.get(spec.team or ""),
            password=DEMO_PASSWORD,
        )
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
    if User.objects.filter(username=NEWCOMER.username).exists():
        return None
    user = UserFactory.create(
        username=NEWCOMER.username,
        first_name=NEWCOMER.first_name,
        last_name=NEWCOMER.last_name,
        role=Role.NONE,
        municipality=admin.municipality,
        team=Team.objects.get(municipality=admin.municipality, name=NEWCOMER.team),
        password=None,  # unusable: a real newcomer would get the invitation link by e-mail
    )
    return role_grant_request(
        user=user, role=NEWCOMER.role, actor=admin, reason="Nyanställd (demo)"
    )
