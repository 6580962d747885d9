"""Network meetings (KAA-nätverket): who may be named with the partners present, recording a
meeting, its pages."""
