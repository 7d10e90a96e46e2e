-- Every list reads one page in its register's order and continues from a record of the page
-- before (store/list.go). So each register has an index on its order (a unique one may serve),
-- and each filter a list offers and each district scope one led by the filtered or scoping
-- column and followed by the order: a filtered page is a range of one index, already sorted, and
-- its count is read from the index alone. On the registers that grow with the population, a
-- district's user filtering by a value that many districts share (gender, status, product,
-- payer) has one led by both, as has the insurees list's pair of filters; a family, a policy or
-- a village has so few records that one index followed by the district serves everyone, and an
-- officer has two. A head's number that may be missing is indexed as "", as the lists sort it.
-- The small registers' filters on a reference already indexed have none of their own; nor do
-- text filters, which match anywhere in the text, nor the locations' type, whose index would
-- draw the place search (00005) away from its name and code ranges.

CREATE INDEX families_list ON families (COALESCE(head_chfid, ''), id) WHERE validity_to IS NULL;
CREATE INDEX families_district_list ON families (district_id, COALESCE(head_chfid, ''), id) WHERE validity_to IS NULL;
CREATE INDEX families_location_list ON families (location_id, district_id, COALESCE(head_chfid, ''), id) WHERE validity_to IS NULL;

CREATE INDEX insurees_district_list ON insurees (district_id, chfid) WHERE validity_to IS NULL;
CREATE INDEX insurees_family_list ON insurees (family_id, district_id, chfid) WHERE validity_to IS NULL;
CREATE INDEX insurees_gender_list ON insurees (gender, chfid) WHERE validity_to IS NULL;
CREATE INDEX insurees_status_list ON insurees (status, chfid) WHERE validity_to IS NULL;
CREATE INDEX insurees_gender_status_list ON insurees (gender, status, chfid) WHERE validity_to IS NULL;
CREATE INDEX insurees_district_gender_list ON insurees (district_id, gender, chfid) WHERE validity_to IS NULL;
CREATE INDEX insurees_district_status_list ON insurees (district_id, status, chfid) WHERE validity_to IS NULL;
CREATE INDEX insurees_district_gender_status_list ON insurees (district_id, gender, status, chfid) WHERE validity_to IS NULL;

CREATE INDEX policies_list ON policies (enroll_date DESC, COALESCE(head_chfid, ''), id) WHERE validity_to IS NULL;
CREATE INDEX policies_district_list ON policies (district_id, enroll_date DESC, COALESCE(head_chfid, ''), id) WHERE validity_to IS NULL;
CREATE INDEX policies_family_list ON policies (family_id, district_id, enroll_date DESC, COALESCE(head_chfid, ''), id) WHERE validity_to IS NULL;
CREATE INDEX policies_product_list ON policies (product_id, enroll_date DESC, COALESCE(head_chfid, ''), id) WHERE validity_to IS NULL;
CREATE INDEX policies_officer_list ON policies (officer_id, enroll_date DESC, COALESCE(head_chfid, ''), id) WHERE validity_to IS NULL;
CREATE INDEX policies_officer_district_list ON policies (officer_id, district_id, enroll_date DESC, COALESCE(head_chfid, ''), id) WHERE validity_to IS NULL;
CREATE INDEX policies_status_list ON policies (status, enroll_date DESC, COALESCE(head_chfid, ''), id) WHERE validity_to IS NULL;
CREATE INDEX policies_district_product_list ON policies (district_id, product_id, enroll_date DESC, COALESCE(head_chfid, ''), id) WHERE validity_to IS NULL;
CREATE INDEX policies_district_status_list ON policies (district_id, status, enroll_date DESC, COALESCE(head_chfid, ''), id) WHERE validity_to IS NULL;

CREATE INDEX premiums_list ON premiums (pay_date DESC, receipt, id) WHERE validity_to IS NULL;
CREATE INDEX premiums_district_list ON premiums (district_id, pay_date DESC, receipt, id) WHERE validity_to IS NULL;
CREATE INDEX premiums_policy_list ON premiums (policy_id, district_id, pay_date DESC, receipt, id) WHERE validity_to IS NULL;
CREATE INDEX premiums_payer_list ON premiums (payer_id, pay_date DESC, receipt, id) WHERE validity_to IS NULL;
CREATE INDEX premiums_district_payer_list ON premiums (district_id, payer_id, pay_date DESC, receipt, id) WHERE validity_to IS NULL;

CREATE INDEX health_facilities_level_list ON health_facilities (level, code) WHERE validity_to IS NULL;
CREATE INDEX item_pricelists_location_list ON item_pricelists (location_id, name) WHERE validity_to IS NULL;
CREATE INDEX service_pricelists_location_list ON service_pricelists (location_id, name) WHERE validity_to IS NULL;
CREATE INDEX items_type_list ON items (type, code) WHERE validity_to IS NULL;
CREATE INDEX items_care_type_list ON items (care_type, code) WHERE validity_to IS NULL;
CREATE INDEX services_type_list ON services (type, code) WHERE validity_to IS NULL;
CREATE INDEX services_category_list ON services (category, code) WHERE validity_to IS NULL;
CREATE INDEX services_care_type_list ON services (care_type, code) WHERE validity_to IS NULL;
CREATE INDEX payers_list ON payers (name, id) WHERE validity_to IS NULL;
CREATE INDEX payers_type_list ON payers (type, name, id) WHERE validity_to IS NULL;
CREATE INDEX payers_location_list ON payers (location_id, name, id) WHERE validity_to IS NULL;
