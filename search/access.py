"""Who may see what: visibility tokens stored on documents, principals held by users."""
from __future__ import annotations

from dataclasses import dataclass

VISIBILITIES = ("public", "internal", "restricted")
PUBLIC = "public"
INTERNAL = "internal"


@dataclass(frozen=True)
class User:
    """A signed-in staff member (anonymous visitors have no User)."""

    name: str
    groups: tuple[str, ...] = ()


def visibility_tokens(visibility: str, groups: tuple[str, ...] = ()) -> list[str]:
    """Index tokens of a document: naming groups restricts it to them, whatever the visibility word."""
    if groups:
        return ["group:" + g for g in sorted(set(groups))]
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {visibility!r}; choose one of: {', '.join(VISIBILITIES)}")
    if visibility == "restricted":
        return ["restricted"]  # restricted to no group: nobody but the operator sees it
    return [visibility]


def principals(user: User | None) -> tuple[str, ...]:
    """Tokens a visitor holds: everyone 'public'; staff also 'internal' and their groups."""
    if user is None:
        return (PUBLIC,)
    return (PUBLIC, INTERNAL, *("group:" + g for g in sorted(set(user.groups))))
