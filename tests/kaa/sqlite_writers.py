"""Writers on one SQLite file, run as its own process by tests/kaa/test_sqlite_demo.py.

`web THREADS SAVES` saves municipalities the way a view does (read the row, then write it, in
one transaction) from several threads; `worker SECONDS` keeps writing like a Celery job.
Prints one line: `errors N` and the first error. `--plain` takes the database options away,
to show what the demo did before it had them.
"""

from __future__ import annotations

import os
import sys
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaa.settings_test")


def setup() -> list[str]:
    from django.db import connection

    from kaa.models import Municipality

    with connection.schema_editor() as editor:
        editor.create_model(Municipality)
    Municipality.objects.bulk_create(
        [Municipality(code=f"{n:04d}", name=f"K{n}") for n in range(1, 21)]
    )
    return []


def worker(seconds: float) -> list[str]:
    """A job that keeps writing one row, holding the write lock a while each time."""
    from django.db import transaction

    from kaa.models import Municipality

    errors: list[str] = []
    until, n = time.monotonic() + seconds, 0
    while time.monotonic() < until:
        try:
            with transaction.atomic():
                Municipality.objects.filter(code="0001").update(name=f"jobb {n}")
                time.sleep(0.02)
            n += 1
        except Exception as exc:  # noqa: BLE001 - counted and printed
            errors.append(repr(exc))
        time.sleep(0.005)
    return errors


def web(threads: int, saves: int) -> list[str]:
    """Requests on threads of one server, each saving rows as a form's view does."""
    from django.db import connection, transaction

    from kaa.models import Municipality

    errors: list[str] = []
    start = threading.Barrier(threads)

    def save(t: int) -> None:
        start.wait(30)
        try:
            for n in range(saves):
                try:
                    with transaction.atomic():
                        row = Municipality.objects.get(code=f"{2 + (t + n) % 19:04d}")
                        row.name = f"tråd {t} spar {n}"
                        row.save()
                except Exception as exc:  # noqa: BLE001 - counted and printed
                    errors.append(repr(exc))
        finally:
            connection.close()

    running = [threading.Thread(target=save, args=(t,)) for t in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return errors


def main(argv: list[str]) -> int:
    import django
    from django.conf import settings

    if "--plain" in argv:
        settings.DATABASES["default"]["OPTIONS"] = {}
        argv = [a for a in argv if a != "--plain"]
    django.setup()
    role = argv[1]
    if role == "setup":
        errors = setup()
    elif role == "worker":
        errors = worker(float(argv[2]))
    else:
        errors = web(int(argv[2]), int(argv[3]))
    print(f"errors {len(errors)} {errors[:1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
