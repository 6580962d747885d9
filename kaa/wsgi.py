from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaa.settings")

application = get_wsgi_application()

from kaa.warmup import warm  # noqa: E402 - needs the settings and apps set up above

warm()  # before this process serves its first request
