-- The search index without per-row column sizes (`columnsize=0`): they only serve bm25
-- ranking, which no query uses (matches are ordered by recency), and cost 0.14 MiB per 1,000
-- tickets (issue 20: ≤ 3.7 MiB per 1,000 tickets). Rebuilt once with the same rowids, texts
-- and columns; every query reads it as before.

CREATE VIRTUAL TABLE search_rebuilt USING fts5 (
    text,
    ticket_id UNINDEXED,
    internal UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2',
    columnsize = 0
);
INSERT INTO search_rebuilt (rowid, text, ticket_id, internal) SELECT rowid, text, ticket_id, internal FROM search;
DROP TABLE search;
ALTER TABLE search_rebuilt RENAME TO search;
