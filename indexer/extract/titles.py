"""Keep metadata titles only when they say something about the document."""
from __future__ import annotations

import re

_JUNK = re.compile(
    r"^(?:microsoft\s+(?:word|powerpoint|excel)\s*-.*|untitled.*|sans\s+titre.*|document\d*|doc\d*|"
    r"titre|title|présentation\s+powerpoint|powerpoint\s+presentation|slide\s*\d*|diapositive\s*\d*|"
    r"new\s+document|nouveau\s+document|\W*)$",
    re.IGNORECASE,
)
_FILE_NAME = re.compile(r"\.(?:docx?|pdf|indd|odt|rtf|pptx?|xlsx?|qxd|p65|tmp|txt|html?)$", re.IGNORECASE)


def meaningful_title(value: str | None) -> str | None:
    """The title stripped, or None for producer junk ("Microsoft Word - x.doc", "untitled", a file name)."""
    if not value:
        return None
    title = " ".join(value.replace("\x00", "").split())
    if len(title) < 3 or _JUNK.match(title) or _FILE_NAME.search(title):
        return None
    return title
