"""Signals the register sends so that higher apps can react without being imported here."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that ends a KAA period, with `period` and `actor`.
period_closed = Signal()

# Sent inside the transaction of a job that ends many KAA periods at once (the 20th birthday),
# with `periods` (a list) and `actor`, instead of one `period_closed` per period.
periods_closed = Signal()
