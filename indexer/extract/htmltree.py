"""A small, forgiving HTML tree built with the standard library's html.parser."""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    "area base br col embed hr img input link meta param source track wbr basefont frame keygen".split()
)
# Opening one of these closes an open element of the same family (HTML's implied end tags).
_IMPLIED_CLOSE = {
    "p": {"p"},
    "li": {"li"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "tr": {"tr", "td", "th"},
    "td": {"td", "th"},
    "th": {"td", "th"},
    "option": {"option"},
}
# Real pages nest a few dozen levels; deeper elements are kept as text of the deepest allowed one, so a
# hostile page nested 100,000 deep costs linear time instead of quadratic tree walks.
MAX_DEPTH = 256
_BLOCKS_CLOSING_P = frozenset(
    "address article aside blockquote div dl fieldset footer form h1 h2 h3 h4 h5 h6 header hr main nav ol "
    "p pre section table ul figure".split()
)


@dataclass(eq=False)
class Node:
    """One element: tag, attributes, children (nodes or text strings)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["Node | str"] = field(default_factory=list)
    parent: "Node | None" = None

    def iter(self) -> "list[Node]":
        """This element and all elements below it, in document order."""
        out: list[Node] = []
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed([c for c in node.children if isinstance(c, Node)]))
        return out

    def find_all(self, tag: str) -> "list[Node]":
        """Every element below (and including) this one with the given tag."""
        return [n for n in self.iter() if n.tag == tag]

    def text(self) -> str:
        """All text below this element, with no layout."""
        parts: list[str] = []
        stack: list[Node | str] = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                parts.append(item)
            elif item.tag not in ("script", "style", "template"):
                stack.extend(reversed(item.children))
        return "".join(parts)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack: list[Node] = [self.root]
        self.too_deep = 0  # start tags dropped below MAX_DEPTH, whose end tags must be dropped too

    def _close(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        current = self.stack[-1].tag
        if current in _IMPLIED_CLOSE.get(tag, ()) or (tag in _BLOCKS_CLOSING_P and current == "p"):
            self.stack.pop()
        if len(self.stack) >= MAX_DEPTH:
            self.too_deep += 1
            return
        node = Node(tag, {k: (v or "") for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: (v or "") for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag: str) -> None:
        if self.too_deep and tag not in VOID:
            self.too_deep -= 1
            return
        if tag not in VOID:
            self._close(tag)

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(markup: str) -> Node:
    """Parse markup into a Node tree; never raises on broken HTML."""
    builder = _TreeBuilder()
    builder.feed(markup)
    builder.close()
    return builder.root
