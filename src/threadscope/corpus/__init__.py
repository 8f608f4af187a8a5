"""Corpus mode: many threads in one DuckDB database, analysed over time.

``store`` opens the database, ``ingest`` fills it (specs, searches, Parquet),
``analyze`` runs the per-post work on an engine (``engines``) and the
aggregates in SQL.
"""
