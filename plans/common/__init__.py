"""What several sub-domains of plans share: the help text on free-text fields about a youth
(fields), form helpers (forms) and view helpers (views)."""
