"""Individual action plans: the plan and its interventions (each change a revision),
follow-ups and their tasks in the work queue, the closing conversation, closing with the KAA
period, the printed plan and the list of overdue follow-ups."""
