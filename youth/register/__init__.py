"""The register itself, the lowest layer of youth: who is in KAA (Youth, identity by
personnummer, guardians), since when and why (KAA periods, opened, closed, corrected, ended
the day before the 20th birthday), what the youth does (occupations), the derived case
status, the one timeline every app writes to, the protected-identity rule and object access
(permissions), the list's search and filters and its xlsx export."""
