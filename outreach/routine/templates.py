"""The contact routines of four municipalities (Askersund, Lidköping, Nyköping, Stockholm), as
ready templates a municipality can make its own routine and then edit.

Each step: (title, channel, value, unit, anchor, options). Options: requires_phone,
only_if_not_reached (default True), guardian_if_under_18, only_under_18,
min_failed_attempts, two_staff, instructions.
"""

from __future__ import annotations

from typing import Any

D, W, BD, M = "days", "weeks", "business_days", "months"
REG, PREV = "registration", "previous"

TEMPLATES: dict[str, dict[str, Any]] = {
    "askersund": {
        "name": "Askersunds rutin",
        "retry_after_days": 30,
        "concern_after_attempts": 0,  # the routine has its own concern-report step
        "steps": [
            (
                "Vykort",
                "postcard",
                1,
                W,
                REG,
                {
                    "guardian_if_under_18": True,
                    "instructions": "Första vykortet med information och kontaktförfrågan.",
                },
            ),
            (
                "Telefonsamtal",
                "phone",
                2,
                W,
                REG,
                {"requires_phone": True, "instructions": "Ej svar: lämna meddelande."},
            ),
            (
                "Sms",
                "sms",
                2,
                W,
                REG,
                {
                    "requires_phone": True,
                    "instructions": (
                        "Till dem som inte svarat i telefon: sms med kontaktförfrågan."
                    ),
                },
            ),
            (
                "Andra vykortet",
                "postcard",
                1,
                M,
                REG,
                {"guardian_if_under_18": True, "instructions": "Nytt vykort med erbjudande."},
            ),
            (
                "Brev",
                "letter",
                8,
                W,
                REG,
                {
                    "guardian_if_under_18": True,
                    "instructions": "Brev med information och frågor om sysselsättning.",
                },
            ),
            (
                "Överväg orosanmälan",
                "concern_report",
                0,
                D,
                REG,
                {
                    "min_failed_attempts": 3,
                    "only_under_18": True,
                    "instructions": "Vid misstanke om att ungdomen far illa: orosanmälan.",
                },
            ),
            (
                "Kontakt med socialtjänsten",
                "social_services",
                1,
                M,
                REG,
                {
                    "only_if_not_reached": False,
                    "instructions": "Har ungdomen försörjningsstöd eller insats via SoL?",
                },
            ),
        ],
    },
    "lidkoping": {
        "name": "Lidköpings rutin",
        "retry_after_days": 30,
        "concern_after_attempts": 0,  # under-18s are reported after the home visit
        "steps": [
            ("Telefon, sms eller Facebook", "phone", 1, W, REG, {"requires_phone": True}),
            ("Vykort", "postcard", 1, M, REG, {"guardian_if_under_18": True}),
            ("Andra vykortet", "postcard", 1, M, PREV, {"guardian_if_under_18": True}),
            (
                "Hembesök",
                "home_visit",
                1,
                M,
                PREV,
                {
                    "two_staff": True,
                    "instructions": "Två personal. Ingen hemma: lämna ett tredje vykort.",
                },
            ),
            (
                "Anmälan till socialtjänsten",
                "concern_report",
                0,
                D,
                PREV,
                {
                    "only_under_18": True,
                    "instructions": "Ungdomar under 18 som inte nåtts anmäls till socialtjänsten.",
                },
            ),
        ],
    },
    "nykoping": {
        "name": "Nyköpings rutin",
        "retry_after_days": 30,
        "concern_after_attempts": 3,
        "steps": [
            (
                "Telefon, sms eller e-post",
                "phone",
                2,
                BD,
                REG,
                {"requires_phone": True, "instructions": "Så snart ungdomen är tilldelad."},
            ),
            ("Brev", "letter", 1, W, REG, {"guardian_if_under_18": True}),
            (
                "Samråd med KAA-nätverket",
                "network",
                2,
                W,
                PREV,
                {"instructions": "Fråga nätverket, sök i register och sociala medier."},
            ),
            (
                "Hembesök",
                "home_visit",
                2,
                W,
                PREV,
                {"instructions": "Ingen hemma: lämna lapp och kort."},
            ),
        ],
    },
    "stockholm": {
        "name": "Stockholms rutin",
        "retry_after_days": 30,
        "concern_after_attempts": 3,
        "steps": [
            ("Brev", "letter", 1, W, REG, {"guardian_if_under_18": True}),
            ("Sms", "sms", 1, W, REG, {"requires_phone": True}),
            ("Telefon, försök 1", "phone", 2, W, REG, {"requires_phone": True}),
            ("Telefon, försök 2", "phone", 1, W, PREV, {"requires_phone": True}),
            ("Telefon, försök 3", "phone", 1, W, PREV, {"requires_phone": True}),
            (
                "Knackakort",
                "knock_card",
                1,
                W,
                PREV,
                {"instructions": "Kort som anger datum och tid för hembesöket."},
            ),
            (
                "Hembesök",
                "home_visit",
                1,
                W,
                PREV,
                {"two_staff": True, "instructions": "Alltid minst två personal."},
            ),
        ],
    },
}
