from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded scans go to a throwaway directory, never to the checkout."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
