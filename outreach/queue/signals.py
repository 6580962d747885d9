"""Signals of the work queue, so that the routine above it can react without being imported."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the transaction that completes a routine step's task, with `case_id`: the steps
# counted from it get their deadlines (outreach.routine.receivers).
step_done = Signal()
