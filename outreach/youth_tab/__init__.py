"""The outreach tab on a youth's page: open tasks, contacts, the case, messages sent, the
e-service code and answers, in one read."""
