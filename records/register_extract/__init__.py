"""The register extract (registerutdrag, GDPR art. 15): ordered on a youth's Dataskydd page
(`views`), built as a PDF by a worker (`services`, `tasks`), kept for download for a while and
then emptied; the row stays as the record that it was made (`models`)."""
