"""The contact routine: its versions and steps, the ready-made routine templates, editing a
routine and moving open cases to a new version, and the deadline engine that turns a case's
steps into tasks in the work queue (the nightly job)."""
