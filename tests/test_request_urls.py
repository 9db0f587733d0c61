"""The facet toggle URLs built in bulk equal the ones built one request at a time."""
from __future__ import annotations

import random

from search.request import FILTER_PARAMS, SearchRequest

VALUES = ("fr", "ar", "marhaba", "giz", "2019", "2019-03", "Tanger-Tétouan", "a&b=c", "مرحبا", "x y")


def _request(rng: random.Random) -> SearchRequest:
    filters = {}
    for name in rng.sample(FILTER_PARAMS, rng.randint(0, 4)):
        filters[name] = tuple(rng.sample(VALUES, rng.randint(1, 3)))
    return SearchRequest(
        q=rng.choice(["", "migration", "« comité de pilotage »", "مغاربة العالم", "a&b"]),
        filters=filters,
        date_from=rng.choice([None, "2010"]),
        date_to=rng.choice([None, "2020-06"]),
        sort=rng.choice(["relevance", "date", "-date"]),
        page=rng.randint(1, 4),
        per_page=rng.choice([10, 25]),
        mode=rng.choice(["auto", "any"]),
    )


def test_toggle_url_maker_equals_toggled_url() -> None:
    rng = random.Random(12)
    for _ in range(500):
        req = _request(rng)
        base = rng.choice(["/search", "/fr/search"])
        for name in FILTER_PARAMS:
            make = req.toggle_url_maker(name, base)
            for value in {*VALUES[:4], *req.filters.get(name, ())}:
                assert make(value) == req.toggled(name, value).url(base), (req, name, value)
