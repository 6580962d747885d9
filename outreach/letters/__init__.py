"""Paper outreach and the texts it uses: message templates with merge fields (also the texts of
SMS and e-mail), letter and postcard batches, and rendering a batch to one PDF."""
