-- Places are looked up by the first letters of their name or code, so a picker stays quick with
-- tens of thousands of villages. name_key is the name in lower case, kept by the store; both keys
-- compare byte by byte (SQLite's BINARY collation), which makes a prefix a range of the index.
-- The indexes led by district_id serve a user limited to their districts.

ALTER TABLE locations ADD COLUMN name_key TEXT NULL;
CREATE INDEX locations_name_key ON locations (name_key) WHERE validity_to IS NULL;
CREATE INDEX locations_district_name_key ON locations (district_id, name_key) WHERE validity_to IS NULL;
CREATE INDEX locations_search_text ON locations (search_text) WHERE validity_to IS NULL;
CREATE INDEX locations_district_search_text ON locations (district_id, search_text) WHERE validity_to IS NULL;
