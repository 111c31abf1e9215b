"""One search over the cluster: the library, listings, members (and challenges once their source is registered).

``tokens`` turns text into the index's tokens (pure Python), ``sources`` says what each kind
of object puts in the index and keeps it in step, ``backends`` answers a query on PostgreSQL
(``tsvector`` + GIN) or SQLite (FTS5) over the same token text.
"""
