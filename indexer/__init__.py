"""Arshif indexer: files on disk -> extracted, labelled records -> the Whoosh index."""
