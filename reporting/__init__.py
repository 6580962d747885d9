"""Statistics and reports, read from every app below (nothing imports reporting): the
half-yearly SCB report (`scb`), the dashboards and their figures (`stats`) and the board
reports (`board`)."""
