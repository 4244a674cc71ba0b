"""The ledger's errors: each carries a catalog key and its words, so the command can say it in Chinese too."""

from __future__ import annotations

from allocate.catalog import message
from allocate.errors import AllocateError


class LedgerError(AllocateError):
    """The ledger cannot do what was asked (no such round, a database it cannot open or use); the message says what
    to do. `key` and `words` are the catalog's (`allocate.catalog.message(key, lang, **words)`)."""

    def __init__(self, key: str, **words: object) -> None:
        super().__init__(message(key, "en", **words))
        self.key = key
        self.words = words

    def text(self, lang: str) -> str:
        """The message in `lang` ("en" or "zh")."""
        return message(self.key, "zh" if lang == "zh" else "en", **self.words)


class LedgerTooNewError(LedgerError):
    """The ledger's schema was written by a newer allocate than this one: it is never opened (nor downgraded)."""


class Finding(str):
    """One inconsistency `Operation.problems` found: the string is its English words (what tests and logs compare),
    and `key` and `words` the catalog's, so `allocate round check` says it in Chinese too."""

    key: str
    words: dict[str, object]

    def __new__(cls, key: str, **words: object) -> Finding:
        found = super().__new__(cls, message(key, "en", **words))
        found.key, found.words = key, words
        return found

    def text(self, lang: str) -> str:
        """The finding in `lang` ("en" or "zh")."""
        return message(self.key, "zh" if lang == "zh" else "en", **self.words)
