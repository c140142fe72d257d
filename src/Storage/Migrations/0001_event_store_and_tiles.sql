-- Event store and tiled Merkle log (issue 6). One row per event; the event's global position is its leaf index.

CREATE TABLE events (
    position       bigint      PRIMARY KEY CHECK (position >= 0),
    event_id       uuid        NOT NULL UNIQUE,
    stream_id      text        NOT NULL CHECK (length(stream_id) BETWEEN 1 AND 600),
    stream_version bigint      NOT NULL CHECK (stream_version >= 1),
    event_type     text        NOT NULL,
    entry          bytea       NOT NULL CHECK (length(entry) BETWEEN 1 AND 65535),
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (stream_id, stream_version)
);

CREATE TABLE streams (
    stream_id text   PRIMARY KEY,
    version   bigint NOT NULL CHECK (version >= 1)
);

-- The integrated tree: exactly one row, updated in the same transaction as the events and tiles it covers.
CREATE TABLE log_state (
    id        smallint PRIMARY KEY CHECK (id = 0),
    tree_size bigint   NOT NULL CHECK (tree_size >= 0),
    root      bytea    NOT NULL CHECK (length(root) = 32)
);
INSERT INTO log_state (id, tree_size, root) VALUES (0, 0, decode('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'));

-- Moves the tree head from the size a writer expects, or fails the whole transaction when another writer moved it first.
-- The single-round-trip commit of the event store starts with it, so the row lock also serializes writers.
CREATE FUNCTION ehr_advance_head(expected_size bigint, new_size bigint, new_root bytea) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE log_state SET tree_size = new_size, root = new_root WHERE id = 0 AND tree_size = expected_size;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the tree head is no longer at size %', expected_size USING ERRCODE = 'EHR01';
    END IF;
END
$$;

-- C2SP tlog-tiles hash tiles: the latest (widest) content of each tile; a partial tile's hashes never change as it fills.
CREATE TABLE tiles (
    level  smallint NOT NULL CHECK (level BETWEEN 0 AND 63),
    idx    bigint   NOT NULL CHECK (idx >= 0),
    hashes bytea    NOT NULL CHECK (length(hashes) BETWEEN 32 AND 8192 AND length(hashes) % 32 = 0),
    PRIMARY KEY (level, idx)
);
-- Hashes do not compress: skip the attempt (TOAST stores the 8 KiB rows out of line either way).
ALTER TABLE tiles ALTER COLUMN hashes SET STORAGE EXTERNAL;

-- Signed C2SP tlog-checkpoint notes, one per tree size.
CREATE TABLE checkpoints (
    tree_size bigint      PRIMARY KEY CHECK (tree_size >= 0),
    root      bytea       NOT NULL CHECK (length(root) = 32),
    note      text        NOT NULL,
    signed_at timestamptz NOT NULL DEFAULT now()
);

-- How far each asynchronous projection has read.
CREATE TABLE projection_checkpoints (
    name     text   PRIMARY KEY,
    position bigint NOT NULL CHECK (position >= -1)
);
