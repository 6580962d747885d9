"""A comment that points to a document points into this repository: `security.md S-08` must
name a file in docs/ that holds that anchor, and no comment names an issue number (the tracker
is not part of the code; the comment states the rule instead)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SOURCES = ("kaa", "youth", "outreach", "plans", "records", "reporting", "demo", "bench")
SOURCES += ("templates", "static", "scripts", "deploy", "tests")
SUFFIXES = {".py", ".html", ".js", ".css", ".sh", ".yml", ".yaml", ".txt", ""}

ANCHOR = r"(?:§\s?[0-9][0-9.]*[a-z]?|[A-Z]{1,2}-[0-9]+)"
POINTER = re.compile(
    rf"(?<![\w/-])((?:docs/(?:adr/)?)?[a-z0-9][a-z0-9-]*\.md)"
    rf"((?:\s*{ANCHOR})(?:\s*(?:,|and|och)\s*{ANCHOR})*)?"
)
# Files the code writes (a benchmark run's table), named in it, not documents it points to.
WRITTEN = {"summary.md"}
ISSUE = re.compile(r"\bissue #[0-9]+|\(#[0-9]+\)")


def _sources() -> list[Path]:
    files = []
    for top in SOURCES:
        for path in (ROOT / top).rglob("*"):
            skipped = {"node_modules", "__pycache__", "vendor"}
            if skipped & set(path.parts):
                continue
            if path.is_file() and path.suffix in SUFFIXES and path != Path(__file__):
                files.append(path)
    return files


def _problems(path: Path) -> list[str]:
    text = path.read_text(errors="ignore")
    found = [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in ISSUE.finditer(text)]
    for match in POINTER.finditer(text):
        name = match.group(1)
        if name == "README.md" or name.startswith("RESULTS") or name in WRITTEN:
            continue
        doc = ROOT / name if name.startswith("docs/") else DOCS / name
        if not doc.exists():
            found.append(f"{path.relative_to(ROOT)}: {name} is not in docs/")
            continue
        body = doc.read_text()
        for anchor in re.findall(ANCHOR, match.group(2) or ""):
            anchor = anchor.replace("§ ", "§").rstrip(".")
            if anchor not in body:
                found.append(f"{path.relative_to(ROOT)}: {name} has no {anchor}")
    return found


def test_every_pointer_in_a_comment_resolves_inside_the_repository():
    problems = [problem for path in _sources() for problem in _problems(path)]
    assert problems == []


def test_the_check_finds_a_dangling_pointer(tmp_path):
    sample = ROOT / "kaa" / "_pointer_sample.py"
    try:
        sample.write_text(
            '"""See security.md S-99, style.md §14 and issue #12; security.md S-08 is fine."""\n'
        )
        assert sorted(_problems(sample)) == [
            "kaa/_pointer_sample.py: issue #12",
            "kaa/_pointer_sample.py: security.md has no S-99",
            "kaa/_pointer_sample.py: style.md is not in docs/",
        ]
    finally:
        sample.unlink()
