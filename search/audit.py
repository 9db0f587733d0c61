"""The audit trail: sign-ins and downloads (who, when, what) as JSON lines in a rotated file."""
from __future__ import annotations

import json
import logging
import logging.handlers
import threading
from datetime import datetime, timezone
from pathlib import Path

_LOCK = threading.Lock()
_LOGGERS: dict[str, logging.Logger] = {}


def audit_logger(path: Path, max_bytes: int = 5_000_000, backups: int = 10) -> logging.Logger:
    """One rotating logger per audit file (several apps in one process share it safely)."""
    key = str(Path(path).resolve())
    with _LOCK:
        if key not in _LOGGERS:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            logger = logging.getLogger(f"arshif.audit.{len(_LOGGERS)}")
            logger.setLevel(logging.INFO)
            logger.propagate = False
            handler = logging.handlers.RotatingFileHandler(key, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
            handler.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(handler)
            _LOGGERS[key] = logger
        return _LOGGERS[key]


def record(logger: logging.Logger, event: str, user: str | None, **fields: object) -> None:
    """Append one event: time (UTC, ISO), event name, user ('-' when anonymous) and details."""
    entry = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "event": event, "user": user or "-", **fields}
    logger.info(json.dumps(entry, ensure_ascii=False, sort_keys=True))


def close_all() -> None:
    """Close the audit files (tests and shutdown)."""
    with _LOCK:
        for logger in _LOGGERS.values():
            for handler in list(logger.handlers):
                handler.close()
                logger.removeHandler(handler)
        _LOGGERS.clear()
