"""Errors users can cause, as sentences that name the bad input and the valid choices."""
from __future__ import annotations


class QueryError(ValueError):
    """A request that cannot be answered as asked; rendered as a readable 400, never a 500."""

    status = 400


class NotFound(LookupError):
    """A document that does not exist (or that the user may not see)."""

    status = 404
