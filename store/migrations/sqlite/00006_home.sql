-- The home page counts each user's work in their districts, each count a range of an index:
-- the policies waiting for their contributions (Idle, led by status so that one range serves a
-- national user and one per district the others), and the open renewal reminders due by a date.
-- A reminder carries its family's district, kept with the family's like the policies' copy, so
-- that a district's reminders are a range too rather than a walk over the whole country's; the
-- family's reminders are found by family when the family moves.

CREATE INDEX policies_status ON policies (status, district_id) WHERE validity_to IS NULL;

ALTER TABLE policy_renewals ADD COLUMN district_id TEXT NULL;
UPDATE policy_renewals SET district_id = (SELECT f.district_id FROM families f WHERE f.id = policy_renewals.family_id);
CREATE INDEX policy_renewals_due ON policy_renewals (renewal_date) WHERE validity_to IS NULL AND response_status = 0;
CREATE INDEX policy_renewals_district_due ON policy_renewals (district_id, renewal_date) WHERE validity_to IS NULL AND response_status = 0;
CREATE INDEX policy_renewals_family ON policy_renewals (family_id) WHERE validity_to IS NULL;
