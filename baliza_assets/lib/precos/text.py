"""How text is compared: case and accents folded (município names, the words of a search)."""

from __future__ import annotations

import re
import unicodedata

# Words too common to search by (articles, prepositions); "com" and "sem" are kept: "sem motorista" is an item.
STOPWORDS = ("a", "o", "as", "os", "um", "uma", "de", "da", "do", "das", "dos", "e", "em", "no", "na", "nos", "nas",
             "para", "por", "pelo", "pela", "ao", "aos")


def fold(text: str) -> str:
    """Lower case without accents."""
    return "".join(c for c in unicodedata.normalize("NFD", text.strip().lower()) if unicodedata.category(c) != "Mn")


def words(text: str) -> list[str]:
    """The words of a search, as the index splits descriptions (accents and case folded, digits kept), less
    the stop words: FTS's conjunctive match would require a stop word it never indexed."""
    return [w for w in re.split(r"[^a-z0-9]+", fold(text)) if w and w not in STOPWORDS]
