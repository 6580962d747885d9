"""Hand-over packages (överlämning): what a coordinator or coach hands to a partner about one
youth, with the youth's consent covering that partner and the youth's agreement to the parts."""
