"""Report writers: turn a results dict into ``report.md``, ``report.html``, ``embed.html`` and figures.

Writers never recompute an analysis; they choose only order, wording and
pictures. Every string that came from the thread is escaped for its target
format (see :mod:`threadscope.report.escape`). ``results.json`` and
``comments.csv`` are written by :mod:`threadscope.report.datafiles`.
"""

from __future__ import annotations

from threadscope.report.summary import summary_block
from threadscope.report.writer import write_reports

__all__ = ["summary_block", "write_reports"]
