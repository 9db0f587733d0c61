"""The SQLite FTS5 baseline: the same stored records in an FTS5 table, facets by GROUP BY (Datasette's way)."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable, Iterator

FACETS = ("lang", "type", "program", "partner", "region", "country", "year")


def stored_rows(index_dir: Path) -> Iterator[dict]:
    """Stored fields of every live document of a Whoosh index, in docnum order."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(index_dir))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for docnum in reader.all_doc_ids():
            yield dict(reader.stored_fields(docnum))
    ix.close() if hasattr(ix, "close") else None


def build_fts5(path: Path, rows: Iterable[dict]) -> None:
    """Create the FTS5 database: docs(rowid, fields), facet(doc, name, value), fts(title, body)."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT, path TEXT, title TEXT, body TEXT, date TEXT,
                          visibility TEXT);
        CREATE TABLE facet(doc INTEGER, name TEXT, value TEXT);
        CREATE VIRTUAL TABLE fts USING fts5(title, body, content='docs', content_rowid='rowid',
                                            tokenize='unicode61 remove_diacritics 2');
        """
    )
    with db:
        for rowid, row in enumerate(rows, start=1):
            db.execute(
                "INSERT INTO docs VALUES (?,?,?,?,?,?,?)",
                (rowid, row["id"], row.get("path"), row.get("title", ""), row.get("body", ""), row.get("date"),
                 row.get("visibility", "public")),
            )
            db.execute("INSERT INTO fts(rowid, title, body) VALUES (?,?,?)", (rowid, row.get("title", ""), row.get("body", "")))
            for name in FACETS:
                for value in (row.get(name) or "").split(","):
                    if value:
                        db.execute("INSERT INTO facet VALUES (?,?,?)", (rowid, name, value))
    db.execute("CREATE INDEX facet_doc ON facet(doc, name, value)")
    db.execute("CREATE INDEX facet_value ON facet(name, value, doc)")
    db.commit()
    db.close()


def search_page(db: sqlite3.Connection, match: str, filters: dict[str, tuple[str, ...]]) -> dict:
    """One result page the FTS5 way: total, 7 facet GROUP BYs, top 10 by bm25 with snippets."""
    where = ["fts MATCH ?"]
    params: list[object] = [match]
    for name, values in filters.items():
        where.append(f"fts.rowid IN (SELECT doc FROM facet WHERE name=? AND value IN ({','.join('?' * len(values))}))")
        params += [name, *values]
    db.execute("DROP TABLE IF EXISTS temp.hits")
    db.execute("CREATE TEMP TABLE hits(doc INTEGER PRIMARY KEY)")
    db.execute(f"INSERT INTO temp.hits SELECT rowid FROM fts WHERE {' AND '.join(where)}", params)
    total = db.execute("SELECT count(*) FROM temp.hits").fetchone()[0]
    facets = {
        name: dict(db.execute(
            "SELECT value, count(*) FROM temp.hits CROSS JOIN facet ON facet.doc = hits.doc AND facet.name = ?"
            " GROUP BY value", (name,)
        ).fetchall())
        for name in FACETS
    }
    top = db.execute(
        f"SELECT docs.id, docs.title, snippet(fts, 1, '<mark>', '</mark>', ' … ', 24) FROM fts JOIN docs ON docs.rowid = fts.rowid"
        f" WHERE {' AND '.join(where)} ORDER BY bm25(fts, 3.0, 1.0) LIMIT 10",
        params,
    ).fetchall()
    return {"total": total, "facets": facets, "top": top}
