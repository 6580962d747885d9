"""Outcome re-checks after the exit: whether the studies or work a youth left KAA for still
held some months later, asked of the coach (a task) and of the youth (the e-service)."""
