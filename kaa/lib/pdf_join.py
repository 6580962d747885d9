"""One tagged PDF (PDF/UA-1) from several that WeasyPrint rendered of the same template.

The first part's file is kept as it is and the others are added to it as an incremental update
(their pages, fonts and images unchanged). Each part's structure tree is moved under the first
part's Document element, in order, and its parent tree keys are shifted past the keys before
it, so the pages' marked content still points at its structure elements. Bookmarks follow
their pages. Catalog entries (language, metadata, MarkInfo, title display) are the first
part's: the parts come from one template and one language.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, PdfObject


def _dict(obj: PdfObject | None) -> DictionaryObject:
    obj = obj.get_object() if obj is not None else None
    if not isinstance(obj, DictionaryObject):
        raise ValueError("not a tagged PDF as WeasyPrint writes it")
    return obj


def _array(obj: PdfObject | None) -> ArrayObject:
    obj = obj.get_object() if obj is not None else None
    if not isinstance(obj, ArrayObject):
        raise ValueError("not a tagged PDF as WeasyPrint writes it")
    return obj


def _document(tree_root: DictionaryObject) -> DictionaryObject:
    """The one Document element under the structure tree's root."""
    return _dict(_array(tree_root["/K"])[0])


def _nums(tree_root: DictionaryObject) -> ArrayObject:
    parent_tree = _dict(tree_root["/ParentTree"])
    if "/Kids" in parent_tree:
        raise ValueError("only a flat parent tree (as WeasyPrint writes it) can be joined")
    return _array(parent_tree["/Nums"])


class Joined:
    """The first part opened for an incremental update (this reads all of it, so it is done
    while the other parts may still be rendering); `add` the others in order, then `pdf`."""

    def __init__(self, first: bytes) -> None:
        self.writer = PdfWriter(PdfReader(io.BytesIO(first)), incremental=True)
        self.tree_root = _dict(self.writer.root_object["/StructTreeRoot"])
        self.document = _document(self.tree_root)
        self.kids = _array(self.document["/K"])
        self.nums = _nums(self.tree_root)

    def add(self, data: bytes) -> None:
        writer, nums = self.writer, self.nums
        reader = PdfReader(io.BytesIO(data))
        # Past every key in use: pages and annotations each have their own.
        offset = max(int(nums[i]) for i in range(0, len(nums), 2)) + 1
        start = len(writer.pages)
        writer.append(reader)
        for page, source in zip(writer.pages[start:], reader.pages, strict=True):
            key = int(source["/StructParents"]) + offset  # type: ignore[call-overload]
            page[NameObject("/StructParents")] = NumberObject(key)
            for annotation in _array(page.get("/Annots", ArrayObject())):
                annotation = _dict(annotation)
                if "/StructParent" in annotation:
                    key = int(annotation["/StructParent"]) + offset  # type: ignore[call-overload]
                    annotation[NameObject("/StructParent")] = NumberObject(key)
        source_root = _dict(reader.root_object["/StructTreeRoot"])
        # Cloned after the pages, so each element's /Pg is the page already added.
        for element in _array(_document(source_root)["/K"]).clone(writer):
            _dict(element)[NameObject("/P")] = self.document.indirect_reference
            self.kids.append(element)
        source_nums = _nums(source_root).clone(writer)
        for i in range(0, len(source_nums), 2):
            nums.append(NumberObject(int(source_nums[i]) + offset))
            nums.append(source_nums[i + 1])

    def pdf(self) -> bytes:
        out = io.BytesIO()
        self.writer.write(out)
        return out.getvalue()


def pdf_join(parts: list[bytes]) -> bytes:
    """The parts' pages in order as one PDF with one structure tree."""
    if len(parts) == 1:
        return parts[0]
    joined = Joined(parts[0])
    for part in parts[1:]:
        joined.add(part)
    return joined.pdf()
