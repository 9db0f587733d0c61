"""What one index run did, for the CLI summary and the JSON output."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class IndexReport:
    """Counts per outcome, and every failed, skipped or duplicate path with its reason."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, same content as path)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (path, why) indexed, unreadable now, not removed
    rebuilt: str | None = None
    extracted: int = 0
    pages: int = 0
    documents: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        """Plain-data form for `--json`."""
        return asdict(self)

    def summary_lines(self) -> list[str]:
        """The human summary printed by `arshif index`."""
        lines = []
        if self.rebuilt:
            lines.append(f"index rebuilt: {self.rebuilt}")
        lines.append(
            f"new {len(self.new)} / updated {len(self.updated)} / unchanged {self.unchanged} / "
            f"removed {len(self.removed)} / failed {len(self.failed)}"
            f" — {self.documents} documents in the index, {self.extracted} files extracted "
            f"({self.pages} pages) in {self.seconds:.1f} s"
        )
        for path, reason in self.failed:
            lines.append(f"  failed: {path}: {reason}")
        for path, reason in self.skipped:
            lines.append(f"  skipped: {path}: {reason}")
        for path, reason in self.kept:
            lines.append(f"  kept: {path}: {reason}")
        for path, original in self.duplicates:
            lines.append(f"  duplicate: {path} has the same content as {original}")
        for path, message in self.warnings:
            lines.append(f"  warning: {path}: {message}")
        return lines
