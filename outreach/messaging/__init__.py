"""SMS and e-mail to a youth or a guardian: the outgoing messages, the gateways that deliver
them, queueing and sending each message once, writing one from the youth's page, and the
sending task."""
