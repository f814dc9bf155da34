"""Presentation for readers: tables, captions and figure helpers. Formats and draws; never selects evidence."""
