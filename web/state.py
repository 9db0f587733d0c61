"""The app's shared search engine and taxonomy, opened lazily once per process, and facet labels."""
from __future__ import annotations

import threading
from typing import Callable

from flask import Flask, current_app

from search.config import Settings
from search.engine import Engine
from search.taxonomy import Taxonomy, load_taxonomy

_LOCK = threading.RLock()

LANG_LABELS = {
    "fr": {"fr": "Français", "ar": "Arabe", "en": "Anglais", "und": "Indéterminée"},
    "ar": {"fr": "الفرنسية", "ar": "العربية", "en": "الإنجليزية", "und": "غير محددة"},
    "en": {"fr": "French", "ar": "Arabic", "en": "English", "und": "Undetermined"},
}
MONTHS = {
    "fr": ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."),
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "ماي", "يونيو", "يوليوز", "غشت", "شتنبر", "أكتوبر", "نونبر", "دجنبر"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}
TAXONOMY_KINDS = {"type", "program", "partner", "region", "country"}


def init_app(app: Flask) -> None:
    """Attach the per-app holder of the engine and taxonomy (opened on first use)."""
    app.extensions["arshif"] = {"engine": None, "taxonomy": None}


def settings() -> Settings:
    """The app's settings object."""
    return current_app.config["ARSHIF"]


def taxonomy() -> Taxonomy:
    """The taxonomy, for labels and field-filter values."""
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
                holder["engine"] = Engine(settings().index_dir, taxonomy=taxonomy())
    return holder["engine"]


def label(facet: str, value: str, ui_lang: str = "fr") -> str:
    """Human label of a facet value in the interface language (Latin digits for dates)."""
    if facet == "lang":
        return LANG_LABELS.get(ui_lang, LANG_LABELS["fr"]).get(value, value)
    if facet in TAXONOMY_KINDS:
        return taxonomy().label(facet, value, ui_lang)
    if facet == "month" and len(value) == 7 and value[5:].isdigit() and 1 <= int(value[5:]) <= 12:
        return f"{MONTHS.get(ui_lang, MONTHS['fr'])[int(value[5:]) - 1]} {value[:4]}"
    return value


def labeler(ui_lang: str) -> Callable[[str, str], str]:
    """label() bound to one interface language, for the engine's facet values."""
    return lambda facet, value: label(facet, value, ui_lang)
