"""Reference lists shipped with KAA: registration/deregistration reasons and occupation types,
with stable internal codes that the SCB export profiles map (scb-export.md §2.3).

Used by the data migration and by the test suite (which empties tables between transactional
tests); coordinators can add and rename entries afterwards.
"""

from __future__ import annotations

from typing import Any

REGISTRATION = [
    ("AVBROTT_NATIONELLT", "Avbrott från nationellt program", 10),
    ("AVBROTT_INTRODUKTION", "Avbrott från introduktionsprogram", 20),
    ("STUDIEBEVIS", "Slutfört gymnasieskolan med studiebevis", 30),
    ("ALDRIG_GYMNASIAL", "Har aldrig studerat på gymnasial nivå", 40),
    ("FOLKBOKFORD_EJ_SKOLPLIKTIG", "Folkbokförd i en ålder utan skolplikt", 50),
    ("INFLYTTAD", "Inflyttad från annan kommun", 60),
    ("OVRIGT", "Annan orsak", 90),
]
# Shipped but not offered for new registrations: "moved in from another municipality" says
# why the municipality became responsible, not the youth's school situation that SCB's
# registration reason asks for (it could only be reported as "okänd"). Kept for the periods
# that carry it; the SCB check asks for the school situation instead.
NOT_OFFERED = {("registration", "INFLYTTAD")}
DEREGISTRATION = [
    # (code, label, order, outside target group)
    ("FYLLT_20", "Fyllt 20 år", 10, False),
    ("PABORJAT_NATIONELLT_EL_MOTSV", "Påbörjat nationellt program eller motsvarande", 20, False),
    ("SLUTFORT_MED_EXAMEN", "Slutfört gymnasieutbildning med examen", 30, False),
    ("EJ_FOLKBOKFORD_I_KOMMUNEN", "Utflyttad, inte längre folkbokförd i kommunen", 40, False),
    ("AVLIDEN", "Avliden", 50, False),
    ("FELREGISTRERAD", "Felregistrerad, tillhör inte målgruppen", 60, True),
    ("OVRIGT", "Annan orsak", 90, False),
]
# The reasons of a UKAA period (extended responsibility after 20): never offered in the
# register's forms (a coordinator's decision opens the period, the job at 25 ends it) and never
# in the SCB report, which leaves UKAA periods out.
UKAA_REASONS = [
    # (kind, code, label, order)
    ("registration", "UKAA", "Utökat aktivitetsansvar efter 20 år", 95),
    ("deregistration", "FYLLT_25", "Fyllt 25 år (utökat aktivitetsansvar)", 95),
]
OCCUPATIONS = [
    # (code, label, category, ends KAA, order)
    ("STUDIER_NATIONELLT", "Studerar på nationellt program", "studying", True, 10),
    ("STUDIER_INTRODUKTION", "Studerar på introduktionsprogram", "studying", False, 20),
    ("KOMVUX", "Studerar på komvux", "studying", False, 30),
    ("FOLKHOGSKOLA", "Studerar på folkhögskola", "studying", False, 40),
    ("ANNAN_UTBILDNING", "Annan utbildning", "studying", False, 50),
    ("ARBETE", "Arbetar", "working", False, 60),
    ("PRAKTIK", "Praktik eller arbetsmarknadsinsats", "other", False, 70),
    ("ARBETSSOKANDE", "Arbetssökande hos Arbetsförmedlingen", "other", False, 80),
    ("ANNAN", "Annan sysselsättning", "other", False, 90),
    ("SAKNAR", "Saknar sysselsättning", "none", False, 100),
    ("EXAMEN", "Har gymnasieexamen eller motsvarande", "studying", True, 110),
    ("OKAND", "Okänd", "unknown", False, 120),
]


def reference_data_ensure(reason_model: Any, occupation_type_model: Any) -> None:
    """Create the shipped entries that are missing; never overwrite local changes."""
    for code, label, order in REGISTRATION:
        reason_model.objects.get_or_create(
            kind="registration",
            code=code,
            defaults={
                "label": label,
                "sort_order": order,
                "is_active": ("registration", code) not in NOT_OFFERED,
            },
        )
    for code, label, order, outside in DEREGISTRATION:
        reason_model.objects.get_or_create(
            kind="deregistration",
            code=code,
            defaults={"label": label, "sort_order": order, "outside_target_group": outside},
        )
    for kind, code, label, order in UKAA_REASONS:
        reason_model.objects.get_or_create(
            kind=kind,
            code=code,
            defaults={"label": label, "sort_order": order, "is_active": False},
        )
    for code, label, category, ends, order in OCCUPATIONS:
        occupation_type_model.objects.get_or_create(
            code=code,
            defaults={"label": label, "category": category, "ends_kaa": ends, "sort_order": order},
        )
