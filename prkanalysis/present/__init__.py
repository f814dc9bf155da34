"""Presentation for readers: tables, captions and figure helpers.

Formats and draws; never selects evidence.

Public API:
    :func:`table` (a DataFrame formatted for readers: units in headers, rounding, no index,
    no NaN/inf, wide tables split or transposed), :func:`figure` (caption and source line
    under a figure), :func:`source_line`, :func:`text_overlaps`, :func:`format_value`.
"""

from prkanalysis.present.figures import figure, source_line, text_overlaps
from prkanalysis.present.tables import ReaderTable, format_value, table

__all__ = ["ReaderTable", "figure", "format_value", "source_line", "table", "text_overlaps"]
