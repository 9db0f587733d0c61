"""Arshif search: analyzers, the schema, query parsing, ranking and facets (never imports indexer)."""
