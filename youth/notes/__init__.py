"""The youth's journal: notes, corrections and the short edit window with its revisions."""
