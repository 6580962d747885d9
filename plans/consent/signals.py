"""Signals of the consent sub-domain, for the sub-domains above it."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that records a consent, with `consent` and `actor`: a plan waiting
# for a new consent (extended responsibility after 20) carries over.
consent_recorded = Signal()
