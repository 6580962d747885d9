"""Signals the register sends so that higher apps can react without being imported here."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that ends KAA periods (one by hand, many at once by the
# 20th-birthday job), with `periods` (a list) and `actor`.
periods_closed = Signal()

# Sent inside the transaction that opens KAA periods (by hand, import, identification, a
# school's notice), with `period_ids`: outreach opens the cases and their first tasks.
periods_opened = Signal()
