-- A register's free-text search finds records by the beginnings of their words. search_words
-- holds the words of every current record's search text, folded by the store (lower case, no
-- accents), so that a typed word is a range of the primary key: its "C" collation compares bytes,
-- as SQLite does, whatever the database's locale. The store fills it for the records already
-- saved in the transaction of this migration.

CREATE TABLE search_words (
    reg_table TEXT NOT NULL,
    word TEXT COLLATE "C" NOT NULL,
    record_id UUID NOT NULL,
    PRIMARY KEY (reg_table, word, record_id)
);
