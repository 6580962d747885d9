"""Board reports (nämndrapporter): monthly, tertial, half-year and annual statistics for the
board, built on demand or on schedule and stored as PDF and xlsx."""
