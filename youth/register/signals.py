"""Signals the register sends so that higher apps can react without being imported here."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that ends a KAA period, with `period` and `actor`.
period_closed = Signal()

# Sent inside the transaction of a job that ends many KAA periods at once (the 20th birthday),
# with `periods` (a list) and `actor`, instead of one `period_closed` per period.
periods_closed = Signal()

# Sent inside the transaction that opens KAA periods (by hand, import, identification, a
# school's notice), with `period_ids`: outreach opens the cases and their first tasks.
periods_opened = Signal()
