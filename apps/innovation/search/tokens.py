"""The index's tokens, the same on every database (pure Python, no Django).

* Latin letters and digits: words, lowercased, with a light stem (a trailing plural ``s``/``es``
  and ``ing``/``ed`` cut), so "dyeing" finds "dye" and "standards" finds "standard". A query
  word also matches as a prefix (``to_tsquery('simple', 'polyes:*')`` / FTS5 ``"polyes"*``).
* CJK text: every character (unigram) and every overlapping pair of characters (bigram), so
  涤纶 and 染色 match inside 涤纶长丝染色. A query of two or more characters is matched by its
  bigrams only (precise); a single character by its unigram.

Tokens are made of word characters only, so the token text can be handed to ``to_tsquery`` and
FTS5 quoted without any operator sneaking in.
"""

import re

#: CJK ideographs (unified + extension A + compatibility) and kana/hangul are treated alike
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_RUNS = re.compile(rf"[{_CJK}]+|[0-9a-z\u00c0-\u024f]+")
_IS_CJK = re.compile(rf"[{_CJK}]")

#: the longest query the search accepts (characters), checked by the API's serializer too
MAX_QUERY_LENGTH = 100
#: at most this many tokens of one query are ANDed (the rest are dropped)
MAX_QUERY_TOKENS = 12


def stem(word: str) -> str:
    """A light English stem: enough for plurals and -ing/-ed, never below three letters."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _runs(text: str):
    for run in _RUNS.findall((text or "").lower()):
        yield run, bool(_IS_CJK.match(run))


def document_tokens(*texts: str) -> list[str]:
    """The tokens of a document (order kept, duplicates kept: they weigh in the rank)."""
    tokens: list[str] = []
    for text in texts:
        for run, cjk in _runs(text):
            if cjk:
                tokens.extend(run)
                tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            else:
                tokens.append(stem(run))
    return tokens


def document_text(*texts: str) -> str:
    """The token text stored in a search entry (space-separated tokens)."""
    return " ".join(document_tokens(*texts))


def query_terms(query: str) -> list[tuple[str, bool]]:
    """The terms of a query, each (token, prefix?): all must match. CJK runs give their bigrams
    (a single character its unigram); Latin words their stem, matched as a prefix."""
    terms: list[tuple[str, bool]] = []
    for run, cjk in _runs(query):
        if cjk:
            grams = [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
            terms.extend((gram, False) for gram in grams)
        else:
            terms.append((stem(run), True))
    unique = list(dict.fromkeys(terms))
    return unique[:MAX_QUERY_TOKENS]


def tsquery(query: str) -> str:
    """The query for PostgreSQL's ``to_tsquery('simple', …)``: terms ANDed ('' when none)."""
    return " & ".join(f"{token}:*" if prefix else token for token, prefix in query_terms(query))


def fts5_query(query: str) -> str:
    """The query for SQLite's FTS5 ``MATCH``: quoted terms ANDed ('' when none)."""
    return " AND ".join(f'"{token}"*' if prefix else f'"{token}"' for token, prefix in query_terms(query))
