"""Hand-written metadata beside the documents: folder `_meta.toml` files and `<file>.meta.json`.

Values are merged from the archive root down to the file's folder (deeper wins), then the file's own
`.meta.json` (wins). Keys are returned in canonical form: single strings for title, date, type and
visibility; tuples of strings for programs, partners, regions, countries, langs and groups (the
singular spellings program, partner, region, country, lang and group are accepted as input).
"""
from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Mapping

from indexer.dates import parse_date_string

FOLDER_FILE = "_meta.toml"
FILE_SUFFIX = ".meta.json"
SINGLE_KEYS: tuple[str, ...] = ("title", "date", "type", "visibility")
LIST_KEYS: dict[str, str] = {
    "programs": "programs", "program": "programs",
    "partners": "partners", "partner": "partners",
    "regions": "regions", "region": "regions",
    "countries": "countries", "country": "countries",
    "langs": "langs", "lang": "langs",
    "groups": "groups", "group": "groups",
}
VALID_KEYS: tuple[str, ...] = SINGLE_KEYS + tuple(LIST_KEYS)


def sidecar_path(path: Path) -> Path:
    """Where the per-file sidecar of `path` lives: `<file name>.meta.json` beside it."""
    return path.with_name(path.name + FILE_SUFFIX)


def is_sidecar(path: Path) -> bool:
    """True for sidecar files, which discovery must not index as documents."""
    return path.name == FOLDER_FILE or path.name.endswith(FILE_SUFFIX)


def _read(path: Path) -> Mapping[str, object]:
    """Parse one sidecar file; its problems become a ValueError naming it."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"Cannot read the sidecar {path}: {exc}.") from exc
    try:
        data = tomllib.loads(raw) if path.name == FOLDER_FILE else json.loads(raw)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        kind = "TOML" if path.name == FOLDER_FILE else "JSON"
        raise ValueError(f"The sidecar {path} is not valid {kind}: {exc}.") from exc
    if not isinstance(data, dict):
        raise ValueError(f"The sidecar {path} must hold an object of keys, not {type(data).__name__}.")
    return data


def _string(path: Path, key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"The sidecar {path} has {key} = {value!r}; it must be a non-empty string.")
    return value.strip()


def canonical(data: Mapping[str, object], path: Path) -> dict[str, object]:
    """Validate one sidecar's keys and values and give them their canonical names and shapes."""
    unknown = sorted(set(data) - set(VALID_KEYS))
    if unknown:
        raise ValueError(
            f"The sidecar {path} has unknown keys {unknown}; valid keys: {', '.join(VALID_KEYS)}."
        )
    out: dict[str, object] = {}
    for key, value in data.items():
        if key in SINGLE_KEYS:
            out[key] = _string(path, key, value)
            continue
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list):
            raise ValueError(f"The sidecar {path} has {key} = {value!r}; it must be a string or a list of strings.")
        target = LIST_KEYS[key]
        if target in out:
            raise ValueError(f"The sidecar {path} sets {target} twice (as {key} and its other spelling).")
        out[target] = tuple(_string(path, key, item) for item in items)
    if "date" in out and parse_date_string(str(out["date"])) is None:
        raise ValueError(
            f"The sidecar {path} has date = {out['date']!r}, which is not a plausible date (use YYYY-MM-DD)."
        )
    return out


def load_sidecar(path: Path, root: Path) -> dict[str, object]:
    """Merge the hand-written metadata that applies to `path`, so curators can fix or add facets."""
    path, root = Path(path).resolve(), Path(root).resolve()
    try:
        folders = path.parent.relative_to(root).parts
    except ValueError:
        raise ValueError(f"The file {path} is not inside the archive root {root}.") from None
    merged: dict[str, object] = {}
    folder = root
    for part in ("",) + folders:
        folder = folder / part if part else folder
        candidate = folder / FOLDER_FILE
        if candidate.is_file():
            merged.update(canonical(_read(candidate), candidate))
    own = sidecar_path(path)
    if own.is_file():
        merged.update(canonical(_read(own), own))
    return merged
