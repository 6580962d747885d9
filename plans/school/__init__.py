"""The school side: schools' notifications (the public form, the coordinators' inbox, the
receipt) and preventive cases for students at risk of dropping out."""
