"""Consent (samtycke): recording, revoking and the signed paper form (services), when a
consent is valid and whom it lets KAA share with (validity), the consent pages."""
