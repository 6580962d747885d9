"""Password rule: no words an attacker would guess first in this context (ASVS 6.2.11); text
that becomes an e-mail header."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

CONTEXT_WORDS = (
    "kaa",
    "aktivitetsansvar",
    "kommun",
    "samordnare",
    "ungdom",
    "losenord",
    "password",
    "qwerty",
    "sommar",
    "vinter",
)
CONTEXT_WORD_MESSAGE = gettext_noop(
    "Lösenordet innehåller ett ord som är lätt att gissa här (%(word)s)."
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class ContextWordValidator:
    """Rejects passwords that contain the product's, the role's or a municipality's name."""

    def validate(self, password: str, user: Any = None) -> None:
        from kaa.models import Municipality

        folded = _fold(password)
        words = list(CONTEXT_WORDS)
        words += [_fold(name) for name in Municipality.objects.values_list("name", flat=True)]
        for word in words:
            if len(word) >= 3 and word in folded:
                raise ValidationError(
                    _(CONTEXT_WORD_MESSAGE) % {"word": word}, code="password_context_word"
                )

    def get_help_text(self) -> str:
        return _('Lösenordet får inte innehålla ord som KAA, kommunens namn eller "lösenord".')


# Line breaks of any kind (CR and LF start a new header line: "Hej\r\nBcc: x") and the other
# control characters, which have no place in a subject or a name either.
_HEADER_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def validate_header_text(value: str) -> None:
    """Form validator for text that ends up in an e-mail header (subject, name, address)."""
    if _HEADER_BREAKS.search(value or ""):
        raise ValidationError(
            _(
                "Får inte innehålla radbrytningar eller andra styrtecken (texten blir en rubrik "
                "i e-postmeddelandet)."
            ),
            code="header_break",
        )
