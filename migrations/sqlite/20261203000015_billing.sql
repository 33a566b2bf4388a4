-- Billing: the plans the operator offers, each organisation's billing
-- details, payment methods and subscription, invoices (and credit notes)
-- numbered without gaps, and every payment attempt. Amounts are integer
-- minor units of the plan's or invoice's currency.
CREATE TABLE plans (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT    NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 80),
    currency        TEXT    NOT NULL CHECK (length(currency) = 3),
    monthly_fee     BIGINT  NOT NULL CHECK (monthly_fee >= 0),
    per_badge_fee   BIGINT  NOT NULL CHECK (per_badge_fee >= 0),
    -- Basis points (2100 = 21 %); NULL: no VAT.
    vat_bp          INTEGER CHECK (vat_bp BETWEEN 0 AND 10000),
    trial_days      INTEGER NOT NULL CHECK (trial_days BETWEEN 0 AND 366),
    trial_quota     BIGINT  NOT NULL CHECK (trial_quota >= 0),
    created_at      TEXT NOT NULL,
    -- A retired plan is not offered any more; subscriptions on it go on.
    retired_at      TEXT
);

-- Who the invoices are made out to, and the organisation's Stripe customer.
CREATE TABLE billing_accounts (
    organisation_id BIGINT  PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
    legal_name      TEXT    NOT NULL CHECK (length(legal_name) BETWEEN 1 AND 200),
    billing_email   TEXT    NOT NULL CHECK (length(billing_email) BETWEEN 3 AND 254),
    address         TEXT    NOT NULL CHECK (length(address) BETWEEN 1 AND 500),
    vat_id          TEXT    NOT NULL DEFAULT '' CHECK (length(vat_id) <= 40),
    stripe_customer TEXT,
    updated_at      TEXT NOT NULL
);

CREATE TABLE payment_methods (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT  NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    provider        TEXT    NOT NULL CHECK (provider IN ('invoice', 'stripe')),
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'confirmed', 'removed')),
    -- Stripe: the SetupIntent that collects the card, then its PaymentMethod.
    setup_ref       TEXT    UNIQUE,
    method_ref      TEXT,
    brand           TEXT    NOT NULL DEFAULT '',
    last4           TEXT    NOT NULL DEFAULT '',
    exp_month       INTEGER,
    exp_year        INTEGER,
    is_default      INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    removed_at      TEXT
);
CREATE INDEX payment_methods_org ON payment_methods (organisation_id, id);
CREATE UNIQUE INDEX payment_methods_one_default ON payment_methods (organisation_id)
    WHERE is_default = 1 AND status = 'confirmed';

-- One live subscription per organisation. Cycle 0 is the trial, from
-- started_at to trial_ends_at; paid cycle k starts k-1 months after
-- trial_ends_at (laurel::billing). next_cycle is the next cycle to invoice;
-- a plan change (next_plan_id) or the end (ending) takes effect then.
CREATE TABLE subscriptions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT  NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    plan_id         BIGINT  NOT NULL REFERENCES plans(id),
    next_plan_id    BIGINT  REFERENCES plans(id),
    ending          INTEGER NOT NULL DEFAULT 0,
    started_at      TEXT NOT NULL,
    trial_ends_at   TEXT NOT NULL,
    trial_quota     BIGINT  NOT NULL,
    trial_used      BIGINT  NOT NULL DEFAULT 0 CHECK (trial_used >= 0),
    next_cycle      INTEGER NOT NULL DEFAULT 1,
    next_cycle_at   TEXT NOT NULL,
    ended_at        TEXT,
    CHECK (trial_used <= trial_quota)
);
CREATE UNIQUE INDEX subscriptions_live ON subscriptions (organisation_id) WHERE ended_at IS NULL;
CREATE INDEX subscriptions_due ON subscriptions (next_cycle_at) WHERE ended_at IS NULL;

-- The one gapless sequence of invoice and credit-note numbers: taken in the
-- transaction that writes the document, so a rolled-back write leaves no gap.
CREATE TABLE invoice_sequence (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    last_number     BIGINT  NOT NULL
);
INSERT INTO invoice_sequence (id, last_number) VALUES (1, 0);

CREATE TABLE invoices (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    number          BIGINT  NOT NULL UNIQUE,
    kind            TEXT    NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    organisation_id BIGINT  NOT NULL REFERENCES organisations(id),
    subscription_id BIGINT  REFERENCES subscriptions(id),
    cycle           INTEGER,
    -- A credit note names the invoice it cancels.
    credits_id      BIGINT  REFERENCES invoices(id),
    period_start    TEXT,
    period_end      TEXT,
    currency        TEXT    NOT NULL,
    -- JSON: [laurel::billing::Line], as printed.
    lines           TEXT    NOT NULL,
    net             BIGINT  NOT NULL,
    vat             BIGINT  NOT NULL,
    total           BIGINT  NOT NULL,
    -- The buyer as the invoice names them (legal name, address, VAT ID).
    bill_to         TEXT    NOT NULL,
    provider        TEXT    NOT NULL CHECK (provider IN ('invoice', 'stripe')),
    issued_at       TEXT NOT NULL,
    due_at          TEXT NOT NULL,
    -- Unpaid after this, the organisation's issuing is suspended.
    grace_until     TEXT NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('open', 'paid', 'void')),
    paid_at         TEXT,
    -- Card collection: attempts made, when the next is due (NULL: none),
    -- and the Stripe PaymentIntent.
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    provider_ref    TEXT,
    UNIQUE (subscription_id, cycle)
);
CREATE INDEX invoices_org ON invoices (organisation_id, id);
CREATE INDEX invoices_collect ON invoices (next_attempt_at) WHERE status = 'open';
CREATE INDEX invoices_overdue ON invoices (organisation_id, grace_until) WHERE status = 'open';

-- Issued documents never change (only their payment state) and are kept.
CREATE TRIGGER invoices_immutable
BEFORE UPDATE OF number, kind, organisation_id, subscription_id, cycle, credits_id, period_start,
    period_end, currency, lines, net, vat, total, bill_to, issued_at ON invoices
BEGIN
    SELECT RAISE(ABORT, 'invoices are immutable: correct one with a credit note');
END;
CREATE TRIGGER invoices_kept BEFORE DELETE ON invoices
BEGIN
    SELECT RAISE(ABORT, 'invoices are kept');
END;

CREATE TABLE payments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    invoice_id      BIGINT  NOT NULL REFERENCES invoices(id),
    organisation_id BIGINT  NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
    provider        TEXT    NOT NULL CHECK (provider IN ('invoice', 'stripe')),
    -- The PaymentIntent, or the bank transfer's reference.
    provider_ref    TEXT    NOT NULL DEFAULT '',
    amount          BIGINT  NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    message         TEXT    NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL
);
CREATE INDEX payments_org ON payments (organisation_id, id);
CREATE INDEX payments_invoice ON payments (invoice_id);

-- Stripe webhook events already handled (Stripe delivers at least once).
CREATE TABLE stripe_events (
    id              TEXT PRIMARY KEY,
    received_at     TEXT NOT NULL
);

-- The billing run counts each cycle's badges by when they were recorded.
CREATE INDEX assertions_org_created ON assertions (organisation_id, created_at);
