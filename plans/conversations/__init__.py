"""Mapping conversations (kartläggningssamtal): recording one, which feeds the register's
occupation and registration reason, and its pages."""
