"""A long letter batch is rendered in parts side by side and joined: the same pages, text and
places as in one go, and one structure tree (PDF/UA) over all of them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

import kaa.lib.pdf
from outreach.letters.pdf import batch_pdf_render
from outreach.letters.selectors import batch_tasks
from outreach.letters.services import letter_batch_create, templates_ensure_defaults
from outreach.models import MessageTemplate
from outreach.routine import services
from outreach.routine.engine import deadlines_refresh
from tests.factories import youth_make


def _runs(page) -> list[tuple[float, float, str]]:
    """Each piece of text with the place it is drawn at."""
    out = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            out.append((round(x, 1), round(y, 1), text))

    page.extract_text(visitor_text=visit)
    return out


@pytest.fixture
def letters(municipality, coordinator, coach):
    services.routine_from_template(municipality=municipality, key="askersund", actor=coordinator)
    templates_ensure_defaults(municipality=municipality, actor=coordinator)
    for i, name in enumerate(["Maja", "Omar", "Wilma", "Elias", "Saga", "Noah"]):
        youth_make(
            municipality=municipality,
            coach=coach,
            first_name=name,
            last_name="Delsson",
            address=f"Storgatan {i + 1}",
            postal_code="69630",
            city="Askersund",
            start_date=timezone.localdate() - dt.timedelta(days=10),
        )
    deadlines_refresh()
    batch = letter_batch_create(
        user=coordinator,
        template=MessageTemplate.objects.get(kind="letter"),
        channel="postcard",
        until=timezone.localdate() + dt.timedelta(days=7),
    )
    return batch, batch_tasks(batch, user=coordinator)


def test_a_batch_in_parts_is_the_same_document_with_one_structure_tree(letters, monkeypatch):
    batch, tasks = letters
    assert len(tasks) == 6
    whole = PdfReader(io.BytesIO(batch_pdf_render(batch, tasks)))
    monkeypatch.setattr(kaa.lib.pdf, "PART_MIN", 2)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    data = batch_pdf_render(batch, tasks)
    assert data.count(b"%%EOF") == 2  # the first part, then the second added as an update
    joined = PdfReader(io.BytesIO(data))

    assert len(joined.pages) == len(whole.pages) == 6
    for one, other in zip(whole.pages, joined.pages, strict=True):
        assert _runs(other) == _runs(one)  # the same text at the same places, page by page
        assert b" Do" in other.get_contents().get_data()  # and the QR code, drawn in each part
    assert [item.title for item in joined.outline] == [item.title for item in whole.outline]

    root = joined.root_object
    assert root["/Lang"] == whole.root_object["/Lang"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/Metadata" in root
    [document] = root["/StructTreeRoot"]["/K"]
    [whole_document] = whole.root_object["/StructTreeRoot"]["/K"]
    assert len(document["/K"]) == len(whole_document["/K"])
    assert all(
        kid.get_object()["/P"].get_object() == document.get_object() for kid in document["/K"]
    )
    nums = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    assert len(keys) == len(set(keys))
    tree = dict(zip(keys, (nums[i + 1] for i in range(0, len(nums), 2)), strict=True))
    for page in joined.pages:
        # Every page's marked content points at structure elements on that page.
        elements = tree[int(page["/StructParents"])]
        assert len(elements) > 0
        assert all(
            element.get_object()["/Pg"].get_object() == page.get_object() for element in elements
        )
