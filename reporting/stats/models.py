"""The daily contact sums the statistics read for days that can no longer change."""

from __future__ import annotations

from django.db import models

from kaa.models import Municipality


class ContactDay(models.Model):
    """Contacts summed per municipality, day and kind, so that the statistics stay fast over
    years of contacts: they read these for days up to `RollupState.built_through` and count
    later days live, with the same grouping function (reporting.stats.rollup.contact_groups)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    team_id = models.IntegerField(null=True)  # the youth's team when the day was summed
    day = models.DateField()
    channel = models.CharField(max_length=20)
    direction = models.CharField(max_length=5)
    outcome = models.CharField(max_length=20)
    age = models.SmallIntegerField(null=True)
    occupation_id = models.IntegerField(null=True)  # valid on the day, for reached contacts
    led = models.BooleanField()
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["municipality", "day"], name="contact_day_lookup")]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.day} {self.channel} {self.outcome} {self.n}"


class RollupState(models.Model):
    """How far the daily contact sums reach for a municipality."""

    municipality = models.OneToOneField(Municipality, on_delete=models.CASCADE, related_name="+")
    built_through = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.municipality_id}: {self.built_through}"


class PeriodDay(models.Model):
    """KAA periods as daily changes, so that "in KAA on a day" is a sum over a few thousand
    rows instead of a scan of every period: per municipality, the youth's current team, day
    and whether the period ended as registered in error, how many periods start that day
    (`opened`), ended the day before (`closed`), were first reached that day (`reached`) and,
    of those reached, ended the day before (`reached_closed`). Youths in KAA on day D is then
    the sum of `opened - closed` over the days up to D.

    The database keeps these rows itself (triggers of migration reporting 0009) in the same
    transaction as every write of a period, a youth's team or municipality, or a reason's
    "registered in error" flag, also bulk UPDATEs and raw SQL; concurrent writers add to the
    same row with an atomic upsert, so nothing is lost or counted twice.
    `reporting.stats.period_sums` reads them; `period_days_rebuild` rebuilds them from scratch."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    team_id = models.IntegerField(null=True)
    day = models.DateField()
    error = models.BooleanField()  # the period ended as registered in error (felregistrerad)
    opened = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    reached = models.IntegerField(default=0)
    reached_closed = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "team_id", "day", "error"],
                nulls_distinct=False,
                name="period_day_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.day} +{self.opened} -{self.closed}"
