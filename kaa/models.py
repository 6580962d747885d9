"""Core models: municipalities, teams, staff with roles, the shared base and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MUNICIPALITY_CODE_INVALID = _("Kommunkoden ska vara fyra siffror, till exempel 0484.")
TEAM_IN_OTHER_MUNICIPALITY = _("Teamet hör till en annan kommun än användaren.")
MUNICIPALITY_REQUIRED = _("Välj kommun. Bara systemadministratörer kan sakna kommun.")
AUDIT_IS_APPEND_ONLY = "The audit log is append-only: events cannot be changed or deleted."


class Municipality(models.Model):
    """A kommun. One instance can serve several, strictly separated from each other."""

    code = models.CharField(
        _("kommunkod"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", MUNICIPALITY_CODE_INVALID)],
    )
    name = models.CharField(_("namn"), max_length=100)
    full_name = models.CharField(
        _("namn i brev"),
        max_length=100,
        blank=True,
        help_text=_(
            "Som kommunen skriver sig som avsändare, t.ex. ”Askersunds kommun” eller "
            "”Stockholms stad”. Tomt: namnet med ”kommun”."
        ),
    )
    # Half-years that ended before this day were reported to SCB outside KAA: KAA neither
    # reminds of them nor drafts them. Empty: every half-year is KAA's to report.
    in_use_from = models.DateField(
        _("KAA i bruk från"),
        null=True,
        blank=True,
        help_text=_(
            "Halvår som slutade före detta datum rapporterades till SCB utanför KAA: KAA "
            "påminner inte om dem och gör inga utkast för dem. Tomt: alla halvår."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def reports_to_scb_from_kaa(self, half_year_end: dt.date) -> bool:
        """Whether the half-year ending on `half_year_end` is KAA's to report (it ended on
        or after the day KAA was taken into use)."""
        return self.in_use_from is None or half_year_end >= self.in_use_from

    @property
    def display_name(self) -> str:
        """The name a letter is signed with: the one set, else the genitive with "kommun"
        (Askersund: Askersunds kommun; a name ending in a vowel or s takes no s: Täby kommun,
        Vännäs kommun)."""
        if self.full_name:
            return self.full_name
        genitive = self.name if self.name[-1:].lower() in "aeiouyåäösxz" else f"{self.name}s"
        return f"{genitive} kommun"


class Team(models.Model):
    """A group of staff with a shared caseload, e.g. a city district (stadsdel, jobbtorg)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="teams", verbose_name=_("kommun")
    )
    name = models.CharField(_("namn"), max_length=100)

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("team")
        verbose_name_plural = _("team")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Samordnare")
    COACH = "coach", _("Ungdomscoach")
    MANAGER = "manager", _("Chef")
    ADMIN = "admin", _("Systemadministratör")
    # An account whose role waits for a second person's confirmation (kaa.accounts), or whose
    # access has been taken away: it may log in but sees and does nothing.
    NONE = "none", _("Ingen behörighet")


class User(AbstractUser):
    """A staff member. What they may see is decided in `kaa.access`, never in a view."""

    # No access until a role is given (and, from the web, confirmed by a second person).
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices, default=Role.NONE)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("kommun"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    wants_email_digest = models.BooleanField(_("vill ha morgonsammanfattning"), default=False)
    # The work phone printed on letters and postcards ({coach_telefon}) and shown to youths.
    phone = models.CharField(_("telefon i arbetet"), max_length=30, blank=True)
    # Where the home-visit alarm reaches the person by SMS (outreach.homevisits).
    mobile = models.CharField(
        _("mobilnummer"),
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^\+?[0-9][0-9 -]{5,18}$",
                _("Skriv ett mobilnummer med siffror, till exempel 070-123 45 67."),
            )
        ],
    )
    # The day the last digest went out, claimed before sending: two beats or a redelivered
    # task send no second digest the same day.
    digest_sent_on = models.DateField(null=True, blank=True, editable=False)

    # The stubs declare AbstractUser.objects over Self, which a plain UserManager() does not
    # match; the manager is the concrete model's.
    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("personal")
        verbose_name_plural = _("personal")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="admin") | models.Q(municipality__isnull=False),
                name="user_municipality_unless_admin",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role != Role.ADMIN and self.municipality_id is None:
            raise ValidationError({"municipality": MUNICIPALITY_REQUIRED})
        team = self.team if self.team_id else None
        if team is not None and team.municipality_id != self.municipality_id:
            raise ValidationError({"team": TEAM_IN_OTHER_MUNICIPALITY})

    def __str__(self) -> str:
        return self.label_of(self.first_name, self.last_name, self.username)

    @staticmethod
    def label_of(first_name: str, last_name: str, username: str) -> str:
        """How a user is named wherever one is shown or chosen: the full name, else the
        username (also for a select's options, made from these three columns alone)."""
        return f"{first_name} {last_name}".strip() or username

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_coach(self) -> bool:
        return self.role == Role.COACH

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @property
    def is_system_admin(self) -> bool:
        return self.role == Role.ADMIN


class BaseModel(models.Model):
    """Who created and last changed a row, and when; rows are archived, not deleted."""

    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    archived_at = models.DateTimeField(_("arkiverad"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    archive_reason = models.CharField(_("skäl till arkivering"), max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self, user: User, reason: str) -> None:
        """Hide the row from daily work; retention (gallring) is the only real delete."""
        self.archived_at = timezone.now()
        self.archived_by = user
        self.archive_reason = reason
        self.updated_by = user
        self.save(
            update_fields=[
                "archived_at",
                "archived_by",
                "archive_reason",
                "updated_by",
                "updated_at",
            ]
        )


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError(AUDIT_IS_APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError(AUDIT_IS_APPEND_ONLY)

    def purge_for_retention(self) -> int:
        """Gallring on a database without roles (the SQLite demo), called by
        kaa.audit.audit_purge only, which chose these events. On PostgreSQL only the
        database's own purge function deletes from the log."""
        from django.db import connection

        if connection.vendor == "postgresql" or not connection.in_atomic_block:
            raise PermissionError(AUDIT_IS_APPEND_ONLY)
        return super().delete()[0]


class AuditEvent(models.Model):
    """One read or change of personal data, or one security event. Append-only.

    Holds who, what, when, where and which youth, never the data itself (IMY's log model).
    The database refuses UPDATE and DELETE as well (a PostgreSQL trigger, migrations 0002 and
    0011), and the application's role may only SELECT and INSERT (`manage.py db_roles`).
    """

    class Action(models.TextChoices):
        READ = "read", _("Läsning")
        CREATE = "create", _("Skapande")
        UPDATE = "update", _("Ändring")
        DELETE = "delete", _("Borttagning")
        EXPORT = "export", _("Export")
        PRINT = "print", _("Utskrift")
        SEARCH = "search", _("Sökning")
        DENIED = "denied", _("Nekad åtkomst")
        LOGIN = "login", _("Inloggning")
        LOGOUT = "logout", _("Utloggning")
        LOGIN_FAILED = "login_failed", _("Misslyckad inloggning")
        LOCKED_OUT = "locked_out", _("Kontot spärrat")
        OTP_FAILED = "otp_failed", _("Fel engångskod")
        OTP_ENROLLED = "otp_enrolled", _("Tvåfaktor aktiverad")
        SESSION_EXPIRED = "session_expired", _("Sessionen gick ut")

    at = models.DateTimeField(_("tid"), default=timezone.now, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("användare"),
    )
    username = models.CharField(_("användarnamn"), max_length=150, blank=True)
    role = models.CharField(_("roll"), max_length=20, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("kommun"),
    )
    action = models.CharField(_("händelse"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("objekttyp"), max_length=60, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=40, blank=True)
    youth_id = models.BigIntegerField(_("ungdom"), null=True, blank=True)
    # A list page (the register, search results, work queues ...) is one event per page view
    # naming every youth it showed here (youth_id stays empty: a list is not a read of a record).
    youth_ids = models.JSONField(_("ungdomar i listan"), default=list, blank=True)
    detail = models.CharField(_("detalj"), max_length=200, blank=True)
    path = models.CharField(_("adress"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP-adress"), null=True, blank=True)
    request_id = models.CharField(_("anrops-id"), max_length=32, blank=True)
    # What the client sent as X-Request-ID (sanitised), for tracing its report; never the
    # correlation id, which is always KAA's own (request_id).
    client_request_id = models.CharField(_("klientens anrops-id"), max_length=64, blank=True)
    flagged = models.BooleanField(_("flaggad för granskning"), default=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("logghändelse")
        verbose_name_plural = _("logghändelser")
        indexes = [
            models.Index(fields=["youth_id", "-at"], name="audit_youth_at"),
            models.Index(fields=["user", "-at"], name="audit_user_at"),
            models.Index(fields=["municipality", "-at"], name="audit_municipality_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError(AUDIT_IS_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(AUDIT_IS_APPEND_ONLY)


class UserSession(models.Model):
    """One logged-in browser of a staff member: listed under *Mina inställningar*
    where the user can end the others; ended with the user's account when it is disabled."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="browser_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def browser(self) -> str:
        """A short, human description of the user agent ("Firefox på Windows")."""
        agent = self.user_agent
        name = next(
            (
                label
                for token, label in (
                    ("Edg/", "Edge"),
                    ("Firefox/", "Firefox"),
                    ("Chrome/", "Chrome"),
                    ("Safari/", "Safari"),
                )
                if token in agent
            ),
            "",
        )
        system = next(
            (
                label
                for token, label in (
                    ("Android", "Android"),
                    ("iPhone", "iPhone"),
                    ("iPad", "iPad"),
                    ("Windows", "Windows"),
                    ("Mac OS", "macOS"),
                    ("Linux", "Linux"),
                )
                if token in agent
            ),
            "",
        )
        return " · ".join(p for p in (name, system) if p) or agent[:60] or "–"


class OutboxItem(models.Model):
    """A background task asked for inside a transaction: written with the data it
    concerns, so that it exists exactly when the transaction commits; published to the broker
    after the commit, or by the sweeper if the broker was down then (kaa.outbox)."""

    task = models.CharField(max_length=100)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    # Set when publishing failed for a reason other than the broker (a task renamed or its
    # arguments changed by an upgrade): the sweeper passes it by; `manage.py outbox_retry`.
    failed_at = models.DateTimeField(null=True, blank=True)
    # A retry after a back-off: published at once, to run no earlier than this (the broker
    # holds it), so that a retry asked for while the broker is down is not lost either.
    not_before = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_unpublished",
                condition=models.Q(published_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"


class RoleGrant(models.Model):
    """A role asked for in the system administration. The account gets it only when a second
    person confirms: a coordinator of the account's municipality or another admin, never the
    one who asked nor the account itself (kaa.access.may_decide_role_grant). Kept as the
    record of who asked and who decided."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på godkännande")
        CONFIRMED = "confirmed", _("Godkänd")
        REJECTED = "rejected", _("Avslagen")
        WITHDRAWN = "withdrawn", _("Återkallad")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="role_grants",
        verbose_name=_("personal"),
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    reason = models.CharField(_("anledning"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("rollbegäran")
        verbose_name_plural = _("rollbegäranden")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="role_grant_one_pending_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.get_role_display()} ({self.get_status_display()})"


class AccountLink(models.Model):
    """A one-time link e-mailed to a staff member: choose a password and, if the account has
    no authenticator, enrol one. Only a hash of the link's token is stored; the link works
    once and until `expires_at` (kaa.accounts)."""

    class Purpose(models.TextChoices):
        INVITE = "invite", _("Inbjudan")
        PASSWORD = "password", _("Nytt lösenord")
        SECOND_FACTOR = "second_factor", _("Ny tvåfaktorinloggning")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer link for the same account is sent: only the latest one works.
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def municipality_id(self) -> int | None:
        """The account's municipality, so that audit events about the link belong to it."""
        return self.user.municipality_id


class AuditShipment(models.Model):
    """How far the audit log has been copied to one second store (kaa.audit_sink): every
    event up to `last_id` has been sent, except the ids in `pending`, which were missing when
    later ones were sent (a transaction still open then, or one rolled back) and are sent if
    they appear within a while."""

    sink = models.CharField(max_length=300, unique=True)
    last_id = models.BigIntegerField(default=0)
    pending = models.JSONField(default=list)  # [[id, ISO time first missed], ...]
    shipped = models.BigIntegerField(default=0)
    shipped_at = models.DateTimeField(null=True, blank=True)
    # The store could not be reached since this time (None: the last attempt worked).
    failing_since = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.sink} ≤ {self.last_id}"


class JobRun(models.Model):
    """When each scheduled job last finished without error (kaa.lib.joblock.single_run), kept
    in the database so that the metrics of every node say the same (kaa.metrics)."""

    name = models.CharField(max_length=200, unique=True)  # the job's lock: its task's path
    last_success_at = models.DateTimeField()
    last_duration = models.FloatField(default=0)  # seconds

    def __str__(self) -> str:
        return f"{self.name} {self.last_success_at:%Y-%m-%d %H:%M}"
