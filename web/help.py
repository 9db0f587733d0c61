"""The query language explained, in the interface language: the help page and /help.json share this dict."""
from __future__ import annotations

from urllib.parse import urlencode

from flask_babel import gettext as _

from search.config import Settings
from search.query import MAX_EXPANSIONS


def _rules() -> list[tuple[str, str, str]]:
    """(syntax, example, meaning) for every construct of the language."""
    return [
        (_("words"), "migrants Belgique", _("All the words are required (in any order). If no document has them all, Arshif says so and shows the documents that have any of them.")),
        ('"…"', '"Opération Marhaba"', _("The exact phrase: the words next to each other, in this order.")),
        ("OR · OU · أو", "Marhaba OR AMUDDU", _("Either word. OR joins the two words on its sides; use parentheses for bigger groups: (Marhaba OR AMUDDU) Tanger.")),
        ("-word · NOT · SAUF", "migrants -Belgique", _("Leave out the documents that contain the word.")),
        ("AND · ET", "Marhaba ET Tanger", _("Accepted for clarity; words are already all required.")),
        ("( )", "(Marhaba OR مرحبا) 2019", _("Group words.")),
        ("prefix*", "migr*", _("Every word starting with these letters (at least 2 letters; at most {cap} words are searched).").format(cap=MAX_EXPANSIONS)),
        ("word~", "migrnats~", _("Typo tolerant: also words one letter off (two for long words); word~2 allows two.")),
        ("title:", "title:rapport", _("Only in titles. Also titre:.")),
        ("program:", "program:Marhaba", _("Documents of a program, by its name in any language. Also programme:.")),
        ("partner:", "partner:OIM", _("Documents naming a partner. Also partenaire:.")),
        ("type:", "type:communiqué", _("Documents of a type (press release, agreement, report…).")),
        ("lang:", "lang:ar", _("Documents in a language: fr, ar or en. Also langue:.")),
        ("region: · country:", "region:Oriental", _("Documents about a region or a country. Also région:, pays:.")),
        ("date:", "date:2016", _("Documents of a year, a month (date:2016-05) or a day.")),
        ("date:[… TO …]", "date:[2016-01 TO 2018-06]", _("Documents between two dates; * leaves an end open: date:[2019 TO *].")),
    ]


def help_data(ui: str, settings: Settings) -> dict:
    """The help text as data: rules with examples that link to their search, limits and notes."""
    return {
        "ui": ui,
        "title": _("How to search"),
        "intro": _("Type words in French, Arabic or English, with or without accents, hamza or vowel marks. Case does not matter, and the words are matched in all their forms (plural, feminine, conjugation, Arabic prefixes and suffixes)."),
        "rules": [
            {"syntax": s, "example": ex, "meaning": m, "url": "/search?" + urlencode({"q": ex})}
            for s, ex, m in _rules()
        ],
        "limits": {
            "max_query_chars": settings.max_query_chars,
            "max_query_terms": settings.max_query_terms,
            "max_page": settings.max_page,
            "max_per_page": settings.max_per_page,
            "max_expansions": MAX_EXPANSIONS,
            "export_cap": settings.export_cap,
        },
        "notes": [
            _("Filters on the side combine: several values of one filter mean any of them, different filters must all hold. Each count says how many documents you would get."),
            _("A query Arshif cannot read (for example an unclosed quotation mark) is searched as its plain words, and a message says why."),
            _("Queries are limited to {chars} characters and {terms} terms; results to {pages} pages; exports to {cap} documents.").format(
                chars=settings.max_query_chars, terms=settings.max_query_terms, pages=settings.max_page, cap=settings.export_cap
            ),
            _("Numbers and dates are shown with Latin digits (0-9) in every language; Arabic-Indic digits typed in a query are understood."),
            _("Every page has a JSON twin: add .json to its address (/search.json, /doc/…json, /help.json). The API is described at /openapi.json."),
        ],
    }
