"""Small-count suppression: counts 1-4 (configurable) are shown as "<5", so that individuals
cannot be singled out in a small municipality. Shares built on a suppressed count are
suppressed too."""

from __future__ import annotations

from django.conf import settings


def threshold() -> int:
    return int(getattr(settings, "KAA_SUPPRESS_BELOW", 5))


class Number:
    """A count as shown: the value, or "<5" when suppression applies."""

    def __init__(self, value: int | None, *, suppress: bool) -> None:
        self.value = value or 0
        self.hidden = suppress and 0 < self.value < threshold()

    def __str__(self) -> str:
        return f"<{threshold()}" if self.hidden else str(self.value)

    @property
    def bar(self) -> int:
        """The value a chart may draw (a hidden count is drawn as zero)."""
        return 0 if self.hidden else self.value


def share(part: int, whole: int, *, suppress: bool) -> str:
    """A percentage, or "–" when either count would be suppressed or the whole is zero."""
    if not whole:
        return "–"
    if suppress and (0 < part < threshold() or 0 < whole < threshold()):
        return "–"
    return f"{round(100 * part / whole)} %"
