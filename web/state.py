"""The app's shared search engine and taxonomy, opened lazily once per process."""
from __future__ import annotations

import threading

from flask import Flask, current_app

from search.config import Settings
from search.engine import Engine
from search.taxonomy import Taxonomy, load_taxonomy

_LOCK = threading.Lock()

LANG_LABELS = {
    "fr": {"fr": "Français", "ar": "Arabe", "en": "Anglais"},
    "ar": {"fr": "الفرنسية", "ar": "العربية", "en": "الإنجليزية"},
    "en": {"fr": "French", "ar": "Arabic", "en": "English"},
}
TAXONOMY_KINDS = {"type", "program", "partner", "region", "country"}


def init_app(app: Flask) -> None:
    """Attach the per-app holder of the engine (opened on first use)."""
    app.extensions["arshif"] = {"engine": None, "taxonomy": None}


def settings() -> Settings:
    """The app's settings object."""
    return current_app.config["ARSHIF"]


def taxonomy() -> Taxonomy:
    """The taxonomy, for labels and filter aliases."""
    holder = current_app.extensions["arshif"]
    if holder["taxonomy"] is None:
        with _LOCK:
            if holder["taxonomy"] is None:
                holder["taxonomy"] = load_taxonomy(settings().taxonomy)
    return holder["taxonomy"]


def engine() -> Engine:
    """The search engine over the configured index."""
    holder = current_app.extensions["arshif"]
    if holder["engine"] is None:
        with _LOCK:
            if holder["engine"] is None:
                holder["engine"] = Engine(settings().index_dir)
    return holder["engine"]


def label(facet: str, value: str, ui_lang: str = "fr") -> str:
    """Human label of a facet value in the interface language."""
    if facet == "lang":
        return LANG_LABELS.get(ui_lang, LANG_LABELS["fr"]).get(value, value)
    if facet in TAXONOMY_KINDS:
        return taxonomy().label(facet, value, ui_lang)
    return value
