"""The app's audit trail: sign-ins and downloads written to the rotated audit log of the settings."""
from __future__ import annotations

from search import audit
from web import state


def record(event: str, user: str | None, **fields: object) -> None:
    """Append one event (who, what, from where) to settings.audit_log."""
    audit.record(audit.audit_logger(state.settings().audit_log), event, user, **fields)
