//! Billing's SQL: plans, billing details, payment methods, subscriptions,
//! invoices and payments. The arithmetic is `laurel::billing`'s and the
//! decisions are the billing service's; this module keeps the invariants
//! that need the database:
//!
//! - one live subscription per organisation (a partial unique index);
//! - the trial quota, counted in the issuing transaction itself
//!   ([`Store::record_issues`] with a [`super::Metering`]), so concurrent
//!   issuers cannot go past it;
//! - one invoice per subscription cycle: [`Store::bill_cycle`] moves the
//!   subscription's `next_cycle` on with a guarded update in the same
//!   transaction that writes the invoice, and `UNIQUE (subscription_id,
//!   cycle)` backs it, so two billing runs (two instances) bill once;
//! - gapless numbers: the number is taken from `invoice_sequence` inside
//!   that transaction, so a rolled-back write leaves no hole;
//! - issued documents never change (a trigger refuses it): corrections are
//!   credit notes ([`Store::credit_invoice`]).
//!
//! Every `now` is the caller's (the billing clock tests can set); mail jobs
//! are queued to run at once in real time.

use chrono::{DateTime, Utc};
use laurel::billing::{Currency, Line, Totals, VatRate};
use laurel::{
    AuditEvent, InvoiceKind, InvoiceStatus, MethodStatus, PaymentProvider, PaymentStatus,
};

use super::audit::{bind_audit, Audit, INSERT_AUDIT_SQL};
use super::error::Conflict;
use super::jobs::{bind_job, INSERT_JOB_SQL, MAIL_QUEUE};
use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

/// A plan the operator offers (or offered: retired plans go on for the
/// subscriptions on them).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Plan {
    pub id: i64,
    pub name: String,
    #[sqlx(try_from = "String")]
    pub currency: Currency,
    pub monthly_fee: i64,
    pub per_badge_fee: i64,
    pub vat_bp: Option<i32>,
    pub trial_days: i32,
    pub trial_quota: i64,
    pub created_at: DateTime<Utc>,
    pub retired_at: Option<DateTime<Utc>>,
}

impl Plan {
    pub fn vat(&self) -> Option<VatRate> {
        self.vat_bp
            .and_then(|bp| VatRate::from_basis_points(i64::from(bp)).ok())
    }
}

/// A plan to create (`laurel plans add`).
#[derive(Debug, Clone)]
pub struct NewPlan<'a> {
    pub name: &'a str,
    pub currency: Currency,
    pub monthly_fee: i64,
    pub per_badge_fee: i64,
    pub vat: Option<VatRate>,
    pub trial_days: i32,
    pub trial_quota: i64,
}

/// Who an organisation's invoices are made out to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BillingAccount {
    pub organisation_id: i64,
    pub legal_name: String,
    pub billing_email: String,
    pub address: String,
    pub vat_id: String,
    pub stripe_customer: Option<String>,
}

impl BillingAccount {
    /// The buyer block printed on an invoice.
    pub fn bill_to(&self) -> String {
        let mut s = format!("{}\n{}", self.legal_name, self.address);
        if !self.vat_id.is_empty() {
            s.push_str(&format!("\nVAT ID: {}", self.vat_id));
        }
        s
    }
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaymentMethod {
    pub id: i64,
    pub organisation_id: i64,
    #[sqlx(try_from = "String")]
    pub provider: PaymentProvider,
    #[sqlx(try_from = "String")]
    pub status: MethodStatus,
    pub setup_ref: Option<String>,
    pub method_ref: Option<String>,
    pub brand: String,
    pub last4: String,
    pub exp_month: Option<i32>,
    pub exp_year: Option<i32>,
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
}

/// A card's details as Stripe reports them once the SetupIntent succeeded.
#[derive(Debug, Clone)]
pub struct CardDetails<'a> {
    pub method_ref: &'a str,
    pub brand: &'a str,
    pub last4: &'a str,
    pub exp_month: i32,
    pub exp_year: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Subscription {
    pub id: i64,
    pub organisation_id: i64,
    pub plan_id: i64,
    pub next_plan_id: Option<i64>,
    pub ending: bool,
    pub started_at: DateTime<Utc>,
    pub trial_ends_at: DateTime<Utc>,
    pub trial_quota: i64,
    pub trial_used: i64,
    pub next_cycle: i32,
    pub next_cycle_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Invoice {
    pub id: i64,
    pub number: i64,
    #[sqlx(try_from = "String")]
    pub kind: InvoiceKind,
    pub organisation_id: i64,
    pub subscription_id: Option<i64>,
    pub cycle: Option<i32>,
    pub credits_id: Option<i64>,
    pub period_start: Option<DateTime<Utc>>,
    pub period_end: Option<DateTime<Utc>>,
    #[sqlx(try_from = "String")]
    pub currency: Currency,
    #[sqlx(try_from = "String")]
    pub lines: InvoiceLines,
    pub net: i64,
    pub vat: i64,
    pub total: i64,
    pub bill_to: String,
    #[sqlx(try_from = "String")]
    pub provider: PaymentProvider,
    pub issued_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub grace_until: DateTime<Utc>,
    #[sqlx(try_from = "String")]
    pub status: InvoiceStatus,
    pub paid_at: Option<DateTime<Utc>>,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub provider_ref: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Payment {
    pub id: i64,
    pub invoice_id: i64,
    pub organisation_id: i64,
    #[sqlx(try_from = "String")]
    pub provider: PaymentProvider,
    pub provider_ref: String,
    pub amount: i64,
    #[sqlx(try_from = "String")]
    pub status: PaymentStatus,
    pub message: String,
    pub created_at: DateTime<Utc>,
}

/// An invoice's lines, stored as JSON text (the same on both backends).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvoiceLines(pub Vec<Line>);

impl TryFrom<String> for InvoiceLines {
    type Error = serde_json::Error;
    fn try_from(s: String) -> Result<Self, serde_json::Error> {
        serde_json::from_str(&s).map(Self)
    }
}

impl std::ops::Deref for InvoiceLines {
    type Target = [Line];
    fn deref(&self) -> &[Line] {
        &self.0
    }
}

/// Builds an invoice's mail once its number is known.
pub type InvoiceMail = Box<dyn Fn(&Invoice) -> serde_json::Value + Send + Sync>;

/// The invoice a billing run writes for one cycle (the service computed it).
pub struct DraftInvoice {
    pub currency: Currency,
    pub lines: Vec<Line>,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub bill_to: String,
    pub provider: PaymentProvider,
    pub due_at: DateTime<Utc>,
    pub grace_until: DateTime<Utc>,
    /// When the first card charge is due (`None` for bank transfer).
    pub first_attempt_at: Option<DateTime<Utc>>,
    /// The invoice mail, built once the number is known.
    pub mail: InvoiceMail,
}

/// What moving a subscription to its next cycle does besides the invoice.
#[derive(Debug, Clone, Copy)]
pub struct CycleStep {
    /// The cycle being billed (the subscription's `next_cycle`).
    pub cycle: i32,
    pub next_cycle_at: DateTime<Utc>,
    /// The plan from this cycle on (a scheduled change takes effect).
    pub plan_id: i64,
    /// The subscription ends at this cycle's start.
    pub ends: bool,
}

const PLAN_COLUMNS: &str = "id, name, currency, monthly_fee, per_badge_fee, vat_bp, trial_days, \
    trial_quota, created_at, retired_at";
const METHOD_COLUMNS: &str =
    "id, organisation_id, provider, status, setup_ref, method_ref, brand, \
    last4, exp_month, exp_year, is_default, created_at";
const SUBSCRIPTION_COLUMNS: &str =
    "id, organisation_id, plan_id, next_plan_id, ending, started_at, \
    trial_ends_at, trial_quota, trial_used, next_cycle, next_cycle_at, ended_at";
const INVOICE_COLUMNS: &str = "id, number, kind, organisation_id, subscription_id, cycle, credits_id, \
    period_start, period_end, currency, lines, net, vat, total, bill_to, provider, issued_at, due_at, \
    grace_until, status, paid_at, attempts, next_attempt_at, provider_ref";
const PAYMENT_COLUMNS: &str =
    "id, invoice_id, organisation_id, provider, provider_ref, amount, status, message, created_at";

/// Takes the next invoice number (inside the caller's transaction).
const NEXT_NUMBER_SQL: &str =
    "UPDATE invoice_sequence SET last_number = last_number + 1 WHERE id = 1 RETURNING last_number";

fn insert_invoice_sql() -> String {
    format!(
        "INSERT INTO invoices (number, kind, organisation_id, subscription_id, cycle, credits_id, \
         period_start, period_end, currency, lines, net, vat, total, bill_to, provider, issued_at, \
         due_at, grace_until, status, paid_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) \
         RETURNING {INVOICE_COLUMNS}"
    )
}

impl Store {
    // ---- plans (operator data) ----

    pub async fn create_plan(&self, p: &NewPlan<'_>) -> Result<Plan, StoreError> {
        let sql = format!(
            "INSERT INTO plans (name, currency, monthly_fee, per_badge_fee, vat_bp, trial_days, \
             trial_quota, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {PLAN_COLUMNS}"
        );
        let vat = p.vat.map(|v| v.basis_points() as i32);
        let result = with_pool!(self, pool => {
            sqlx::query_as::<_, Plan>(&sql)
                .bind(p.name)
                .bind(p.currency.code())
                .bind(p.monthly_fee)
                .bind(p.per_badge_fee)
                .bind(vat)
                .bind(p.trial_days)
                .bind(p.trial_quota)
                .bind(Utc::now())
                .fetch_one(pool)
                .await
        });
        result.map_err(|e| match StoreError::from(e) {
            e if e.is_conflict() => {
                StoreError::Conflict(Conflict::Other(format!("A plan named “{}”", p.name)))
            }
            e => e,
        })
    }

    /// Every plan, offered first, then by name.
    pub async fn plans(&self) -> Result<Vec<Plan>, StoreError> {
        let sql = format!(
            "SELECT {PLAN_COLUMNS} FROM plans ORDER BY (retired_at IS NOT NULL), monthly_fee, name"
        );
        Ok(with_pool!(self, p => sqlx::query_as::<_, Plan>(&sql).fetch_all(p).await)?)
    }

    pub async fn plan(&self, id: i64) -> Result<Option<Plan>, StoreError> {
        let sql = format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = $1");
        Ok(with_pool!(self, p => sqlx::query_as::<_, Plan>(&sql).bind(id).fetch_optional(p).await)?)
    }

    pub async fn plan_by_name(&self, name: &str) -> Result<Option<Plan>, StoreError> {
        let sql = format!("SELECT {PLAN_COLUMNS} FROM plans WHERE name = $1");
        Ok(
            with_pool!(self, p => sqlx::query_as::<_, Plan>(&sql).bind(name).fetch_optional(p).await)?,
        )
    }

    /// Stops offering a plan; false when it was retired already or is unknown.
    pub async fn retire_plan(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = with_pool!(self, p => {
            sqlx::query("UPDATE plans SET retired_at = $1 WHERE id = $2 AND retired_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(p)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    // ---- billing details and payment methods ----

    pub async fn billing_account(
        &self,
        organisation_id: i64,
    ) -> Result<Option<BillingAccount>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, BillingAccount>(
                "SELECT organisation_id, legal_name, billing_email, address, vat_id, stripe_customer \
                 FROM billing_accounts WHERE organisation_id = $1",
            )
            .bind(organisation_id)
            .fetch_optional(p)
            .await
        })?)
    }

    /// Saves who invoices are made out to (the Stripe customer stays).
    pub async fn save_billing_account(
        &self,
        a: &BillingAccount,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        with_pool!(self, p => {
            sqlx::query(
                "INSERT INTO billing_accounts (organisation_id, legal_name, billing_email, address, vat_id, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (organisation_id) DO UPDATE SET \
                 legal_name = $2, billing_email = $3, address = $4, vat_id = $5, updated_at = $6",
            )
            .bind(a.organisation_id)
            .bind(&a.legal_name)
            .bind(&a.billing_email)
            .bind(&a.address)
            .bind(&a.vat_id)
            .bind(now)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    pub async fn set_stripe_customer(
        &self,
        organisation_id: i64,
        customer: &str,
    ) -> Result<(), StoreError> {
        with_pool!(self, p => {
            sqlx::query("UPDATE billing_accounts SET stripe_customer = $1 WHERE organisation_id = $2")
                .bind(customer)
                .bind(organisation_id)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// The organisation's payment methods on file (not removed), the
    /// default first.
    pub async fn payment_methods(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<PaymentMethod>, StoreError> {
        let sql = format!(
            "SELECT {METHOD_COLUMNS} FROM payment_methods WHERE organisation_id = $1 \
             AND status <> 'removed' ORDER BY is_default DESC, id"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, PaymentMethod>(&sql).bind(organisation_id).fetch_all(p).await
        })?)
    }

    /// The method invoices are collected with.
    pub async fn default_payment_method(
        &self,
        organisation_id: i64,
    ) -> Result<Option<PaymentMethod>, StoreError> {
        let sql = format!(
            "SELECT {METHOD_COLUMNS} FROM payment_methods WHERE organisation_id = $1 \
             AND status = 'confirmed' AND is_default = $2"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, PaymentMethod>(&sql)
                .bind(organisation_id)
                .bind(true)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Adds "pay by invoice" (confirmed at once: the billing details are
    /// the confirmation), the default when there is none; returns the one
    /// on file when it exists.
    pub async fn add_invoice_method(
        &self,
        organisation_id: i64,
        user_id: Option<i64>,
        ip: &str,
        now: DateTime<Utc>,
    ) -> Result<PaymentMethod, StoreError> {
        let existing = format!(
            "SELECT {METHOD_COLUMNS} FROM payment_methods WHERE organisation_id = $1 \
             AND provider = 'invoice' AND status = 'confirmed'"
        );
        let insert = format!(
            "INSERT INTO payment_methods (organisation_id, provider, status, is_default, created_at) \
             SELECT $1, 'invoice', 'confirmed', \
               NOT EXISTS (SELECT 1 FROM payment_methods WHERE organisation_id = $1 AND status = 'confirmed' AND is_default = $3), $2 \
             WHERE NOT EXISTS (SELECT 1 FROM payment_methods WHERE organisation_id = $1 AND provider = 'invoice' AND status = 'confirmed') \
             RETURNING {METHOD_COLUMNS}"
        );
        let audit = Audit {
            organisation_id: Some(organisation_id),
            user_id,
            event: AuditEvent::PaymentMethodAdded,
            detail: "invoice (bank transfer)".into(),
            ip,
        };
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let added = sqlx::query_as::<_, PaymentMethod>(&insert)
                .bind(organisation_id)
                .bind(now)
                .bind(true)
                .fetch_optional(&mut *tx)
                .await?;
            let method = match added {
                Some(m) => {
                    bind_audit(sqlx::query(INSERT_AUDIT_SQL), audit, now)
                        .execute(&mut *tx)
                        .await?;
                    m
                }
                None => sqlx::query_as::<_, PaymentMethod>(&existing)
                    .bind(organisation_id)
                    .fetch_one(&mut *tx)
                    .await?,
            };
            tx.commit().await?;
            Ok::<_, sqlx::Error>(method)
        })?)
    }

    /// A card being collected by Stripe's form (its SetupIntent).
    pub async fn add_pending_card(
        &self,
        organisation_id: i64,
        setup_ref: &str,
        now: DateTime<Utc>,
    ) -> Result<PaymentMethod, StoreError> {
        let sql = format!(
            "INSERT INTO payment_methods (organisation_id, provider, status, setup_ref, created_at) \
             VALUES ($1, 'stripe', 'pending', $2, $3) RETURNING {METHOD_COLUMNS}"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, PaymentMethod>(&sql)
                .bind(organisation_id)
                .bind(setup_ref)
                .bind(now)
                .fetch_one(p)
                .await
        })?)
    }

    /// The pending card of a SetupIntent, with what Stripe reports: now
    /// confirmed, and the default when there is none. `None` when no pending
    /// card has this SetupIntent (unknown, or confirmed already).
    pub async fn confirm_card(
        &self,
        setup_ref: &str,
        card: &CardDetails<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<PaymentMethod>, StoreError> {
        let sql = format!(
            "UPDATE payment_methods SET status = 'confirmed', method_ref = $1, brand = $2, last4 = $3, \
             exp_month = $4, exp_year = $5, is_default = NOT EXISTS (SELECT 1 FROM payment_methods o \
             WHERE o.organisation_id = payment_methods.organisation_id AND o.status = 'confirmed' AND o.is_default = $7) \
             WHERE setup_ref = $6 AND status = 'pending' RETURNING {METHOD_COLUMNS}"
        );
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let method = sqlx::query_as::<_, PaymentMethod>(&sql)
                .bind(card.method_ref)
                .bind(card.brand)
                .bind(card.last4)
                .bind(card.exp_month)
                .bind(card.exp_year)
                .bind(setup_ref)
                .bind(true)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(m) = &method {
                let audit = Audit {
                    organisation_id: Some(m.organisation_id),
                    user_id: None,
                    event: AuditEvent::PaymentMethodAdded,
                    detail: format!("{} card ending {}", m.brand, m.last4),
                    ip: "",
                };
                bind_audit(sqlx::query(INSERT_AUDIT_SQL), audit, now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(method)
        })?)
    }

    /// Makes a confirmed method the default; false when the organisation
    /// has no such method.
    pub async fn set_default_payment_method(
        &self,
        organisation_id: i64,
        method_id: i64,
        user_id: i64,
        ip: &str,
    ) -> Result<bool, StoreError> {
        let now = Utc::now();
        let audit = Audit {
            organisation_id: Some(organisation_id),
            user_id: Some(user_id),
            event: AuditEvent::PaymentMethodDefault,
            detail: format!("method {method_id}"),
            ip,
        };
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            // Clear first (the partial unique index allows one default).
            sqlx::query(
                "UPDATE payment_methods SET is_default = $1 WHERE organisation_id = $2 AND is_default = $3 \
                 AND EXISTS (SELECT 1 FROM payment_methods m WHERE m.id = $4 AND m.organisation_id = $2 AND m.status = 'confirmed')",
            )
            .bind(false)
            .bind(organisation_id)
            .bind(true)
            .bind(method_id)
            .execute(&mut *tx)
            .await?;
            let set = sqlx::query(
                "UPDATE payment_methods SET is_default = $1 WHERE id = $2 AND organisation_id = $3 AND status = 'confirmed'",
            )
            .bind(true)
            .bind(method_id)
            .bind(organisation_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if set == 1 {
                bind_audit(sqlx::query(INSERT_AUDIT_SQL), audit, now)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            Ok::<_, sqlx::Error>(set == 1)
        })?)
    }

    /// Removes a method (kept, marked removed); when it was the default,
    /// the newest other confirmed method becomes the default. Returns the
    /// removed method, `None` when the organisation has no such method.
    pub async fn remove_payment_method(
        &self,
        organisation_id: i64,
        method_id: i64,
        user_id: i64,
        ip: &str,
    ) -> Result<Option<PaymentMethod>, StoreError> {
        let now = Utc::now();
        let sql = format!(
            "UPDATE payment_methods SET status = 'removed', is_default = $1, removed_at = $2 \
             WHERE id = $3 AND organisation_id = $4 AND status <> 'removed' RETURNING {METHOD_COLUMNS}"
        );
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let removed = sqlx::query_as::<_, PaymentMethod>(&sql)
                .bind(false)
                .bind(now)
                .bind(method_id)
                .bind(organisation_id)
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(m) = &removed {
                if !sqlx::query(
                    "SELECT 1 FROM payment_methods WHERE organisation_id = $1 AND status = 'confirmed' AND is_default = $2",
                )
                .bind(organisation_id)
                .bind(true)
                .fetch_all(&mut *tx)
                .await?
                .is_empty()
                {
                    // Another default is on file already.
                } else {
                    sqlx::query(
                        "UPDATE payment_methods SET is_default = $1 WHERE id = \
                         (SELECT max(id) FROM payment_methods WHERE organisation_id = $2 AND status = 'confirmed')",
                    )
                    .bind(true)
                    .bind(organisation_id)
                    .execute(&mut *tx)
                    .await?;
                }
                let detail = match m.provider {
                    PaymentProvider::Invoice => "invoice (bank transfer)".to_owned(),
                    PaymentProvider::Stripe => format!("{} card ending {}", m.brand, m.last4),
                };
                let audit = Audit {
                    organisation_id: Some(organisation_id),
                    user_id: Some(user_id),
                    event: AuditEvent::PaymentMethodRemoved,
                    detail,
                    ip,
                };
                bind_audit(sqlx::query(INSERT_AUDIT_SQL), audit, now)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(removed)
        })?)
    }

    // ---- subscriptions ----

    /// The organisation's live subscription (not ended by a billing run).
    pub async fn subscription(
        &self,
        organisation_id: i64,
    ) -> Result<Option<Subscription>, StoreError> {
        let sql = format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE organisation_id = $1 AND ended_at IS NULL"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Subscription>(&sql).bind(organisation_id).fetch_optional(p).await
        })?)
    }

    /// Starts a subscription on `plan` at `now`: its trial runs until
    /// `trial_ends_at`, where the first paid cycle starts. A second live
    /// subscription is refused (conflict).
    pub async fn start_subscription(
        &self,
        organisation_id: i64,
        plan: &Plan,
        now: DateTime<Utc>,
        trial_ends_at: DateTime<Utc>,
        user_id: Option<i64>,
        ip: &str,
    ) -> Result<Subscription, StoreError> {
        let sql = format!(
            "INSERT INTO subscriptions (organisation_id, plan_id, started_at, trial_ends_at, trial_quota, \
             next_cycle_at) VALUES ($1, $2, $3, $4, $5, $4) RETURNING {SUBSCRIPTION_COLUMNS}"
        );
        let audit = Audit {
            organisation_id: Some(organisation_id),
            user_id,
            event: AuditEvent::PlanChosen,
            detail: plan.name.clone(),
            ip,
        };
        let result = with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let sub = sqlx::query_as::<_, Subscription>(&sql)
                .bind(organisation_id)
                .bind(plan.id)
                .bind(now)
                .bind(trial_ends_at)
                .bind(plan.trial_quota)
                .fetch_one(&mut *tx)
                .await?;
            bind_audit(sqlx::query(INSERT_AUDIT_SQL), audit, Utc::now())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(sub)
        });
        result.map_err(|e| match StoreError::from(e) {
            e if e.is_conflict() => StoreError::Conflict(Conflict::Other(
                "A subscription for this organisation".into(),
            )),
            e => e,
        })
    }

    /// Schedules what happens at the next cycle start: another plan
    /// (`Some`), staying (`None` with `ending` false: cancels a scheduled
    /// change or end), or the end (`ending`).
    pub async fn schedule_subscription(
        &self,
        subscription_id: i64,
        next_plan_id: Option<i64>,
        ending: bool,
        audit: Audit<'_>,
    ) -> Result<bool, StoreError> {
        let now = Utc::now();
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let n = sqlx::query(
                "UPDATE subscriptions SET next_plan_id = $1, ending = $2 WHERE id = $3 AND ended_at IS NULL",
            )
            .bind(next_plan_id)
            .bind(ending)
            .bind(subscription_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            bind_audit(sqlx::query(INSERT_AUDIT_SQL), audit, now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(n == 1)
        })?)
    }

    /// Live subscriptions whose next cycle has started by `now`.
    pub async fn due_subscriptions(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Subscription>, StoreError> {
        let sql = format!(
            "SELECT {SUBSCRIPTION_COLUMNS} FROM subscriptions WHERE ended_at IS NULL AND next_cycle_at <= $1 \
             ORDER BY next_cycle_at, id LIMIT $2"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Subscription>(&sql).bind(now).bind(limit).fetch_all(p).await
        })?)
    }

    /// Badges the organisation recorded in `[from, to)`.
    pub async fn badges_recorded(
        &self,
        organisation_id: i64,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM assertions WHERE organisation_id = $1 AND created_at >= $2 AND created_at < $3",
            )
            .bind(organisation_id)
            .bind(from)
            .bind(to)
            .fetch_one(p)
            .await
        })?)
    }

    /// Bills one cycle of a subscription, once: moves `next_cycle` on
    /// (only from `step.cycle`: another run that got there first makes this
    /// a no-op returning `Ok(None)`), applies a scheduled plan change or
    /// end, and writes the invoice with the next number and its mail — all
    /// in one transaction. A draft without lines moves the cycle on and
    /// writes no invoice. A zero invoice is paid on issue.
    pub async fn bill_cycle(
        &self,
        sub: &Subscription,
        step: CycleStep,
        draft: Option<&DraftInvoice>,
        now: DateTime<Utc>,
    ) -> Result<Option<Option<Invoice>>, StoreError> {
        let insert = insert_invoice_sql();
        let totals = draft.map(|d| Totals::of(&d.lines)).unwrap_or_default();
        let lines_json = draft
            .map(|d| serde_json::to_string(&d.lines))
            .transpose()
            .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))?;
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            // The guard: only the run that moves the cycle on bills it.
            let moved = sqlx::query(
                "UPDATE subscriptions SET next_cycle = $1, next_cycle_at = $2, plan_id = $3, \
                 next_plan_id = CASE WHEN next_plan_id = $3 THEN NULL ELSE next_plan_id END, \
                 ended_at = CASE WHEN $4 THEN $5 ELSE NULL END \
                 WHERE id = $6 AND next_cycle = $7 AND ended_at IS NULL",
            )
            .bind(step.cycle + 1)
            .bind(step.next_cycle_at)
            .bind(step.plan_id)
            .bind(step.ends)
            .bind(now)
            .bind(sub.id)
            .bind(step.cycle)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if moved == 0 {
                return Ok(None);
            }
            let mut written = None;
            if let (Some(d), Some(lines)) = (draft, &lines_json) {
                let number: i64 = sqlx::query_scalar(NEXT_NUMBER_SQL).fetch_one(&mut *tx).await?;
                let zero = totals.total == 0;
                let status = if zero { InvoiceStatus::Paid } else { InvoiceStatus::Open };
                let invoice = sqlx::query_as::<_, Invoice>(&insert)
                    .bind(number)
                    .bind(InvoiceKind::Invoice.as_str())
                    .bind(sub.organisation_id)
                    .bind(sub.id)
                    .bind(step.cycle)
                    .bind(None::<i64>)
                    .bind(d.period_start)
                    .bind(d.period_end)
                    .bind(d.currency.code())
                    .bind(lines)
                    .bind(totals.net)
                    .bind(totals.vat)
                    .bind(totals.total)
                    .bind(&d.bill_to)
                    .bind(d.provider.as_str())
                    .bind(now)
                    .bind(d.due_at)
                    .bind(d.grace_until)
                    .bind(status.as_str())
                    .bind(zero.then_some(now))
                    .bind(if zero { None } else { d.first_attempt_at })
                    .fetch_one(&mut *tx)
                    .await?;
                // No billing address (the operator's grant without one): no mail.
                let mail = (d.mail)(&invoice);
                if !mail.is_null() {
                    let payload = mail.to_string();
                    bind_job(sqlx::query(INSERT_JOB_SQL), MAIL_QUEUE, &payload, Utc::now())
                        .execute(&mut *tx)
                        .await?;
                }
                written = Some(invoice);
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(Some(written))
        })?)
    }

    // ---- invoices and payments ----

    /// The organisation's invoices and credit notes, newest first.
    pub async fn invoices(&self, organisation_id: i64) -> Result<Vec<Invoice>, StoreError> {
        let sql = format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices WHERE organisation_id = $1 ORDER BY number DESC"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Invoice>(&sql).bind(organisation_id).fetch_all(p).await
        })?)
    }

    /// One of the organisation's invoices by its number.
    pub async fn invoice(
        &self,
        organisation_id: i64,
        number: i64,
    ) -> Result<Option<Invoice>, StoreError> {
        let sql = format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices WHERE organisation_id = $1 AND number = $2"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Invoice>(&sql)
                .bind(organisation_id)
                .bind(number)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Any invoice by number (the operator's commands).
    pub async fn invoice_by_number(&self, number: i64) -> Result<Option<Invoice>, StoreError> {
        let sql = format!("SELECT {INVOICE_COLUMNS} FROM invoices WHERE number = $1");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Invoice>(&sql).bind(number).fetch_optional(p).await
        })?)
    }

    /// The invoice a Stripe PaymentIntent collects.
    pub async fn invoice_by_provider_ref(
        &self,
        provider_ref: &str,
    ) -> Result<Option<Invoice>, StoreError> {
        let sql = format!("SELECT {INVOICE_COLUMNS} FROM invoices WHERE provider_ref = $1");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Invoice>(&sql).bind(provider_ref).fetch_optional(p).await
        })?)
    }

    /// The organisation's oldest open invoice whose grace period is over
    /// at `now` (while there is one, issuing is suspended).
    pub async fn overdue_invoice(
        &self,
        organisation_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<Invoice>, StoreError> {
        let sql = format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices WHERE organisation_id = $1 AND status = 'open' \
             AND grace_until <= $2 ORDER BY number LIMIT 1"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Invoice>(&sql)
                .bind(organisation_id)
                .bind(now)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Claims open card invoices whose next attempt is due: each claimed
    /// invoice's next attempt moves to `lease` (so another instance skips
    /// it, and a crashed attempt is retried then) and its attempt count
    /// goes up. Returns the claimed invoices.
    pub async fn claim_collections(
        &self,
        now: DateTime<Utc>,
        lease: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<Invoice>, StoreError> {
        let due = format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices WHERE status = 'open' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at LIMIT $2"
        );
        let claim = format!(
            "UPDATE invoices SET next_attempt_at = $1, attempts = attempts + 1 \
             WHERE id = $2 AND status = 'open' AND next_attempt_at = $3 RETURNING {INVOICE_COLUMNS}"
        );
        let candidates = with_pool!(self, p => {
            sqlx::query_as::<_, Invoice>(&due).bind(now).bind(limit).fetch_all(p).await
        })?;
        let mut claimed = Vec::new();
        for inv in candidates {
            let got = with_pool!(self, p => {
                sqlx::query_as::<_, Invoice>(&claim)
                    .bind(lease)
                    .bind(inv.id)
                    .bind(inv.next_attempt_at)
                    .fetch_optional(p)
                    .await
            })?;
            claimed.extend(got);
        }
        Ok(claimed)
    }

    /// Claims one open invoice for a charge now (the organisation's "pay
    /// now"), like [`Store::claim_collections`]; `None` when it is not open.
    pub async fn claim_collection(
        &self,
        organisation_id: i64,
        invoice_id: i64,
        lease: DateTime<Utc>,
    ) -> Result<Option<Invoice>, StoreError> {
        let claim = format!(
            "UPDATE invoices SET next_attempt_at = $1, attempts = attempts + 1 \
             WHERE id = $2 AND organisation_id = $3 AND status = 'open' RETURNING {INVOICE_COLUMNS}"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Invoice>(&claim)
                .bind(lease)
                .bind(invoice_id)
                .bind(organisation_id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Remembers the PaymentIntent that collects an invoice.
    pub async fn set_invoice_provider_ref(
        &self,
        invoice_id: i64,
        provider_ref: &str,
    ) -> Result<(), StoreError> {
        with_pool!(self, p => {
            sqlx::query("UPDATE invoices SET provider_ref = $1 WHERE id = $2")
                .bind(provider_ref)
                .bind(invoice_id)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Records a successful payment of an open invoice and its mail: the
    /// invoice is paid. `false` when it was not open (paid already — a
    /// webhook and the charge's answer both report it — or void).
    pub async fn record_payment(
        &self,
        invoice_id: i64,
        provider: PaymentProvider,
        provider_ref: &str,
        now: DateTime<Utc>,
        mail: Option<&serde_json::Value>,
    ) -> Result<bool, StoreError> {
        let payload = mail.map(|m| m.to_string());
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let paid = sqlx::query(
                "UPDATE invoices SET status = 'paid', paid_at = $1, next_attempt_at = NULL \
                 WHERE id = $2 AND status = 'open'",
            )
            .bind(now)
            .bind(invoice_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if paid {
                sqlx::query(
                    "INSERT INTO payments (invoice_id, organisation_id, provider, provider_ref, amount, status, created_at) \
                     SELECT id, organisation_id, $1, $2, total, 'succeeded', $3 FROM invoices WHERE id = $4",
                )
                .bind(provider.as_str())
                .bind(provider_ref)
                .bind(now)
                .bind(invoice_id)
                .execute(&mut *tx)
                .await?;
                if let Some(payload) = &payload {
                    bind_job(sqlx::query(INSERT_JOB_SQL), MAIL_QUEUE, payload, Utc::now())
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(paid)
        })?)
    }

    /// Records a failed charge of an open invoice, when the next attempt is
    /// (`None`: no more automatic attempts), and its mail.
    pub async fn record_failed_payment(
        &self,
        invoice_id: i64,
        provider_ref: &str,
        message: &str,
        next_attempt_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        mail: Option<&serde_json::Value>,
    ) -> Result<bool, StoreError> {
        let payload = mail.map(|m| m.to_string());
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let open = sqlx::query(
                "UPDATE invoices SET next_attempt_at = $1 WHERE id = $2 AND status = 'open'",
            )
            .bind(next_attempt_at)
            .bind(invoice_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if open {
                sqlx::query(
                    "INSERT INTO payments (invoice_id, organisation_id, provider, provider_ref, amount, status, message, created_at) \
                     SELECT id, organisation_id, provider, $1, total, 'failed', $2, $3 FROM invoices WHERE id = $4",
                )
                .bind(provider_ref)
                .bind(message)
                .bind(now)
                .bind(invoice_id)
                .execute(&mut *tx)
                .await?;
                if let Some(payload) = &payload {
                    bind_job(sqlx::query(INSERT_JOB_SQL), MAIL_QUEUE, payload, Utc::now())
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(open)
        })?)
    }

    /// Cancels an invoice with a credit note (the correction: the invoice
    /// itself never changes): the credit note mirrors its lines negated,
    /// takes the next number, and the invoice becomes void. `None` when
    /// the invoice is void already.
    pub async fn credit_invoice(
        &self,
        invoice: &Invoice,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Invoice>, StoreError> {
        let insert = insert_invoice_sql();
        let mut lines: Vec<Line> = invoice.lines.iter().map(Line::negated).collect();
        if let Some(first) = lines.first_mut() {
            first.description = format!(
                "{} (credit for invoice {}: {reason})",
                first.description, invoice.number
            );
        }
        let totals = Totals::of(&lines);
        let lines_json = serde_json::to_string(&lines)
            .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))?;
        Ok(with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let voided = sqlx::query(
                "UPDATE invoices SET status = 'void', next_attempt_at = NULL WHERE id = $1 AND status <> 'void' AND kind = 'invoice'",
            )
            .bind(invoice.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if voided == 0 {
                return Ok(None);
            }
            let number: i64 = sqlx::query_scalar(NEXT_NUMBER_SQL).fetch_one(&mut *tx).await?;
            let note = sqlx::query_as::<_, Invoice>(&insert)
                .bind(number)
                .bind(InvoiceKind::CreditNote.as_str())
                .bind(invoice.organisation_id)
                .bind(None::<i64>)
                .bind(None::<i32>)
                .bind(invoice.id)
                .bind(invoice.period_start)
                .bind(invoice.period_end)
                .bind(invoice.currency.code())
                .bind(&lines_json)
                .bind(totals.net)
                .bind(totals.vat)
                .bind(totals.total)
                .bind(&invoice.bill_to)
                .bind(invoice.provider.as_str())
                .bind(now)
                .bind(now)
                .bind(now)
                .bind(InvoiceStatus::Paid.as_str())
                .bind(Some(now))
                .bind(None::<DateTime<Utc>>)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(Some(note))
        })?)
    }

    /// Every payment attempt of the organisation, newest first.
    pub async fn payments(&self, organisation_id: i64) -> Result<Vec<Payment>, StoreError> {
        let sql = format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE organisation_id = $1 ORDER BY id DESC"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Payment>(&sql).bind(organisation_id).fetch_all(p).await
        })?)
    }

    /// Notes a Stripe event as handled; false when it was handled before.
    pub async fn first_stripe_event(
        &self,
        event_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query("INSERT INTO stripe_events (id, received_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING")
                .bind(event_id)
                .bind(now)
                .execute(p)
                .await
                .map(|r| r.rows_affected() == 1)
        })?)
    }
}
