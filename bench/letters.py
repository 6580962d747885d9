"""Benchmark of a letter batch as one PDF: in one process and in parts side by side, each run
in a fresh process (as a worker meets a batch), with the calling process's CPU and the parts'.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaa_bench_letters \\
        .venv/bin/python -m bench.letters --build 1500 --letters 500 --repeat 2

Builds (with --build, once) municipality 0100 with that many demo youths and the routine's
tasks, then renders the first `--letters` tasks' letters with the default letter template,
alternating one process (PROCESSES = 1) and parts (kaa.lib.pdf's setting).
"""

from __future__ import annotations

import argparse
import os
import subprocess  # nosec B404  # only this script, run with this interpreter
import sys
import time
from typing import Any

from bench.scb_export import _database_ensure, _django


def _build(youths: int) -> None:
    from django.core.management import call_command

    from bench.run import _staff
    from demo.youths import demo_youths_ensure
    from kaa.models import Municipality
    from outreach.models import Routine
    from outreach.routine.engine import deadlines_refresh
    from outreach.routine.services import routine_from_template

    call_command("migrate", verbosity=0)
    municipality, _ = Municipality.objects.get_or_create(
        code="0100", defaults={"name": "Riksbänk"}
    )
    _staff(municipality)
    if not Routine.objects.filter(municipality=municipality, is_current=True).exists():
        routine_from_template(municipality=municipality, key="askersund", actor=None)
    demo_youths_ensure(municipality=municipality, count=youths)
    deadlines_refresh()


def letter_tasks(municipality: Any, letters: int) -> tuple[Any, list[Any]]:
    """The default letter template and the first `letters` tasks of youths whose address
    may be printed: what a batch of that size renders."""
    from outreach.letters.services import templates_ensure_defaults
    from outreach.models import MessageTemplate, Task

    templates_ensure_defaults(municipality=municipality, actor=None)
    template = MessageTemplate.objects.filter(
        municipality=municipality, kind=MessageTemplate.Kind.LETTER
    ).first()
    tasks = list(
        Task.objects.filter(
            youth__municipality=municipality, youth__protected_identity=False
        ).select_related("youth")[:letters]
    )
    return template, tasks


def _once(letters: int, processes: int | None) -> str:
    """One batch, timed in this (fresh) process."""
    from django.urls import get_resolver

    import kaa.lib.pdf
    from kaa.models import Municipality
    from outreach.letters.pdf import batch_pdf_render
    from outreach.models import LetterBatch

    get_resolver().url_patterns  # noqa: B018  # the URL conf is loaded in a running worker
    if processes is not None:
        kaa.lib.pdf.PROCESSES = processes
    municipality = Municipality.objects.get(code="0100")
    template, tasks = letter_tasks(municipality, letters)
    batch = LetterBatch(municipality=municipality, template=template)
    load = os.getloadavg()[0]
    cpu, wall = time.process_time(), time.perf_counter()
    pdf = batch_pdf_render(batch, tasks)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    parts = sum(os.times()[2:4])
    return (
        f"| {len(tasks)} | {kaa.lib.pdf.PROCESSES} | {wall:.2f} | {cpu:.2f} | {parts:.2f} "
        f"| {len(pdf) // 1024} | {load:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--build", type=int, default=0, help="demo youths to make first")
    parser.add_argument("--letters", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--processes", type=int, help=argparse.SUPPRESS)  # one run, internal
    args = parser.parse_args()
    _database_ensure()
    _django()
    if args.processes is not None:
        print(_once(args.letters, args.processes), flush=True)
        return
    if args.build:
        _build(args.build)
    print("| letters | processes | wall s | CPU s, this process | CPU s, parts | kB | load |")
    print("|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    for _ in range(args.repeat):
        for processes in (1, 2):
            command = [sys.executable, "-m", "bench.letters", "--letters", str(args.letters)]
            subprocess.run(  # noqa: S603  # nosec B603  # a fixed argument list
                [*command, "--processes", str(processes)], check=True
            )


if __name__ == "__main__":
    main()
