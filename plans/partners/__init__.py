"""Partner organisations (samverkansparter) of the municipality's KAA network and the kinds of
party a consent can name; coordinators keep the list."""
