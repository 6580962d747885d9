"""Stored files (uploads, generated PDFs and exports): deleted once the transaction that let go
of them commits, and files that no record names found and deleted (`services`; the nightly job
is records.tasks.orphan_files_delete)."""
