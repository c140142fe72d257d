-- Bitstring Status List credentials the service hosts for their issuers (issue 9): each served at /status-lists/{id}, replaced
-- only by its issuer. The verifier reads them from here, never from arbitrary URLs.
CREATE TABLE status_lists (
    id          text        PRIMARY KEY,
    issuer      text        NOT NULL,
    credential  bytea       NOT NULL,
    updated_at  timestamptz NOT NULL
);
