-- Who is registered with the service, and the consent credentials patients registered (issue 9).
-- Registration is directory data, not an access decision: it gates who may store records for whom, while every access
-- still needs consent (or an accreditation) and every decision is in the log.
CREATE TABLE registrations (
    did           text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('patient', 'provider')),
    registered_at timestamptz NOT NULL,
    PRIMARY KEY (did, role)
);

-- The credential of each registered consent, as its patient signed it. A row is written before the ConsentRegistered
-- event and shown only once consent_state holds that event, so a crash between the two shows nothing that the log lacks.
CREATE TABLE consent_credentials (
    consent      text        PRIMARY KEY,
    patient      text        NOT NULL,
    grantee      text        NOT NULL,
    status_list  text        NOT NULL,
    status_index integer     NOT NULL CHECK (status_index >= 0),
    credential   bytea       NOT NULL,
    stored_at    timestamptz NOT NULL
);
CREATE INDEX consent_credentials_by_patient ON consent_credentials (patient);
CREATE INDEX consent_credentials_by_list ON consent_credentials (status_list);
