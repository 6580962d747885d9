"""The work queue: each youth's outreach case, the tasks with due dates, the contacts logged
(and what a reached contact sets off: follow-ups, the reach facts), the coordinators' queue
and weekly review, and the morning digest."""
