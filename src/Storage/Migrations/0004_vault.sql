-- The record vault (issue 8). A version's row is written in the same transaction as its RecordStored event, and every row of a
-- record is deleted in the same transaction as its RecordErased event: the vault follows the log, so there is never a stored
-- record the log does not show, and never an erased record whose key survives.

-- One row per record version: its address, where its ciphertext is, and its data key wrapped by a custody key.
CREATE TABLE vault_versions (
    record_id     text        NOT NULL,
    version       integer     NOT NULL CHECK (version >= 1),
    patient       text        NOT NULL,
    author        text        NOT NULL,
    resource_type text        NOT NULL,
    content_id    text        NOT NULL,
    length        integer     NOT NULL CHECK (length >= 0),
    custody_key   text        NOT NULL,
    wrapped_key   bytea       NOT NULL,
    event_id      uuid        NOT NULL UNIQUE,
    position      bigint      NOT NULL,
    stored_at     timestamptz NOT NULL,
    PRIMARY KEY (record_id, version)
);
CREATE INDEX vault_versions_by_patient ON vault_versions (patient, record_id);
CREATE INDEX vault_versions_by_custody_key ON vault_versions (custody_key);

-- The PostgreSQL blob backend: ciphertexts by content id (CIDv1 raw sha2-256). Ciphertext does not compress, so it is stored
-- out of line without trying.
CREATE TABLE vault_blobs (
    content_id text  PRIMARY KEY,
    data       bytea NOT NULL
);
ALTER TABLE vault_blobs ALTER COLUMN data SET STORAGE EXTERNAL;
