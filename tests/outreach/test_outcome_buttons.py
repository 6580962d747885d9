"""A task's outcome buttons are made once per channel: the same markup as the template's loop
over the channel's outcomes wrote for each row."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template import Context, Template

from outreach.queue.models import Channel, ContactAttempt, outcomes_for
from outreach.queue.selectors import quick_outcomes_mark

LOOP = Template(
    '{% for value, label in outcomes %}<button type="submit" name="outcome" '
    'value="{{ value }}" class="btn btn-sm {% if value == \'reached\' %}btn-success'
    '{% else %}btn-outline-secondary{% endif %}">{{ label }}</button>{% endfor %}'
)


@pytest.mark.parametrize("channel", [c for c, _label in Channel.choices])
def test_the_buttons_are_what_the_loop_wrote(channel: str) -> None:
    tasks = [SimpleNamespace(channel=channel, pk=pk) for pk in (1, 2)]
    quick_outcomes_mark(tasks)  # type: ignore[arg-type]
    # The loop the template had, over the channel's (value, label) pairs.
    outcomes = [(o, ContactAttempt.Outcome(o).label) for o in outcomes_for(channel)]
    for task in tasks:
        assert task.outcome_buttons == LOOP.render(Context({"outcomes": outcomes}))
    assert tasks[0].outcome_buttons is tasks[1].outcome_buttons
