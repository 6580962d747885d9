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
