"""The container's health check (the Dockerfile's HEALTHCHECK): `python deploy/healthcheck.py`.

Asks this container's web server for /healthz and exits 0 when it answers 200 ("ok", or
"degraded": the web tier keeps serving without Redis), 1 otherwise (the database down, no
answer). It sends a host name that ALLOWED_HOSTS accepts, since Django answers any other with
400, and imports nothing of KAA or Django, so that a check every half minute costs next to
nothing.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/healthz"


def allowed_host() -> str:
    """The first name of ALLOWED_HOSTS ('.kommun.se' allows 'kommun.se'); Django's default
    names when it is unset."""
    for name in os.environ.get("ALLOWED_HOSTS", "").split(","):
        name = name.strip()
        if name:
            return "localhost" if name == "*" else name.lstrip(".")
    return "localhost"


def main() -> int:
    url = os.environ.get("KAA_HEALTHCHECK_URL") or DEFAULT_URL
    if not url.startswith(("http://", "https://")):
        print(f"KAA_HEALTHCHECK_URL: expected http:// or https://, not {url!r}", file=sys.stderr)
        return 1
    # http(s) only, checked above: no file:// or other scheme reaches urlopen.
    request = urllib.request.Request(url, headers={"Host": allowed_host()})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310  # nosec B310
            print(response.read(200).decode(errors="replace"))
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as exc:
        print(f"{url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
