"""Signals the register sends so that higher apps can react without being imported here."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that ends a KAA period, with `period` and `actor`.
period_closed = Signal()
