"""Import of register lists (IST, BER, a population extract): reading and
validating rows, the preview and the apply, and the saved column mappings of every kind of
list (their page knows the school lists' layouts too)."""
