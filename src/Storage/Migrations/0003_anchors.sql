-- Anchoring (issue 7). Inline projection of the AnchorSubmitted / AnchorConfirmed / AnchorReorged events: one row per anchor
-- transaction, written in the append transaction like the other inline projections, so the anchorer and the receipts read
-- exactly what the log says. The events are the truth; this table can be rebuilt from them.
CREATE TABLE anchors (
    transaction          text        PRIMARY KEY,
    chain_id             bigint      NOT NULL,
    contract             text        NOT NULL,
    service_did          text        NOT NULL,
    submitter            text        NOT NULL,
    tree_size            bigint      NOT NULL CHECK (tree_size > 0),
    root                 bytea       NOT NULL CHECK (length(root) = 32),
    nonce                bigint      NOT NULL,
    max_fee_per_gas      numeric     NOT NULL,
    max_priority_fee     numeric     NOT NULL,
    -- submitted: sent, not final; confirmed: final; reorged: its block was dropped or it reverted; replaced: another
    -- transaction with the same nonce was confirmed instead.
    status               text        NOT NULL CHECK (status IN ('submitted', 'confirmed', 'reorged', 'replaced')),
    reason               text,
    block_number         bigint,
    block_hash           text,
    log_index            bigint,
    sequence             bigint,
    gas_used             bigint,
    submitted_position   bigint      NOT NULL,
    submitted_at         timestamptz NOT NULL,
    settled_position     bigint,
    settled_at           timestamptz
);
CREATE INDEX anchors_open ON anchors (nonce) WHERE status = 'submitted';
CREATE INDEX anchors_confirmed ON anchors (tree_size) WHERE status = 'confirmed';
