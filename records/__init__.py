"""What acts on the record as a whole, across every app: gallring (`retention`), the register
extract (`register_extract`), stored files that no record names (`files`) and the review of the
access log (`log_review`).

Gallring and the register extract read and delete the data of youth, outreach and plans, so
this app sits above plans. It never imports reporting; reporting, above it, hands it the one
kind of record of its own that gallring empties (its archived SCB files), when it is ready."""
