"""The half-yearly SCB report (scb-export.md §2): a canonical extract built from the register,
the contact log and the plans (`extract`), checked (`checks`) and written through a versioned
export profile (`profile`, `writer`). Nothing in it is typed twice."""
