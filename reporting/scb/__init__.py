"""The half-yearly SCB report: what it is made from, per KAA period (`source`), read from the
register, the contact log and the plans; checked (`checks`) and written through a versioned
export profile (`profile`, `profiles/`, `rows`, `writer`); its workflow and archive (`models`,
`services`, `views`); the gallring of its archived files (`retention`). Nothing in it is typed
twice."""
