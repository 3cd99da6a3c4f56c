"""The words of the page chrome in English and Italian, read from the gettext catalogues in ``locales/``.

Message ids are keys (``query_cta``), not English sentences, so the English is a catalogue like the Italian
and rewording it never changes an id. Counted words (``rows``) have plural forms, chosen by the catalogue's
own ``Plural-Forms`` rule. Terms of other vocabularies that the graph does not label (``rdf:type``,
``schema:url``) are in the same catalogues, under the context ``term`` with their IRI as id.

Babel reads the ``.po`` files and compiles them in memory when first asked, so no compiled ``.mo`` file is
kept in the repository or built at install time. A catalogue that lacks an id the other has, or leaves one
untranslated, is refused when it is read: a gap fails the first page test, not a reader.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("en", "it")
#: The context of the terms of other vocabularies, whose ids are IRIs.
TERM = "term"


def _read(lang: str) -> Catalog:
    with (LOCALES / lang / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=lang)


#: A message's id and context -> whether it has plural forms.
Ids = dict[tuple[str, str | None], bool]


def _ids(catalog: Catalog) -> Ids:
    return {(m.id if isinstance(m.id, str) else m.id[0], m.context): m.pluralizable for m in catalog if m.id}


def _strings(message: Message) -> tuple[object, ...]:
    """A message's translation, or its plural forms (empty strings where untranslated)."""
    return message.string if isinstance(message.string, tuple) else (message.string,)


@functools.cache
def _catalogues() -> dict[str, tuple[Translations, Ids]]:
    read = {lang: _read(lang) for lang in LANGUAGES}
    expected = _ids(read[LANGUAGES[0]])
    loaded = {}
    for lang, catalog in read.items():
        ids = _ids(catalog)
        if ids != expected:
            differ = set(ids.items()) ^ set(expected.items())
            raise LookupError(f"the {lang} catalogue differs from the {LANGUAGES[0]} one in {differ}")
        untranslated = [m.id for m in catalog if m.id and not all(_strings(m))]
        if untranslated:
            raise LookupError(f"the {lang} catalogue leaves {untranslated} untranslated")
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        loaded[lang] = (Translations(compiled), ids)
    return loaded


def _known(lang: str, key: str) -> tuple[Translations, bool]:
    translations, ids = _catalogues()[lang]
    if (key, None) not in ids:
        raise KeyError(key)
    return translations, ids[(key, None)]


def word(key: str, lang: str) -> str:
    """The chrome word ``key`` in ``lang`` (a counted word in its general plural, as a heading says it);
    a key the catalogues lack is a programming error.

    >>> word("query_cta", "it"), word("members", "it")
    ('Interroga il grafo', 'associati')
    """
    translations, plural = _known(lang, key)
    return translations.ngettext(key, key, 2) if plural else translations.gettext(key)


def count(key: str, n: int, lang: str) -> str:
    """The word ``key`` in the form that goes with ``n``.

    >>> count("rows", 1, "en"), count("rows", 2, "en"), count("rows", 1, "it"), count("rows", 0, "it")
    ('row', 'rows', 'riga', 'righe')
    """
    translations, plural = _known(lang, key)
    if not plural:
        raise KeyError(f"{key} has no plural forms")
    return translations.ngettext(key, key, n)


def forms(key: str, lang: str) -> dict[str, str]:
    """A counted word's forms by CLDR plural category, for scripts that count in the browser
    (``Intl.PluralRules``). English and Italian need "one" and "other"; the categories a language has
    beyond those (Italian "many", for millions) fall back to "other" in the script.

    >>> forms("shared_items", "it")
    {'one': 'elemento condiviso', 'other': 'elementi condivisi'}
    """
    return {"one": count(key, 1, lang), "other": count(key, 2, lang)}


def term(iri: str, lang: str) -> str | None:
    """A name for a common term of another vocabulary, or None when the catalogues have none.

    >>> term("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "it")
    'tipo'
    """
    translations, ids = _catalogues()[lang]
    return str(translations.pgettext(TERM, iri)) if (iri, TERM) in ids else None
