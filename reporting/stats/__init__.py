"""Statistics for managers and boards (issue #8): named definitions, periods, suppression."""
