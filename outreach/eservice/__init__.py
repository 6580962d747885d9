"""The youth's e-service: the personal codes printed on letters and messages, checking a code
with the birth date, what a submitted answer sets off, and the coach's review of it. The
public pages the youth uses, without a login, are in `public/`."""
