-- The platform: settings, audit trail, sessions, and the reference registers.
-- Every register table is versioned: the live row keeps its id, each edit copies the previous
-- state into a history row (legacy_id = live id, validity_to set), a delete closes the live row.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE audit_log (
    id UUID PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    user_id UUID NULL,
    user_login TEXT NOT NULL,
    action TEXT NOT NULL,
    register TEXT NOT NULL,
    record_id UUID NULL,
    before_json TEXT NULL,
    after_json TEXT NULL,
    run_id UUID NULL
);
CREATE INDEX audit_log_record ON audit_log (record_id, at);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE locations (
    id UUID PRIMARY KEY,
    wire_id BIGINT NULL,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    parent_id UUID NULL REFERENCES locations (id),
    region_id UUID NULL,
    district_id UUID NULL,
    male_population BIGINT NULL,
    female_population BIGINT NULL,
    other_population BIGINT NULL,
    families BIGINT NULL
);
CREATE UNIQUE INDEX locations_code ON locations (code) WHERE validity_to IS NULL;
CREATE UNIQUE INDEX locations_wire_id ON locations (wire_id);
CREATE INDEX locations_parent ON locations (parent_id);
CREATE INDEX locations_district ON locations (district_id);
CREATE INDEX locations_legacy ON locations (legacy_id);

CREATE TABLE item_pricelists (
    id UUID PRIMARY KEY,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    name TEXT NOT NULL,
    date DATE NOT NULL,
    location_id UUID NULL REFERENCES locations (id)
);
CREATE UNIQUE INDEX item_pricelists_name ON item_pricelists (name) WHERE validity_to IS NULL;
CREATE INDEX item_pricelists_legacy ON item_pricelists (legacy_id);

CREATE TABLE service_pricelists (
    id UUID PRIMARY KEY,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    name TEXT NOT NULL,
    date DATE NOT NULL,
    location_id UUID NULL REFERENCES locations (id)
);
CREATE UNIQUE INDEX service_pricelists_name ON service_pricelists (name) WHERE validity_to IS NULL;
CREATE INDEX service_pricelists_legacy ON service_pricelists (legacy_id);

CREATE TABLE health_facilities (
    id UUID PRIMARY KEY,
    wire_id BIGINT NULL,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    acc_code TEXT NULL,
    legal_form TEXT NOT NULL,
    level TEXT NOT NULL,
    sub_level TEXT NULL,
    location_id UUID NOT NULL REFERENCES locations (id),
    address TEXT NULL,
    phone TEXT NULL,
    fax TEXT NULL,
    email TEXT NULL,
    care_type TEXT NOT NULL,
    items_pricelist_id UUID NULL REFERENCES item_pricelists (id),
    services_pricelist_id UUID NULL REFERENCES service_pricelists (id),
    offline BOOLEAN NOT NULL,
    contract_start DATE NULL,
    contract_end DATE NULL,
    status TEXT NOT NULL
);
CREATE UNIQUE INDEX health_facilities_code ON health_facilities (code) WHERE validity_to IS NULL;
CREATE UNIQUE INDEX health_facilities_wire_id ON health_facilities (wire_id);
CREATE INDEX health_facilities_location ON health_facilities (location_id);
CREATE INDEX health_facilities_legacy ON health_facilities (legacy_id);

CREATE TABLE hf_catchments (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES health_facilities (id),
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    location_id UUID NOT NULL REFERENCES locations (id),
    catchment BIGINT NOT NULL
);
CREATE INDEX hf_catchments_owner ON hf_catchments (owner_id);
CREATE INDEX hf_catchments_location ON hf_catchments (location_id);

CREATE TABLE items (
    id UUID PRIMARY KEY,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    package TEXT NULL,
    price BIGINT NOT NULL,
    quantity BIGINT NULL,
    maximum_amount BIGINT NULL,
    care_type TEXT NOT NULL,
    frequency BIGINT NULL,
    patient_category BIGINT NOT NULL
);
CREATE UNIQUE INDEX items_code ON items (code) WHERE validity_to IS NULL;
CREATE INDEX items_legacy ON items (legacy_id);

CREATE TABLE services (
    id UUID PRIMARY KEY,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    category TEXT NULL,
    level TEXT NOT NULL,
    price BIGINT NOT NULL,
    maximum_amount BIGINT NULL,
    care_type TEXT NOT NULL,
    frequency BIGINT NULL,
    patient_category BIGINT NOT NULL,
    package_type TEXT NOT NULL,
    manual_price BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX services_code ON services (code) WHERE validity_to IS NULL;
CREATE INDEX services_legacy ON services (legacy_id);

CREATE TABLE diagnoses (
    id UUID PRIMARY KEY,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE UNIQUE INDEX diagnoses_code ON diagnoses (code) WHERE validity_to IS NULL;
CREATE INDEX diagnoses_legacy ON diagnoses (legacy_id);

CREATE TABLE item_pricelist_details (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES item_pricelists (id),
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    item_id UUID NOT NULL REFERENCES items (id),
    price_overrule BIGINT NULL
);
CREATE INDEX item_pricelist_details_owner ON item_pricelist_details (owner_id, item_id);
CREATE INDEX item_pricelist_details_item ON item_pricelist_details (item_id);

CREATE TABLE service_pricelist_details (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES service_pricelists (id),
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    service_id UUID NOT NULL REFERENCES services (id),
    price_overrule BIGINT NULL
);
CREATE INDEX service_pricelist_details_owner ON service_pricelist_details (owner_id, service_id);
CREATE INDEX service_pricelist_details_service ON service_pricelist_details (service_id);

CREATE TABLE payers (
    id UUID PRIMARY KEY,
    wire_id BIGINT NULL,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    address TEXT NULL,
    location_id UUID NULL REFERENCES locations (id),
    phone TEXT NULL,
    fax TEXT NULL,
    email TEXT NULL
);
CREATE UNIQUE INDEX payers_wire_id ON payers (wire_id);
CREATE INDEX payers_legacy ON payers (legacy_id);

CREATE TABLE officers (
    id UUID PRIMARY KEY,
    wire_id BIGINT NULL,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    code TEXT NOT NULL,
    last_name TEXT NOT NULL,
    other_names TEXT NOT NULL,
    dob DATE NULL,
    phone TEXT NULL,
    email TEXT NULL,
    location_id UUID NOT NULL REFERENCES locations (id),
    substitution_id UUID NULL REFERENCES officers (id),
    works_to DATE NULL,
    veo_code TEXT NULL,
    veo_last_name TEXT NULL,
    veo_other_names TEXT NULL,
    veo_dob DATE NULL,
    veo_phone TEXT NULL,
    phone_communication BOOLEAN NOT NULL,
    permanent_address TEXT NULL,
    has_login BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX officers_code ON officers (code) WHERE validity_to IS NULL;
CREATE UNIQUE INDEX officers_wire_id ON officers (wire_id);
CREATE INDEX officers_location ON officers (location_id);
CREATE INDEX officers_legacy ON officers (legacy_id);

CREATE TABLE officer_villages (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES officers (id),
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    location_id UUID NOT NULL REFERENCES locations (id)
);
CREATE INDEX officer_villages_owner ON officer_villages (owner_id);
CREATE INDEX officer_villages_location ON officer_villages (location_id);

CREATE TABLE claim_admins (
    id UUID PRIMARY KEY,
    wire_id BIGINT NULL,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    code TEXT NOT NULL,
    last_name TEXT NOT NULL,
    other_names TEXT NOT NULL,
    dob DATE NULL,
    phone TEXT NULL,
    email TEXT NULL,
    hf_id UUID NOT NULL REFERENCES health_facilities (id),
    has_login BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX claim_admins_code ON claim_admins (code) WHERE validity_to IS NULL;
CREATE UNIQUE INDEX claim_admins_wire_id ON claim_admins (wire_id);
CREATE INDEX claim_admins_hf ON claim_admins (hf_id);
CREATE INDEX claim_admins_legacy ON claim_admins (legacy_id);

CREATE TABLE roles (
    id UUID PRIMARY KEY,
    wire_id BIGINT NULL,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    name TEXT NOT NULL,
    alt_name TEXT NULL,
    blocked BOOLEAN NOT NULL,
    system_code BIGINT NOT NULL
);
CREATE UNIQUE INDEX roles_name ON roles (name) WHERE validity_to IS NULL;
CREATE UNIQUE INDEX roles_wire_id ON roles (wire_id);
CREATE INDEX roles_legacy ON roles (legacy_id);

CREATE TABLE role_rights (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES roles (id),
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    right_id BIGINT NOT NULL
);
CREATE INDEX role_rights_owner ON role_rights (owner_id);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    wire_id BIGINT NULL,
    legacy_id UUID NULL,
    version INTEGER NOT NULL,
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    search_text TEXT NOT NULL,
    login TEXT NOT NULL,
    last_name TEXT NOT NULL,
    other_names TEXT NOT NULL,
    phone TEXT NULL,
    email TEXT NULL,
    language TEXT NOT NULL,
    hf_id UUID NULL REFERENCES health_facilities (id),
    password_hash TEXT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    failed_since TIMESTAMPTZ NULL,
    locked_until TIMESTAMPTZ NULL,
    last_login TIMESTAMPTZ NULL
);
CREATE UNIQUE INDEX users_login ON users (login) WHERE validity_to IS NULL;
CREATE UNIQUE INDEX users_wire_id ON users (wire_id);
CREATE INDEX users_legacy ON users (legacy_id);

CREATE TABLE user_roles (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES users (id),
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    role_id UUID NOT NULL REFERENCES roles (id)
);
CREATE INDEX user_roles_owner ON user_roles (owner_id);
CREATE INDEX user_roles_role ON user_roles (role_id);

CREATE TABLE user_districts (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES users (id),
    validity_from TIMESTAMPTZ NOT NULL,
    validity_to TIMESTAMPTZ NULL,
    audit_user_id UUID NULL,
    location_id UUID NOT NULL REFERENCES locations (id)
);
CREATE INDEX user_districts_owner ON user_districts (owner_id);
CREATE INDEX user_districts_location ON user_districts (location_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
