-- Leases for scheduled jobs: with several server processes on one database, only the holder of
-- a job's unexpired lease runs it (no advisory locks, so distributed engines work too).

CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until TIMESTAMPTZ NOT NULL,
    last_run DATE NULL
);
