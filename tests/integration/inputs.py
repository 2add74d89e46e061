"""Shared by the tests of imported files: database dumps and the check that a message is
French."""

from __future__ import annotations

import re

import sqlalchemy as sa

from selection.storage import store as storage
from selection.storage.store import Store


def full_dump(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order: equal dumps mean an unchanged database
    (staged rows included, so a refusal that left hidden rows behind is seen)."""
    out = {}
    with store.read() as conn:
        for table in storage.metadata.sorted_tables:
            key = list(table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*key))]
    return out


def wipe(store: Store) -> None:
    with store.write() as conn:
        for table in reversed(storage.metadata.sorted_tables):
            if table.name != "schema_version":
                conn.execute(table.delete())


# Words that would betray an English message: common words and the vocabulary of Python's and
# the parsers' exceptions. Words that are French too (« position », « format », « type »,
# « table », « limite »…) are left out; a text quoted from the file (« … ») is not checked.
ENGLISH = frozenset(
    [
        "the",
        "and",
        "not",
        "is",
        "are",
        "was",
        "of",
        "to",
        "in",
        "for",
        "with",
        "from",
        "this",
        "that",
        "by",
        "an",
        "be",
        "can",
        "cannot",
        "could",
        "must",
        "should",
        "found",
        "got",
        "expected",
        "unexpected",
        "invalid",
        "error",
        "errors",
        "exception",
        "traceback",
        "line",
        "column",
        "field",
        "value",
        "values",
        "object",
        "attribute",
        "attributes",
        "nonetype",
        "none",
        "argument",
        "arguments",
        "required",
        "missing",
        "larger",
        "than",
        "limit",
        "delimiter",
        "quote",
        "quoted",
        "eof",
        "premature",
        "trailing",
        "garbage",
        "lexical",
        "parse",
        "parser",
        "overflow",
        "integer",
        "string",
        "codec",
        "decode",
        "encode",
        "byte",
        "bytes",
        "unknown",
        "empty",
        "file",
        "data",
        "key",
        "keys",
        "index",
        "range",
        "list",
        "dict",
        "tuple",
        "float",
        "bool",
        "true",
        "false",
        "null",
        "nan",
        "infinity",
        "here",
        "right",
        "left",
        "char",
        "character",
        "characters",
        "allowed",
        "supported",
        "support",
        "failed",
        "failure",
    ]
)
_QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"")
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")


def english_words(message: str) -> set[str]:
    """The English words of a message, outside the texts it quotes."""
    bare = _QUOTED.sub(" ", message)
    return {w for w in _WORD.findall(bare) if w.lower() in ENGLISH}
