"""Home visits done safely: two staff, a planned date and time window, check-in and check-out,
an alarm when nobody has checked out in time, and the outcome logged as contacts."""
