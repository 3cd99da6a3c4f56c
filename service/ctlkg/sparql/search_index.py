"""A full-text index of labels and descriptions: SQLite FTS5 from the standard library, in memory.

FTS5 over Tantivy or a second store: no new dependency, an index of a thousand clusters is built in well
under a second and answered in milliseconds, and its ``unicode61 remove_diacritics 2`` tokenizer folds case
and accents ("citta" finds "Città"). One row a resource and language holds its labels, alternative labels
and descriptions; labels and alternative labels sit in one table, descriptions in another, and a search
looks in the labels first, so that a label match always ranks above a match in a description only, and
``bm25`` ranks each table's matches by the length of what matched (a short label that matches beats a long
one), an alternative label weighing half a label.

>>> index = SearchIndex.build([
...     Text("urn:a", "label", "Città della Salute", "it"), Text("urn:a", "description", "ospedale", "it"),
...     Text("urn:b", "description", "vicino alla citta", "it")], {"urn:a": ["urn:T"]})
>>> [(hit.iri, hit.field) for hit in index.search("citt")]
[('urn:a', 'label'), ('urn:b', 'description')]
>>> index.search("salute", types=("urn:T",))[0].label
'Città della Salute'
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ctlkg.errors import QueryRefused

#: The index's fields; the labels' table weighs a term in a label twice one in an alternative label.
FIELDS = ("label", "alt", "description")
LABEL_WEIGHTS = "2.0, 1.0"
#: The words of a search: letters and digits of any script (FTS5's own syntax never reaches it).
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12
MAX_CHARS = 200
#: Marks around the matched words of a snippet: control characters no literal shows.
OPEN, CLOSE = "\x02", "\x03"

_SCHEMA = """
CREATE TABLE doc(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, type TEXT,
                 label_en TEXT, label_it TEXT, label_any TEXT);
CREATE TABLE doc_type(doc INTEGER NOT NULL, type TEXT NOT NULL);
CREATE VIRTUAL TABLE labels USING fts5(label, alt, lang UNINDEXED, doc UNINDEXED,
                                       tokenize = "unicode61 remove_diacritics 2", prefix = '2 3');
CREATE VIRTUAL TABLE descriptions USING fts5(description, lang UNINDEXED, doc UNINDEXED,
                                             tokenize = "unicode61 remove_diacritics 2", prefix = '2 3');
"""
_SEARCH = """SELECT t.doc, bm25({table}{weights}) AS rank, snippet({table}, -1, ?, ?, '…', 12), d.iri, d.type,
  COALESCE(CASE ? WHEN 'it' THEN d.label_it ELSE d.label_en END, d.label_en, d.label_it, d.label_any, d.iri)
FROM {table} AS t JOIN doc AS d ON d.id = t.doc
WHERE {table} MATCH ? {where} ORDER BY rank LIMIT ?"""


@dataclass(frozen=True)
class Text:
    """One literal of a resource: which field it fills (label, alt or description), its text and language."""

    iri: str
    field: str
    value: str
    lang: str = ""
    #: Among labels of one language, the lowest rank wins the display (0 rdfs:label, 1 skos:prefLabel, ...).
    rank: int = 0


@dataclass(frozen=True)
class Hit:
    """One resource found: its label in the reader's language, its type, a snippet and a score (1 to 2 for
    a match in a label or alternative label, 0 to 1 for one in a description only)."""

    iri: str
    label: str
    type: str | None
    snippet: str
    score: float
    field: str

    def highlights(self) -> list[tuple[str, bool]]:
        """The snippet as (text, matched) parts, for a page to mark the matched words without markup."""
        parts: list[tuple[str, bool]] = []
        for index, piece in enumerate(re.split(f"[{OPEN}{CLOSE}]", self.snippet)):
            if piece:
                parts.append((piece, index % 2 == 1))
        return parts

    @property
    def plain_snippet(self) -> str:
        return self.snippet.replace(OPEN, "").replace(CLOSE, "")


def match_expression(text: str) -> str:
    """The FTS5 query for a person's words: every word must appear, the last one (or all) as a prefix, for
    suggestions while typing. Each word is quoted, so no operator of FTS5's syntax can be written in.

    >>> match_expression("Città  della")
    '"Città"* "della"*'
    """
    if len(text) > MAX_CHARS:
        raise QueryRefused(f"q is {len(text)} characters long; a search takes at most {MAX_CHARS}")
    words = _WORD.findall(text)
    if not words:
        raise QueryRefused("q must contain at least one letter or digit")
    return " ".join(f'"{word}"*' for word in words[:MAX_WORDS])


class SearchIndex:
    """The FTS5 tables in one in-memory SQLite database, read by any thread (one at a time)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._lock = threading.Lock()

    @classmethod
    def build(cls, texts: Iterable[Text], types: Mapping[str, Sequence[str]],
              shown_type: Mapping[str, str] | None = None) -> SearchIndex:
        """An index of ``texts``; ``types`` gives every type of a resource (for the type filter),
        ``shown_type`` the one a result names (else the first of ``types``)."""
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.executescript(_SCHEMA)
        docs: dict[str, int] = {}
        # (doc, lang) -> the three fields' texts; labels[doc][lang] -> (rank, length, text) of the best one
        fields: dict[tuple[int, str], tuple[list[str], list[str], list[str]]] = {}
        labels: dict[int, dict[str, tuple[int, int, str]]] = {}
        for text in texts:
            doc = docs.setdefault(text.iri, len(docs) + 1)
            lang = text.lang.lower().split("-")[0]
            columns = fields.setdefault((doc, lang), ([], [], []))
            column = columns[FIELDS.index(text.field)]
            if text.value not in column:
                column.append(text.value)
            if text.field == "label":
                best = labels.setdefault(doc, {})
                key = (text.rank, len(text.value), text.value)
                if lang not in best or key < best[lang]:
                    best[lang] = key
        shown = shown_type or {}
        rows = []
        for iri, doc in docs.items():
            best = labels.get(doc, {})
            kinds = types.get(iri, ())
            any_label = min(best.values())[2] if best else None
            rows.append((doc, iri, shown.get(iri) or (kinds[0] if kinds else None),
                         best["en"][2] if "en" in best else None, best["it"][2] if "it" in best else None,
                         any_label))
        db.executemany("INSERT INTO doc VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO doc_type VALUES (?, ?)",
                       ((docs[iri], kind) for iri, kinds in types.items() if iri in docs for kind in kinds))
        db.execute("CREATE INDEX doc_type_by_type ON doc_type(type, doc)")
        db.executemany(
            "INSERT INTO labels(label, alt, lang, doc) VALUES (?, ?, ?, ?)",
            ((" · ".join(cols[0]), " · ".join(cols[1]), lang, doc)
             for (doc, lang), cols in fields.items() if cols[0] or cols[1]),
        )
        db.executemany(
            "INSERT INTO descriptions(description, lang, doc) VALUES (?, ?, ?)",
            ((" · ".join(cols[2]), lang, doc) for (doc, lang), cols in fields.items() if cols[2]),
        )
        for table in ("labels", "descriptions"):
            db.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")
        db.commit()
        return cls(db)

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM doc").fetchone()[0])

    def labels(self, iris: Sequence[str], lang: str) -> dict[str, str]:
        """The label of each of ``iris`` the index knows, in ``lang`` when it has one (for type names)."""
        column = "label_it" if lang == "it" else "label_en"
        marks = ", ".join("?" * len(iris))
        sql = f"SELECT iri, COALESCE({column}, label_en, label_it, label_any) FROM doc WHERE iri IN ({marks})"
        with self._lock:
            return {iri: label for iri, label in self._db.execute(sql, tuple(iris)) if label}

    def search(self, text: str, *, lang: str | None = None, types: Sequence[str] = (),
               limit: int = 10, show: str | None = None) -> list[Hit]:
        """The best ``limit`` resources for ``text``: label matches first, then description matches, each
        by bm25; ``lang`` keeps texts of that language only (and shows labels in it), ``types`` keeps
        resources of any of those types; ``show`` picks the labels' language (else ``lang``, else English).
        Bad words raise QueryRefused (a 400)."""
        words = match_expression(text)
        hits: dict[str, Hit] = {}
        for field in ("label", "description"):
            if len(hits) >= limit:
                break
            for hit in self._run(words, field, lang, show or lang or "en", types, limit + len(hits)):
                if hit.iri not in hits and len(hits) < limit:
                    hits[hit.iri] = hit
        return list(hits.values())

    def _run(self, expression: str, field: str, lang: str | None, show: str, types: Sequence[str],
             limit: int) -> list[Hit]:
        where, params = "", []
        if lang:
            where += " AND t.lang IN (?, '')"
            params.append(lang)
        if types:
            where += f" AND t.doc IN (SELECT doc FROM doc_type WHERE type IN ({', '.join('?' * len(types))}))"
            params.extend(types)
        table, weights = ("labels", ", " + LABEL_WEIGHTS) if field == "label" else ("descriptions", "")
        sql = _SEARCH.format(table=table, weights=weights, where=where)
        # A resource has a row per language: ask for more rows than hits, keep each resource's best one.
        args = (OPEN, CLOSE, show, expression, *params, 2 * limit + 4)
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        found: dict[str, Hit] = {}
        tier = 1.0 if field == "label" else 0.0
        for _doc, rank, snippet, iri, kind, label in rows:
            if iri in found:
                continue
            relevance = -float(rank) / (1.0 - float(rank))  # bm25 is negative: (0, 1), higher is better
            found[iri] = Hit(iri, label, kind, snippet, round(tier + relevance, 6), field)
        return list(found.values())[:limit]

    def close(self) -> None:
        with self._lock:
            self._db.close()
