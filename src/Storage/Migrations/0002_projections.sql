-- Projections of the event store (issue 6). Inline ones are written in the append transaction; asynchronous ones by a
-- projector that stores how far it has read in projection_checkpoints, in the same transaction as its rows.

-- Inline: the state of each consent credential registered with the service.
CREATE TABLE consent_state (
    consent             text   PRIMARY KEY,
    patient             text,
    revoked             boolean NOT NULL,
    registered_position bigint,
    revoked_position    bigint
);

-- Inline: every record stored, by content id, with its versions and whether it was erased.
CREATE TABLE record_index (
    record          text   PRIMARY KEY,
    patient         text,
    versions        integer NOT NULL CHECK (versions >= 0),
    first_position  bigint,
    last_position   bigint,
    erased_position bigint
);

-- Asynchronous: per patient, every event that concerns them ("who did what with my data, when, why").
CREATE TABLE access_history (
    position   bigint      PRIMARY KEY,
    patient    text        NOT NULL,
    event_id   uuid        NOT NULL,
    event_type text        NOT NULL,
    actor      text        NOT NULL,
    record     text,
    purpose    text,
    reason     text,
    event_time timestamptz NOT NULL
);
CREATE INDEX access_history_by_patient ON access_history (patient, position DESC);
