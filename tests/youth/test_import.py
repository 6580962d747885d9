"""Import of the register list: the diff, idempotency, row errors, encodings, the command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from demo.youths import personnummer_for
from tests.factories import reason, youth_make
from youth.importing.services import ImportFileError, import_apply, import_plan
from youth.models import ColumnMapping, KaaPeriod, Youth

HEADER = "personnummer;fornamn;efternamn;adress;postnummer;postort;telefon;epost;avlamnande_skola"


def _pnr(years: int, serial: int, days: int = 20) -> str:
    today = timezone.localdate()
    return personnummer_for(
        today.replace(year=today.year - years) - dt.timedelta(days=days), serial
    )


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _apply(municipality, raw, filename="lista.csv"):
    plan = import_plan(raw=raw, filename=filename, municipality=municipality)
    import_apply(plan=plan, municipality=municipality, reason=reason("OVRIGT"), actor=None)
    return plan


def test_it_reports_new_updated_unchanged_missing_and_errors(municipality):
    kept = youth_make(municipality=municipality, phone="070-1")
    moved = youth_make(municipality=municipality, address="Gamla vägen 1")
    gone = youth_make(municipality=municipality)
    new = _pnr(17, 901)
    raw = _csv(
        f"{kept.personnummer};{kept.first_name};{kept.last_name};;;;070-1;;",
        f"{moved.personnummer};{moved.first_name};{moved.last_name};Nya vägen 2;;;;;",
        f"{new};Alva;Berg;Storgatan 1;123 45;Askersund;070-2;alva@example.se;Alléskolan",
        "20080320-0014;Fel;Nummer;;;;;;",
        f"{_pnr(21, 902)};För;Gammal;;;;;;",
        f"{_pnr(17, 903)};;Utannamn;;;;;;",
    )
    plan = import_plan(raw=raw, filename="lista.csv", municipality=municipality)
    assert plan.summary() == (
        "1 ungdom fick en ny KAA-period. 1 ungdom fick nya kontaktuppgifter. "
        "1 ungdom var oförändrad. 3 rader med fel hoppades över. "
        "1 ungdom i KAA fanns inte i listan."
    )
    assert [e.row for e in plan.errors] == [5, 6, 7]
    # Each error names the column and what the file has there.
    assert [(e.column_name, e.value) for e in plan.errors] == [
        ("Personnummer", "20080320-0014"),
        ("Personnummer", _pnr(21, 902)),
        ("Förnamn", ""),
    ]
    assert "Kontrollsiffran" in plan.errors[0].message
    assert "fyllt 20" in plan.errors[1].message
    assert plan.updated[0][2] == ["address"]
    assert plan.missing == [gone]
    assert Youth.objects.count() == 3  # planning writes nothing


def test_applying_twice_changes_nothing_the_second_time(municipality):
    raw = _csv(*(f"{_pnr(17, 500 + i)};Namn{i};Efter{i};Gata {i};;;;;" for i in range(5)))
    first = _apply(municipality, raw)
    assert first.summary() == "5 ungdomar fick en ny KAA-period."
    second = _apply(municipality, raw)
    assert second.summary() == "5 ungdomar var oförändrade."
    assert Youth.objects.count() == 5
    assert KaaPeriod.objects.filter(end_date__isnull=True).count() == 5


def test_duplicates_in_the_file_are_merged(municipality):
    number = _pnr(18, 600)
    raw = _csv(f"{number};Alva;Berg;;;;070-1;;", f"{number[2:]};Alva;Berg;Storgatan 1;;;;;")
    plan = _apply(municipality, raw)
    assert plan.merged == 1
    youth = Youth.objects.get()
    assert (youth.phone, youth.address) == ("070-1", "Storgatan 1")


def test_a_returning_youth_gets_a_new_period_and_new_details(municipality):
    youth = youth_make(municipality=municipality, open_period=False)  # ended today
    raw = _csv(f"{youth.personnummer};{youth.first_name};x;Ny väg 3;;;;;")
    same_day = import_plan(raw=raw, filename="x.csv", municipality=municipality)
    assert "tidigast börja dagen efter" in same_day.errors[0].message
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    plan = import_plan(raw=raw, filename="x.csv", municipality=municipality, start_date=tomorrow)
    import_apply(
        plan=plan,
        municipality=municipality,
        reason=reason("OVRIGT"),
        actor=None,
        start_date=tomorrow,
    )
    assert plan.summary().startswith(
        "1 ungdom fick en ny KAA-period. 1 ungdom fick nya kontaktuppgifter."
    )
    assert youth.periods.count() == 2
    assert youth.periods.get(end_date__isnull=True).start_date == tomorrow
    youth.refresh_from_db()
    assert youth.address == "Ny väg 3"


def test_field_lengths_and_email_are_row_errors(municipality):
    raw = _csv(
        f"{_pnr(17, 950)};Alva;Berg;;123 45 STOCKHOLM CENTRUM;;;;",
        f"{_pnr(17, 951)};Alva;Berg;;;;;inte-en-adress;",
        f"{_pnr(17, 952)};Alva;Berg;;;;;;",
    )
    plan = import_plan(raw=raw, filename="x.csv", municipality=municipality)
    assert [e.row for e in plan.errors] == [2, 3]
    assert (plan.errors[0].column_name, plan.errors[0].value) == (
        "Postnummer",
        "123 45 STOCKHOLM CENTRUM",
    )
    assert "för långt (högst 10 tecken)" in plan.errors[0].message
    assert (plan.errors[1].column_name, plan.errors[1].value) == ("E-post", "inte-en-adress")
    assert "E-postadressen" in plan.errors[1].message


def test_a_file_in_an_unknown_encoding_is_refused(municipality):
    with pytest.raises(ImportFileError, match="varken UTF-8 eller Windows-1252"):
        import_plan(
            raw=HEADER.encode() + b"\n\x81\x8d;x;y\n", filename="x.csv", municipality=municipality
        )


def test_a_file_without_valid_rows_never_offers_to_deregister_everyone(municipality):
    youth_make(municipality=municipality)
    with pytest.raises(ImportFileError, match="inga giltiga rader"):
        import_plan(
            raw=_csv("20080320-0014;Fel;Nr;;;;;;"), filename="x.csv", municipality=municipality
        )


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_bom_and_windows_1252_and_commas_are_read(municipality, encoding):
    text = "Personnummer,Fornamn,Efternamn,Postort\n" + f"{_pnr(17, 700)},Åsa,Öberg,Lidköping\n"
    plan = import_plan(raw=text.encode(encoding), filename="x.csv", municipality=municipality)
    assert plan.new[0]["first_name"] == "Åsa"
    assert plan.new[0]["city"] == "Lidköping"


def test_xlsx_is_read(municipality):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    sheet.append([_pnr(17, 710), "Alva", "Berg", "Storgatan 1", "", "", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    plan = import_plan(raw=out.getvalue(), filename="lista.xlsx", municipality=municipality)
    assert len(plan.new) == 1


def test_a_saved_mapping_reads_another_layout(municipality):
    mapping = {"personnummer": "PNR", "fornamn": "Tilltalsnamn", "efternamn": "Släktnamn"}
    raw = _csv(f"{_pnr(17, 720)};Alva;Berg", header="PNR;Tilltalsnamn;Släktnamn")
    plan = import_plan(raw=raw, filename="ist.csv", municipality=municipality, mapping=mapping)
    assert plan.new[0]["last_name"] == "Berg"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "tom"),
        (b"namn;telefon\nAlva;070\n", "saknar kolumnerna"),
        (b"PK\x03\x04broken", "Excelfilen"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_message(municipality, raw, message):
    with pytest.raises(ImportFileError, match=message):
        import_plan(raw=raw, filename="x.csv", municipality=municipality)


def test_the_command_prints_the_summary_and_row_errors(municipality, tmp_path, capsys):
    path = tmp_path / "lista.csv"
    path.write_bytes(_csv(f"{_pnr(17, 800)};Alva;Berg;;;;;;", "20080320-0014;Fel;Nr;;;;;;"))
    call_command("import_register", str(path), municipality="1882", dry_run=True)
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == "1 ungdom fick en ny KAA-period. 1 rad med fel hoppades över."
    assert out[0].startswith("row 3:")
    assert not Youth.objects.exists()
    call_command("import_register", str(path), municipality="1882")
    assert Youth.objects.count() == 1


def test_the_command_exits_non_zero_on_an_unreadable_file(municipality, tmp_path):
    path = tmp_path / "tom.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("import_register", str(path), municipality="1882")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_register", str(tmp_path / "nope.csv"), municipality="1882")


def test_the_command_uses_a_saved_mapping(municipality, tmp_path, capsys):
    ColumnMapping.objects.create(
        municipality=municipality,
        name="IST",
        mapping={"personnummer": "PNR", "fornamn": "FN", "efternamn": "EN"},
    )
    path = tmp_path / "ist.csv"
    path.write_bytes(_csv(f"{_pnr(17, 810)};Alva;Berg", header="PNR;FN;EN"))
    call_command("import_register", str(path), municipality="1882", mapping="IST")
    assert capsys.readouterr().out.strip().endswith("fick en ny KAA-period.")


def test_ten_thousand_rows_import_in_bulk(municipality, django_assert_max_num_queries):
    # The query count, not the time, is asserted here: speed is measured in bench/.
    raw = _csv(
        *(f"{_pnr(16, i, days=10 + i % 997)};N{i};E{i};Gata {i};;;;;" for i in range(10000))
    )
    plan = import_plan(raw=raw, filename="stor.csv", municipality=municipality)
    assert plan.summary() == "10000 ungdomar fick en ny KAA-period."
    with django_assert_max_num_queries(60):
        import_apply(plan=plan, municipality=municipality, reason=reason("OVRIGT"), actor=None)
    assert Youth.objects.count() == 10000


def test_an_import_keeps_a_staff_edit_made_since_the_preview_and_makes_older_forms_stale(
    municipality, coach
):
    from django.core.exceptions import ValidationError

    from youth.models import FieldChange
    from youth.register.services import youth_contact_update

    youth = youth_make(municipality=municipality, phone="070-000", email="gammal@example.se")
    opened_version = Youth.objects.get(pk=youth.pk).version  # a coach opens the contact form
    raw = _csv(
        f"{youth.personnummer};{youth.first_name};{youth.last_name};;;;070-999;ny@example.se;"
    )
    plan = import_plan(raw=raw, filename="x.csv", municipality=municipality)
    assert plan.updated[0][2] == ["phone", "email"]
    # Between the preview and "Importera", a colleague corrects the address by hand.
    youth_contact_update(
        youth=Youth.objects.get(pk=youth.pk),
        actor=coach,
        version=opened_version,
        address="Nya gatan 4",
    )
    import_apply(plan=plan, municipality=municipality, reason=reason("OVRIGT"), actor=None)
    youth.refresh_from_db()
    assert youth.address == "Nya gatan 4"  # not put back from the preview's stale copy
    assert (youth.phone, youth.email) == ("070-999", "ny@example.se")  # the file's changes,
    assert list(
        FieldChange.objects.filter(youth=youth, by=None)
        .order_by("field")
        .values_list("field", "old", "new")
    ) == [  # in the field history
        ("email", "gammal@example.se", "ny@example.se"),
        ("phone", "070-000", "070-999"),
    ]
    assert youth.version == opened_version + 2  # ... and each writer bumped the version
    # The coach's form, opened before both, is refused instead of putting 070-000 back.
    with pytest.raises(ValidationError):
        youth_contact_update(youth=youth, actor=coach, version=opened_version, phone="070-000")
    assert Youth.objects.get(pk=youth.pk).phone == "070-999"


def test_a_restricted_record_is_neither_updated_nor_offered_for_deregistration(municipality):
    restricted = youth_make(municipality=municipality, phone="070-1")
    Youth.objects.filter(pk=restricted.pk).update(restricted_at=timezone.now())
    other = youth_make(municipality=municipality)
    raw = _csv(
        f"{restricted.personnummer};{restricted.first_name};x;;;;070-2;;",
        f"{_pnr(17, 990)};Alva;Berg;;;;;;",
    )
    plan = import_plan(raw=raw, filename="x.csv", municipality=municipality)
    assert "begränsad" in plan.errors[0].message
    assert plan.missing == [other]
    import_apply(plan=plan, municipality=municipality, reason=reason("OVRIGT"), actor=None)
    assert Youth.objects.get(pk=restricted.pk).phone == "070-1"
