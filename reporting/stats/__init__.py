"""Statistics for managers and boards: named definitions of every figure (`definitions`),
periods, protection of small numbers (`suppress`), presentation and caching, the daily contact
sums kept current (`models`, `rollup`, `receivers`), coverage of the target group, and the
dashboard pages (`views`)."""
