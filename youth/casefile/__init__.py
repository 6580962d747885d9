"""The youth's page: the case file that shows what every sub-domain keeps, and the
form of the youth's contact details. The top layer of youth."""
