-- The ticket search index without a second copy of every text, and a word list for bounded
-- prefix search (issues 20 and 24).
--
-- `search` was an FTS5 table with its own content: `search_content` held every subject and
-- activity text again (~1 MiB per 1,000 tickets, issue 20: ≤ 3.7 MiB). Staff search only needs
-- which rows match; customer search never reads the index (db::search). Now it is contentless:
-- only the index, rows deletable by rowid (`contentless_delete=1`, which needs the column sizes
-- back). A row's ticket comes from its rowid: an activity's row is `-activity id` (as before),
-- a ticket subject's row is now the ticket id (before: the next free rowid, which the ticket id
-- no longer had to be). The `ticket_id` and `internal` columns are gone (nothing read `internal`).
--
-- Rebuilt from the tables themselves with the text `db::tickets::search_text` indexes (the
-- e-mail subject, a newline, the body), so old databases whose first versions numbered
-- activity rows differently end up as new ones. A one-time rebuild at the first start.
--
-- `search_words`: every word of three characters or more that the indexes hold (`search` and
-- the field values' `field_search`), folded as the tokenizer folds them, so staff search
-- turns `Druck` into `"druck" OR "drucker" OR "druckt"`: exact terms, which FTS5 reads lazily
-- newest first and stops after a page's rows, where a prefix term `"druck"*` merges every
-- posting of every such word first (grows with the data: 3.8 ms at 1M tickets). Kept by
-- `db::search::note_words` beside every insert into either index.

CREATE VIRTUAL TABLE search_rebuilt USING fts5 (
    text,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_rebuilt (rowid, text)
    SELECT -id, CASE WHEN coalesce(email_subject, '') <> '' THEN email_subject || char(10) || body ELSE body END
    FROM activities WHERE body <> '' OR coalesce(email_subject, '') <> '' ORDER BY id DESC;
INSERT INTO search_rebuilt (rowid, text) SELECT id, subject FROM tickets ORDER BY id;
DROP TABLE search;
ALTER TABLE search_rebuilt RENAME TO search;

CREATE TABLE search_words (word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE temp.search_terms USING fts5vocab(main, search, row);
INSERT INTO search_words (word) SELECT term FROM temp.search_terms WHERE length(term) >= 3;
DROP TABLE temp.search_terms;
CREATE VIRTUAL TABLE temp.field_terms USING fts5vocab(main, field_search, row);
INSERT OR IGNORE INTO search_words (word) SELECT term FROM temp.field_terms WHERE length(term) >= 3;
DROP TABLE temp.field_terms;
