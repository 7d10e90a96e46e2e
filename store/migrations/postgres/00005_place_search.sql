-- Places are looked up by the first letters of their name or code, so a picker stays quick with
-- tens of thousands of villages. name_key is the name in lower case, kept by the store. Both keys
-- use the "C" collation, which compares bytes as SQLite does whatever the database's locale, so
-- that a prefix is a range of the index and the matches come out in index order.
-- The indexes led by district_id serve a user limited to their districts.

ALTER TABLE locations ADD COLUMN name_key TEXT COLLATE "C" NULL;
ALTER TABLE locations ALTER COLUMN search_text TYPE TEXT COLLATE "C";
CREATE INDEX locations_name_key ON locations (name_key) WHERE validity_to IS NULL;
CREATE INDEX locations_district_name_key ON locations (district_id, name_key) WHERE validity_to IS NULL;
CREATE INDEX locations_search_text ON locations (search_text) WHERE validity_to IS NULL;
CREATE INDEX locations_district_search_text ON locations (district_id, search_text) WHERE validity_to IS NULL;
