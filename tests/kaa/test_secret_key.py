"""No fixed fallback SECRET_KEY: with DEBUG on and none set, a random key is made once (mode
0600) and reused, so no two installations share a key that is public in the source."""

from __future__ import annotations

import stat

from tests.kaa.test_platform import _manage

PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY)"


def _key(path) -> str:
    result = _manage("shell", "-c", PRINT_KEY, DEBUG="true", KAA_DEMO_SECRET_KEY_FILE=str(path))
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_debug_without_a_secret_key_generates_one_once_and_reuses_it(tmp_path):
    path = tmp_path / "var" / "secret_key"
    first = _key(path)
    assert "insecure" not in first
    assert len(first) >= 50
    assert path.read_text(encoding="utf-8").strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _key(path) == first  # the next start reuses it: sessions survive a restart
    assert _key(tmp_path / "other" / "secret_key") != first  # another installation: another


def test_a_secret_key_that_is_set_wins_and_nothing_is_written(tmp_path):
    path = tmp_path / "secret_key"
    result = _manage(
        "shell",
        "-c",
        PRINT_KEY,
        DEBUG="true",
        SECRET_KEY="s" * 60,
        KAA_DEMO_SECRET_KEY_FILE=str(path),
    )
    assert result.stdout.strip().splitlines()[-1] == "s" * 60
    assert not path.exists()
