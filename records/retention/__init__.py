"""Gallring: the municipality's rules per kind of record (`models`, `forms`), what is due, the
weekly proposal, the second coordinator's decision and the run that deletes or anonymises
(`services`), the page (`views`) and the jobs (`tasks`)."""
