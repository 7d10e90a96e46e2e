-- Enrolment: families, insurees and their photos, policies and the insuree-policy coverage rows,
-- contributions, renewal reminders, the uploads of the mobile apps, and the claim tables whose
-- deductible and remuneration ledger the enquiry reads. Each row of the family's aggregate
-- carries family_id, the future distribution column.

CREATE TABLE families (
    id UUID PRIMARY KEY,
    wire_id BIGINT NULL,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    head_chfid TEXT NULL,
    head_name TEXT NULL,
    head_id UUID NULL,
    location_id UUID NOT NULL REFERENCES locations (id),
    poverty BOOLEAN NOT NULL,
    family_type TEXT NULL,
    address TEXT NULL,
    ethnicity TEXT NULL,
    confirmation_no TEXT NULL,
    confirmation_type TEXT NULL,
    is_offline BOOLEAN NOT NULL,
    district_id UUID NULL,
    source TEXT NULL,
    source_version TEXT NULL
);

CREATE TABLE insurees (
    id UUID PRIMARY KEY,
    wire_id BIGINT NULL,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    chfid TEXT NOT NULL,
    last_name TEXT NOT NULL,
    other_names TEXT NOT NULL,
    family_id UUID NOT NULL REFERENCES families (id),
    is_head BOOLEAN NOT NULL,
    dob DATE NOT NULL,
    gender TEXT NOT NULL,
    marital TEXT NULL,
    type_of_id TEXT NULL,
    passport TEXT NULL,
    phone TEXT NULL,
    email TEXT NULL,
    current_address TEXT NULL,
    geolocation TEXT NULL,
    current_village_id UUID NULL REFERENCES locations (id),
    card_issued BOOLEAN NOT NULL,
    relationship TEXT NULL,
    profession TEXT NULL,
    education TEXT NULL,
    hf_id UUID NULL REFERENCES health_facilities (id),
    status TEXT NOT NULL,
    status_date DATE NULL,
    status_reason TEXT NULL,
    vulnerability BOOLEAN NOT NULL,
    is_offline BOOLEAN NOT NULL,
    photo_file TEXT NULL,
    photo_date DATE NULL,
    district_id UUID NULL,
    source TEXT NULL,
    source_version TEXT NULL
);

CREATE TABLE policies (
    id UUID PRIMARY KEY,
    wire_id BIGINT NULL,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    head_chfid TEXT NULL,
    product_code TEXT NULL,
    family_id UUID NOT NULL REFERENCES families (id),
    product_id UUID NOT NULL REFERENCES products (id),
    officer_id UUID NOT NULL REFERENCES officers (id),
    enroll_date DATE NOT NULL,
    stage TEXT NULL,
    status BIGINT NULL,
    value BIGINT NULL,
    start_date DATE NULL,
    effective_date DATE NULL,
    expiry_date DATE NULL,
    previous_id UUID NULL REFERENCES policies (id),
    renewal_order BIGINT NULL,
    is_offline BOOLEAN NOT NULL,
    district_id UUID NULL,
    source TEXT NULL,
    source_version TEXT NULL
);

CREATE TABLE premiums (
    id UUID PRIMARY KEY,
    wire_id BIGINT NULL,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    policy_id UUID NOT NULL REFERENCES policies (id),
    payer_id UUID NULL REFERENCES payers (id),
    amount BIGINT NOT NULL,
    receipt TEXT NOT NULL,
    pay_date DATE NOT NULL,
    pay_type TEXT NOT NULL,
    is_photo_fee BOOLEAN NOT NULL,
    is_offline BOOLEAN NOT NULL,
    head_chfid TEXT NULL,
    district_id UUID NULL,
    family_id UUID NULL,
    product_id UUID NULL,
    source TEXT NULL,
    source_version TEXT NULL
);

CREATE TABLE insuree_policies (
    id UUID PRIMARY KEY,
    family_id UUID NOT NULL,
    insuree_id UUID NOT NULL REFERENCES insurees (id),
    policy_id UUID NOT NULL REFERENCES policies (id),
    enrollment_date DATE NOT NULL,
    start_date DATE NOT NULL,
    effective_date DATE NULL,
    expiry_date DATE NOT NULL,
    is_offline BOOLEAN NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL
);

CREATE TABLE photos (
    id UUID PRIMARY KEY,
    insuree_id UUID NOT NULL REFERENCES insurees (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    data BYTEA NOT NULL,
    thumbnail BYTEA NOT NULL,
    photo_date DATE NOT NULL,
    officer_id UUID NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL
);

CREATE TABLE policy_renewals (
    id UUID PRIMARY KEY,
    wire_id BIGINT NULL,
    family_id UUID NOT NULL,
    policy_id UUID NOT NULL REFERENCES policies (id),
    insuree_id UUID NOT NULL REFERENCES insurees (id),
    new_product_id UUID NULL REFERENCES products (id),
    new_officer_id UUID NULL REFERENCES officers (id),
    prompt_date DATE NOT NULL,
    renewal_date DATE NOT NULL,
    phone TEXT NULL,
    sms_status BIGINT NOT NULL,
    warnings BIGINT NOT NULL,
    response_status BIGINT NOT NULL,
    response_date TIMESTAMPTZ NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL
);

CREATE TABLE claims (
    id UUID PRIMARY KEY,
    wire_id BIGINT NULL,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    family_id UUID NOT NULL,
    code TEXT NOT NULL,
    insuree_id UUID NOT NULL REFERENCES insurees (id),
    hf_id UUID NOT NULL REFERENCES health_facilities (id),
    claim_admin_id UUID NULL REFERENCES claim_admins (id),
    date_from DATE NOT NULL,
    date_to DATE NULL,
    date_claimed DATE NOT NULL,
    date_processed DATE NULL,
    icd_id UUID NOT NULL REFERENCES diagnoses (id),
    icd_1_id UUID NULL REFERENCES diagnoses (id),
    icd_2_id UUID NULL REFERENCES diagnoses (id),
    icd_3_id UUID NULL REFERENCES diagnoses (id),
    icd_4_id UUID NULL REFERENCES diagnoses (id),
    visit_type TEXT NULL,
    category TEXT NULL,
    status BIGINT NOT NULL,
    review_status BIGINT NOT NULL,
    feedback_status BIGINT NOT NULL,
    rejection_reason BIGINT NOT NULL,
    claimed BIGINT NULL,
    approved BIGINT NULL,
    valuated BIGINT NULL,
    remunerated BIGINT NULL,
    explanation TEXT NULL,
    adjustment TEXT NULL,
    guarantee_id TEXT NULL,
    run_id UUID NULL,
    submit_stamp TIMESTAMPTZ NULL,
    process_stamp TIMESTAMPTZ NULL
);

CREATE TABLE claim_items (
    id UUID PRIMARY KEY,
    family_id UUID NOT NULL,
    claim_id UUID NOT NULL REFERENCES claims (id),
    item_id UUID NOT NULL REFERENCES items (id),
    product_id UUID NULL REFERENCES products (id),
    policy_id UUID NULL REFERENCES policies (id),
    status BIGINT NOT NULL,
    qty_provided BIGINT NOT NULL,
    qty_approved BIGINT NULL,
    price_asked BIGINT NOT NULL,
    price_adjusted BIGINT NULL,
    price_approved BIGINT NULL,
    price_valuated BIGINT NULL,
    explanation TEXT NULL,
    justification TEXT NULL,
    rejection_reason BIGINT NOT NULL,
    limitation TEXT NULL,
    limitation_value BIGINT NULL,
    price_origin TEXT NULL,
    deductible_amount BIGINT NULL,
    exceed_ceiling_amount BIGINT NULL,
    remunerated_amount BIGINT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL
);

CREATE TABLE claim_services (
    id UUID PRIMARY KEY,
    family_id UUID NOT NULL,
    claim_id UUID NOT NULL REFERENCES claims (id),
    service_id UUID NOT NULL REFERENCES services (id),
    product_id UUID NULL REFERENCES products (id),
    policy_id UUID NULL REFERENCES policies (id),
    status BIGINT NOT NULL,
    qty_provided BIGINT NOT NULL,
    qty_approved BIGINT NULL,
    price_asked BIGINT NOT NULL,
    price_adjusted BIGINT NULL,
    price_approved BIGINT NULL,
    price_valuated BIGINT NULL,
    explanation TEXT NULL,
    justification TEXT NULL,
    rejection_reason BIGINT NOT NULL,
    limitation TEXT NULL,
    limitation_value BIGINT NULL,
    price_origin TEXT NULL,
    deductible_amount BIGINT NULL,
    exceed_ceiling_amount BIGINT NULL,
    remunerated_amount BIGINT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL
);

CREATE TABLE claim_ded_rem (
    id UUID PRIMARY KEY,
    family_id UUID NOT NULL,
    policy_id UUID NOT NULL REFERENCES policies (id),
    insuree_id UUID NOT NULL REFERENCES insurees (id),
    claim_id UUID NOT NULL REFERENCES claims (id),
    ded_g BIGINT NULL,
    ded_op BIGINT NULL,
    ded_ip BIGINT NULL,
    rem_g BIGINT NULL,
    rem_op BIGINT NULL,
    rem_ip BIGINT NULL,
    rem_consult BIGINT NULL,
    rem_surgery BIGINT NULL,
    rem_delivery BIGINT NULL,
    rem_hospitalization BIGINT NULL,
    rem_antenatal BIGINT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL
);

CREATE TABLE uploads (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL,
    user_id UUID NULL,
    officer_id UUID NULL,
    received_at TIMESTAMPTZ NOT NULL,
    payload_hash TEXT NOT NULL,
    result BIGINT NOT NULL,
    accepted BOOLEAN NOT NULL,
    family_id UUID NULL,
    response TEXT NULL
);

CREATE UNIQUE INDEX families_wire_id ON families (wire_id);
CREATE INDEX families_legacy ON families (legacy_id);
CREATE INDEX families_district ON families (district_id);
CREATE INDEX families_head ON families (head_id);
CREATE INDEX families_location ON families (location_id);
CREATE UNIQUE INDEX insurees_chfid ON insurees (chfid) WHERE validity_to IS NULL;
CREATE UNIQUE INDEX insurees_wire_id ON insurees (wire_id);
CREATE INDEX insurees_legacy ON insurees (legacy_id);
CREATE INDEX insurees_family ON insurees (family_id);
CREATE INDEX insurees_district ON insurees (district_id);
CREATE UNIQUE INDEX policies_wire_id ON policies (wire_id);
CREATE UNIQUE INDEX policies_once ON policies (family_id, product_id, enroll_date, stage) WHERE validity_to IS NULL;
CREATE INDEX policies_legacy ON policies (legacy_id);
CREATE INDEX policies_family ON policies (family_id);
CREATE INDEX policies_district ON policies (district_id, status);
CREATE INDEX policies_expiry ON policies (expiry_date);
CREATE UNIQUE INDEX premiums_wire_id ON premiums (wire_id);
CREATE UNIQUE INDEX premiums_receipt ON premiums (product_id, receipt) WHERE validity_to IS NULL;
CREATE INDEX premiums_legacy ON premiums (legacy_id);
CREATE INDEX premiums_policy ON premiums (policy_id);
CREATE INDEX premiums_district ON premiums (district_id);
CREATE INDEX insuree_policies_insuree ON insuree_policies (insuree_id, policy_id);
CREATE INDEX insuree_policies_policy ON insuree_policies (policy_id);
CREATE INDEX photos_insuree ON photos (insuree_id);
CREATE INDEX photos_file ON photos (file_name);
CREATE UNIQUE INDEX policy_renewals_wire_id ON policy_renewals (wire_id);
CREATE INDEX policy_renewals_policy ON policy_renewals (policy_id);
CREATE INDEX policy_renewals_officer ON policy_renewals (new_officer_id);
CREATE UNIQUE INDEX claims_code ON claims (hf_id, code) WHERE validity_to IS NULL;
CREATE UNIQUE INDEX claims_wire_id ON claims (wire_id);
CREATE INDEX claims_insuree ON claims (insuree_id);
CREATE INDEX claims_legacy ON claims (legacy_id);
CREATE INDEX claim_items_claim ON claim_items (claim_id);
CREATE INDEX claim_items_item ON claim_items (item_id);
CREATE INDEX claim_services_claim ON claim_services (claim_id);
CREATE INDEX claim_services_service ON claim_services (service_id);
CREATE INDEX claim_ded_rem_policy ON claim_ded_rem (policy_id, insuree_id);
CREATE INDEX claim_ded_rem_claim ON claim_ded_rem (claim_id);
CREATE INDEX uploads_user ON uploads (user_id, kind, received_at);
CREATE INDEX uploads_hash ON uploads (payload_hash);
