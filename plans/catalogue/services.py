"""The intervention catalogue each municipality starts with (the interventions KAA teams
commonly offer), each entry mapped to an internal measure code that the SCB export profile
translates.
Coordinators rename, add, re-map and deactivate entries afterwards; nothing is overwritten."""

from __future__ import annotations

from kaa.models import Municipality
from plans.catalogue.models import InterventionType, MeasureCode

SEED: list[tuple[str, str, str]] = [
    ("Samtal och motiverande samtal", MeasureCode.MOTIVATION, "Återkommande stödsamtal"),
    ("Kartläggningssamtal", MeasureCode.MOTIVATION, "Fördjupad kartläggning"),
    ("Studie- och yrkesvägledning", MeasureCode.SYV, "Vägledning av studie- och yrkesvägledare"),
    ("Hjälp med skolval och ansökan", MeasureCode.SYV, ""),
    ("Studier på plats eller på distans", MeasureCode.STUDIER, "Studier i KAA:s regi"),
    ("Studier hos annan anordnare (folkhögskola, komvux)", MeasureCode.STUDIER, ""),
    ("Individuellt studiestöd", MeasureCode.STUDIER, ""),
    ("Gruppaktivitet", MeasureCode.MOTIVATION, ""),
    ("Praktik", MeasureCode.PRAKTIK, ""),
    ("Körkortsteori", MeasureCode.ANNAN, ""),
    ("Hembesök", MeasureCode.MOTIVATION, ""),
    ("Dator och kompensatoriska hjälpmedel", MeasureCode.ANNAN, ""),
    ("Busskort", MeasureCode.ANNAN, ""),
    ("Kurslitteratur", MeasureCode.ANNAN, ""),
    ("Coffee'n coaching", MeasureCode.MOTIVATION, "Lättsam träff med coach"),
    ("Hjälp att söka ersättning, CSN eller arbete", MeasureCode.ARBETSMARKNAD, ""),
    ("Överlämning till Arbetsförmedlingen", MeasureCode.ARBETSMARKNAD, ""),
    (
        "Traineejobb eller utbildningskontrakt med Arbetsförmedlingen",
        MeasureCode.ARBETSMARKNAD,
        "",
    ),
    ("Kontakt med hälso- och sjukvården", MeasureCode.ANNAN, ""),
    ("Kontakt med socialtjänsten", MeasureCode.ANNAN, ""),
]


def catalogue_ensure(municipality: Municipality) -> None:
    """Give a municipality the starting catalogue the first time it is needed."""
    if InterventionType.objects.filter(municipality=municipality).exists():
        return
    InterventionType.objects.bulk_create(
        [
            InterventionType(
                municipality=municipality,
                name=name,
                measure_code=code,
                description=description,
                sort_order=10 * (i + 1),
            )
            for i, (name, code, description) in enumerate(SEED)
        ],
        ignore_conflicts=True,
    )
