//! Subscriptions and billing: what an organisation may issue
//! ([`may_issue`], the chokepoint [`crate::issuing::Issuer::issue`] calls
//! for every award), choosing and changing plans, payment methods (bank
//! transfer against the invoice, or a card through [`crate::stripe`]), the
//! billing run that writes each cycle's invoice once and collects it, and
//! the operator's corrections (marking a transfer paid, credit notes).
//!
//! The rules, in one place:
//! - Issuing needs a live subscription: in its trial (at most the plan's
//!   trial quota, counted in the issuing transaction), or in a paid cycle
//!   with no invoice unpaid past its grace period ([`GRACE`]).
//! - Choosing a plan needs billing details and a confirmed payment method;
//!   the trial starts then, and nothing is charged before it ends. Changes
//!   and the end take effect at the next cycle start.
//! - At each paid cycle's start the billing run invoices the new cycle's
//!   fixed fee and the previous cycle's badges × its plan's per-badge fee
//!   (trial badges are free). Bank transfers are due after
//!   [`PAYMENT_TERM`]; cards are charged at once and, when declined,
//!   retried after [`RETRY_AFTER`].
//!
//! Every function takes `now` from the caller ([`crate::Clock`]), so tests
//! drive months of billing in a second.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use laurel::billing::{cycle_start, format_amount, Currency, Line, Totals};
use laurel::{AuditEvent, Email, InvoiceStatus, MethodStatus, PaymentProvider};
use laurel_store::{
    Audit, BillingAccount, CardDetails, Conflict, CycleStep, DraftInvoice, Invoice, Organisation,
    Plan, Store, StoreError, Subscription,
};

use crate::mail::{html_escape, mail_job_payload, OutgoingMail};
use crate::stripe::{Stripe, StripeError};
use crate::{ServerContext, ServiceError};

/// How an invoice is paid and collected (from the server's configuration).
#[derive(Clone, Debug, Default)]
pub struct BillingConfig {
    /// Set when `LAUREL_STRIPE_SECRET_KEY` is: cards can be added and
    /// invoices are charged.
    pub stripe: Option<Arc<Stripe>>,
    /// What invoices paid by bank transfer say about paying
    /// (`LAUREL_BANK_DETAILS`: account holder, IBAN, BIC…).
    pub bank_details: Arc<str>,
}

/// A bank transfer is due this long after the invoice.
pub const PAYMENT_TERM: Duration = Duration::days(14);
/// After the due date, this long before issuing is suspended.
pub const GRACE: Duration = Duration::days(14);
/// A declined card is tried again after these waits (then no more: the
/// organisation pays from the portal, or the grace period ends).
pub const RETRY_AFTER: [Duration; 3] = [Duration::days(1), Duration::days(3), Duration::days(7)];
/// How long a claimed charge attempt is left alone before another run may
/// try it (a run that died mid-charge).
const ATTEMPT_LEASE: Duration = Duration::hours(1);

/// How an invoice number is written: `INV-000042`.
pub fn invoice_number(number: i64) -> String {
    format!("INV-{number:06}")
}

/// Reads `INV-000042`, `inv-42` or `42`.
pub fn parse_invoice_number(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("INV-"))
        .map_or(t, |_| &t[4..]);
    digits.parse::<i64>().ok().filter(|n| *n > 0)
}

/// Where an organisation stands for issuing at some moment.
#[derive(Debug, Clone)]
pub enum Standing {
    /// Never chose a plan (or its plan ended).
    NoPlan { ended: Option<DateTime<Utc>> },
    Trial {
        subscription: Subscription,
        plan: Plan,
        remaining: i64,
    },
    Active {
        subscription: Subscription,
        plan: Plan,
    },
    /// An invoice is unpaid past its grace period.
    Suspended {
        subscription: Subscription,
        plan: Plan,
        invoice: Box<Invoice>,
    },
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%-d %B %Y").to_string()
}

impl Standing {
    /// The sentence that refuses issuing `badges` more, or `None` when they
    /// may be issued.
    pub fn refusal(&self, badges: i64) -> Option<String> {
        match self {
            Standing::NoPlan { ended: None } => Some(
                "Issuing badges needs a plan: choose one on the Subscription tab (a trial starts at once)."
                    .into(),
            ),
            Standing::NoPlan { ended: Some(at) } => Some(format!(
                "Your plan ended on {}: choose a plan on the Subscription tab to issue badges again.",
                day(*at)
            )),
            Standing::Trial {
                subscription,
                remaining,
                ..
            } if badges > *remaining => Some(if *remaining == 0 {
                format!(
                    "Your trial's {} badges are all issued. Issuing goes on when your paid plan starts on {} (see the Subscription tab).",
                    subscription.trial_quota,
                    day(subscription.trial_ends_at)
                )
            } else {
                format!(
                    "Your trial allows {remaining} more badge(s), and this would issue {badges}. Issue fewer, or wait for your paid plan to start on {} (see the Subscription tab).",
                    day(subscription.trial_ends_at)
                )
            }),
            Standing::Suspended { invoice, .. } => Some(format!(
                "Issuing is suspended: invoice {} ({}) is unpaid since {}. It resumes once the invoice is paid (Subscription tab → Payment history).",
                invoice_number(invoice.number),
                format_amount(invoice.total, invoice.currency),
                day(invoice.due_at)
            )),
            _ => None,
        }
    }

    /// The subscription whose trial quota an award counts against.
    pub fn trial_subscription(&self) -> Option<i64> {
        match self {
            Standing::Trial { subscription, .. } => Some(subscription.id),
            _ => None,
        }
    }

    pub fn subscription(&self) -> Option<(&Subscription, &Plan)> {
        match self {
            Standing::NoPlan { .. } => None,
            Standing::Trial {
                subscription, plan, ..
            }
            | Standing::Active { subscription, plan }
            | Standing::Suspended {
                subscription, plan, ..
            } => Some((subscription, plan)),
        }
    }
}

async fn plan_of(store: &Store, id: i64) -> Result<Plan, ServiceError> {
    store.plan(id).await?.ok_or_else(|| {
        tracing::error!(plan = id, "a subscription names a missing plan");
        ServiceError::Internal
    })
}

/// Where the organisation stands at `now`.
pub async fn standing(
    store: &Store,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<Standing, ServiceError> {
    let Some(subscription) = store.subscription(organisation_id).await? else {
        return Ok(Standing::NoPlan { ended: None });
    };
    // An end that is due counts before the billing run has recorded it.
    if subscription.ending && subscription.next_cycle_at <= now {
        return Ok(Standing::NoPlan {
            ended: Some(subscription.next_cycle_at),
        });
    }
    let plan = plan_of(store, subscription.plan_id).await?;
    if now < subscription.trial_ends_at {
        let remaining = (subscription.trial_quota - subscription.trial_used).max(0);
        return Ok(Standing::Trial {
            subscription,
            plan,
            remaining,
        });
    }
    if let Some(invoice) = store.overdue_invoice(organisation_id, now).await? {
        return Ok(Standing::Suspended {
            subscription,
            plan,
            invoice: Box::new(invoice),
        });
    }
    Ok(Standing::Active { subscription, plan })
}

/// What an award counts against, once billing said yes: the trial
/// subscription (see `laurel_store::Metering`) and, for a new organisation,
/// the day's limits (`crate::sending`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub trial_subscription: Option<i64>,
    pub daily_limit: Option<laurel_store::DailyLimit>,
}

/// The billing check of every award: may `organisation` issue `badges`
/// more at `now`? On yes, what they count against; on no,
/// [`ServiceError::PaymentRequired`] with the sentence to show.
pub async fn may_issue(
    store: &Store,
    organisation: &Organisation,
    now: DateTime<Utc>,
    badges: i64,
) -> Result<Allowance, ServiceError> {
    let standing = standing(store, organisation.id, now).await?;
    match standing.refusal(badges) {
        Some(sentence) => Err(ServiceError::PaymentRequired(sentence)),
        None => Ok(Allowance {
            trial_subscription: standing.trial_subscription(),
            daily_limit: crate::sending::daily_limit(store, organisation.id).await?,
        }),
    }
}

/// The sentence refusing `badges` more at `now`, if any (pages show it
/// before anyone tries: the issue form, the CSV preview, the dashboard):
/// billing's, else a new organisation's daily limit (`crate::sending`).
pub async fn refusal(
    store: &Store,
    organisation_id: i64,
    now: DateTime<Utc>,
    badges: i64,
) -> Result<Option<String>, ServiceError> {
    if let Some(sentence) = standing(store, organisation_id, now).await?.refusal(badges) {
        return Ok(Some(sentence));
    }
    crate::sending::refusal(store, organisation_id, now, badges).await
}

/// The refusal when the issuing transaction found the trial quota used up
/// (a concurrent issuer took the last one).
pub fn quota_reached(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict(Conflict::TrialQuotaReached) => ServiceError::PaymentRequired(
            "Your trial's badges are all issued. Issuing goes on when your paid plan starts (see the Subscription tab)."
                .into(),
        ),
        other => crate::sending::limit_reached(other),
    }
}

// ---- billing details and payment methods ----

/// The billing details form's fields.
#[derive(Debug, Clone)]
pub struct BillingDetails {
    pub legal_name: String,
    pub billing_email: String,
    pub address: String,
    pub vat_id: String,
}

/// Saves who invoices are made out to (checked: a name, an address, a
/// mail address; the VAT ID is optional).
pub async fn save_details(
    store: &Store,
    organisation_id: i64,
    d: &BillingDetails,
    now: DateTime<Utc>,
) -> Result<BillingAccount, ServiceError> {
    let legal_name = d.legal_name.trim();
    let address = d.address.trim();
    let vat_id = d.vat_id.trim();
    if legal_name.is_empty() || legal_name.chars().count() > 200 {
        return Err(ServiceError::Invalid(
            "Give the legal name invoices are made out to (at most 200 characters).".into(),
        ));
    }
    if address.is_empty() || address.chars().count() > 500 {
        return Err(ServiceError::Invalid(
            "Give the postal address for invoices (at most 500 characters).".into(),
        ));
    }
    if vat_id.chars().count() > 40
        || !vat_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-' || c == '.')
    {
        return Err(ServiceError::Invalid(
            "A VAT ID is letters and digits (at most 40), e.g. NL123456789B01.".into(),
        ));
    }
    let email = Email::parse(&d.billing_email).map_err(|_| {
        ServiceError::Invalid(
            "Give the address invoices are mailed to, e.g. accounts@example.org.".into(),
        )
    })?;
    let account = BillingAccount {
        organisation_id,
        legal_name: legal_name.to_owned(),
        billing_email: email.as_str().to_owned(),
        address: address.to_owned(),
        vat_id: vat_id.to_owned(),
        stripe_customer: None,
    };
    store.save_billing_account(&account, now).await?;
    Ok(account)
}

async fn details_or_refuse(
    store: &Store,
    organisation_id: i64,
) -> Result<BillingAccount, ServiceError> {
    store
        .billing_account(organisation_id)
        .await?
        .ok_or_else(|| {
            ServiceError::Invalid(
                "Fill in the billing details first: who invoices are made out to.".into(),
            )
        })
}

/// Adds "pay by bank transfer against the invoice" (needs billing details).
pub async fn add_invoice_method(
    store: &Store,
    organisation_id: i64,
    user_id: i64,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    details_or_refuse(store, organisation_id).await?;
    store
        .add_invoice_method(organisation_id, Some(user_id), ip, now)
        .await?;
    Ok(())
}

/// Starts adding a card: a SetupIntent for Stripe's form in the browser.
/// Returns its client secret.
pub async fn start_card(
    ctx: &ServerContext,
    organisation: &Organisation,
    now: DateTime<Utc>,
) -> Result<String, ServiceError> {
    let stripe = ctx.billing.stripe.as_ref().ok_or_else(|| {
        ServiceError::Invalid(
            "Cards are not accepted here: pay by bank transfer against the invoice.".into(),
        )
    })?;
    let account = details_or_refuse(&ctx.store, organisation.id).await?;
    let customer = match &account.stripe_customer {
        Some(c) => c.clone(),
        None => {
            let c = stripe
                .create_customer(organisation.id, &account.legal_name, &account.billing_email)
                .await
                .map_err(stripe_failure)?;
            ctx.store.set_stripe_customer(organisation.id, &c).await?;
            c
        }
    };
    let intent = stripe
        .create_setup_intent(&customer)
        .await
        .map_err(stripe_failure)?;
    ctx.store
        .add_pending_card(organisation.id, &intent.id, now)
        .await?;
    intent.client_secret.ok_or_else(|| {
        tracing::error!("a SetupIntent came without its client secret");
        ServiceError::Internal
    })
}

/// Confirms a card once its SetupIntent succeeded (from the page Stripe
/// returns to, and from the `setup_intent.succeeded` webhook; whichever
/// comes second finds it done). Only the organisation's own pending card.
pub async fn finish_card(
    ctx: &ServerContext,
    organisation_id: Option<i64>,
    setup_intent: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let stripe = ctx.billing.stripe.as_ref().ok_or(ServiceError::NotFound)?;
    if let Some(org) = organisation_id {
        let mine = ctx
            .store
            .payment_methods(org)
            .await?
            .into_iter()
            .any(|m| m.setup_ref.as_deref() == Some(setup_intent));
        if !mine {
            return Err(ServiceError::NotFound);
        }
    }
    let intent = stripe
        .setup_intent(setup_intent)
        .await
        .map_err(stripe_failure)?;
    if intent.status != "succeeded" {
        return Err(ServiceError::Invalid(
            "The card was not confirmed; add it again.".into(),
        ));
    }
    let method_id = intent.payment_method.ok_or(ServiceError::Internal)?;
    let method = stripe
        .payment_method(&method_id)
        .await
        .map_err(stripe_failure)?;
    let card = method
        .card
        .ok_or_else(|| ServiceError::Invalid("Only cards can be added.".into()))?;
    ctx.store
        .confirm_card(
            setup_intent,
            &CardDetails {
                method_ref: &method.id,
                brand: &card.brand,
                last4: &card.last4,
                exp_month: card.exp_month,
                exp_year: card.exp_year,
            },
            now,
        )
        .await?;
    Ok(())
}

fn stripe_failure(e: StripeError) -> ServiceError {
    match e {
        StripeError::Refused { message, .. } => ServiceError::Invalid(message),
        StripeError::Unavailable(why) => {
            tracing::warn!(%why, "Stripe is unavailable");
            ServiceError::Invalid(
                "The card service could not be reached; try again in a moment.".into(),
            )
        }
    }
}

/// Removes a payment method; the last one cannot go while a plan is live.
pub async fn remove_method(
    store: &Store,
    organisation_id: i64,
    method_id: i64,
    user_id: i64,
    ip: &str,
) -> Result<(), ServiceError> {
    let methods = store.payment_methods(organisation_id).await?;
    let confirmed = methods
        .iter()
        .filter(|m| m.status == MethodStatus::Confirmed)
        .count();
    let this = methods
        .iter()
        .find(|m| m.id == method_id)
        .ok_or(ServiceError::NotFound)?;
    if this.status == MethodStatus::Confirmed
        && confirmed == 1
        && store.subscription(organisation_id).await?.is_some()
    {
        return Err(ServiceError::Invalid(
            "This is your only payment method and a plan is running: add another first, or end the plan.".into(),
        ));
    }
    store
        .remove_payment_method(organisation_id, method_id, user_id, ip)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(())
}

// ---- plans ----

/// A plan by name, created with `terms` when there is none (the demo's
/// plans; tests and load runs).
pub async fn ensure_plan(
    store: &Store,
    terms: &laurel_store::NewPlan<'_>,
) -> Result<Plan, ServiceError> {
    if let Some(plan) = store.plan_by_name(terms.name).await? {
        return Ok(plan);
    }
    match store.create_plan(terms).await {
        Ok(plan) => Ok(plan),
        // Created meanwhile by another process.
        Err(e) if e.is_conflict() => store
            .plan_by_name(terms.name)
            .await?
            .ok_or(ServiceError::Internal),
        Err(e) => Err(e.into()),
    }
}

/// The operator puts an organisation on `plan`, paid by bank transfer
/// against the invoice (a customer onboarded by hand, the demo, load
/// runs): billing details made out to the organisation unless it has some,
/// the invoice method, and the subscription from `now`. Returns the live
/// subscription (the one it had, if any).
pub async fn grant(
    store: &Store,
    organisation: &Organisation,
    plan: &Plan,
    billing_email: &Email,
    now: DateTime<Utc>,
) -> Result<Subscription, ServiceError> {
    if let Some(sub) = store.subscription(organisation.id).await? {
        return Ok(sub);
    }
    if store.billing_account(organisation.id).await?.is_none() {
        save_details(
            store,
            organisation.id,
            &BillingDetails {
                legal_name: organisation.name.clone(),
                billing_email: billing_email.as_str().to_owned(),
                address: "(address to be given)".into(),
                vat_id: String::new(),
            },
            now,
        )
        .await?;
    }
    store
        .add_invoice_method(organisation.id, None, "", now)
        .await?;
    let trial_ends_at = now + Duration::days(i64::from(plan.trial_days));
    Ok(store
        .start_subscription(organisation.id, plan, now, trial_ends_at, None, "")
        .await?)
}

/// For tests and load runs: `organisation` on a free plan whose trial
/// lasts a year and allows a billion badges, so billing never refuses; and
/// verified, as the operator would, so a new organisation's daily limits
/// (`crate::sending`) do not apply either.
pub async fn grant_free_trial(
    store: &Store,
    organisation: &Organisation,
) -> Result<Subscription, ServiceError> {
    let plan = ensure_plan(
        store,
        &laurel_store::NewPlan {
            name: "Free trial (tests and load runs)",
            currency: Currency::parse("EUR").map_err(|_| ServiceError::Internal)?,
            monthly_fee: 0,
            per_badge_fee: 0,
            vat: None,
            trial_days: 366,
            trial_quota: 1_000_000_000,
        },
    )
    .await?;
    let email = Email::parse("billing@example.org")?;
    store
        .set_verified(organisation.id, Some(Utc::now()))
        .await?;
    grant(store, organisation, &plan, &email, Utc::now()).await
}

/// Chooses a plan: needs billing details and a confirmed payment method;
/// the trial starts at `now`. With a trial of 0 days, the first cycle is
/// billed at once.
pub async fn choose_plan(
    ctx: &ServerContext,
    organisation: &Organisation,
    plan_id: i64,
    user_id: i64,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<Subscription, ServiceError> {
    let store = &ctx.store;
    let plan = store
        .plan(plan_id)
        .await?
        .filter(|p| p.retired_at.is_none())
        .ok_or_else(|| ServiceError::Invalid("That plan is not offered.".into()))?;
    details_or_refuse(store, organisation.id).await?;
    if store
        .default_payment_method(organisation.id)
        .await?
        .is_none()
    {
        return Err(ServiceError::Invalid(
            "Choosing a plan needs a payment method: add one on the Payment method page.".into(),
        ));
    }
    if store.subscription(organisation.id).await?.is_some() {
        return Err(ServiceError::Conflict(
            "You have a plan already: change it instead (from the next cycle).".into(),
        ));
    }
    let trial_ends_at = now + Duration::days(i64::from(plan.trial_days));
    let sub = store
        .start_subscription(
            organisation.id,
            &plan,
            now,
            trial_ends_at,
            Some(user_id),
            ip,
        )
        .await?;
    if plan.trial_days == 0 {
        bill_subscription(ctx, sub.clone(), now).await?;
    }
    Ok(sub)
}

/// What the next cycle start does to a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Move to this plan.
    Plan(i64),
    /// End the subscription.
    End,
    /// Keep the current plan (cancels a scheduled change or end).
    Stay,
}

/// Schedules a change for the next cycle start; returns when it applies.
pub async fn schedule_change(
    store: &Store,
    organisation_id: i64,
    change: Change,
    user_id: i64,
    ip: &str,
) -> Result<DateTime<Utc>, ServiceError> {
    let sub = store.subscription(organisation_id).await?.ok_or_else(|| {
        ServiceError::Invalid("There is no plan to change: choose one first.".into())
    })?;
    let current = plan_of(store, sub.plan_id).await?;
    let (next_plan, ending, event, detail) = match change {
        Change::Plan(id) if id == sub.plan_id => (
            None,
            false,
            AuditEvent::PlanChangeScheduled,
            format!("stay on {}", current.name),
        ),
        Change::Plan(id) => {
            let plan = store
                .plan(id)
                .await?
                .filter(|p| p.retired_at.is_none())
                .ok_or_else(|| ServiceError::Invalid("That plan is not offered.".into()))?;
            if plan.currency != current.currency {
                return Err(ServiceError::Invalid(format!(
                    "{} is billed in {}, your plan in {}: end your plan and choose the new one when it has ended.",
                    plan.name, plan.currency, current.currency
                )));
            }
            (
                Some(plan.id),
                false,
                AuditEvent::PlanChangeScheduled,
                format!("{} → {}", current.name, plan.name),
            )
        }
        Change::End => (
            None,
            true,
            AuditEvent::PlanEndingScheduled,
            current.name.clone(),
        ),
        Change::Stay => (
            None,
            false,
            AuditEvent::PlanChangeScheduled,
            format!("stay on {}", current.name),
        ),
    };
    let detail = format!("{detail} from {}", day(sub.next_cycle_at));
    store
        .schedule_subscription(
            sub.id,
            next_plan,
            ending,
            Audit {
                organisation_id: Some(organisation_id),
                user_id: Some(user_id),
                event,
                detail,
                ip,
            },
        )
        .await?;
    Ok(sub.next_cycle_at)
}

// ---- the billing run ----

/// What a billing run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunReport {
    pub invoices: usize,
    pub charged: usize,
    pub declined: usize,
}

/// The billing run: invoices every cycle that has started by `now` (all of
/// them, in order, after downtime), then collects the card invoices that
/// are due. Safe to run twice and on several instances at once.
pub async fn run(ctx: &ServerContext, now: DateTime<Utc>) -> Result<RunReport, ServiceError> {
    let mut report = RunReport::default();
    loop {
        let due = ctx.store.due_subscriptions(now, 100).await?;
        if due.is_empty() {
            break;
        }
        let mut progressed = false;
        for sub in due {
            let n = bill_subscription(ctx, sub, now).await?;
            progressed |= n.1;
            report.invoices += n.0;
        }
        if !progressed {
            break;
        }
    }
    for invoice in ctx
        .store
        .claim_collections(now, now + ATTEMPT_LEASE, 100)
        .await?
    {
        match collect(ctx, &invoice, now).await {
            Ok(true) => report.charged += 1,
            Ok(false) => report.declined += 1,
            Err(e) => tracing::warn!(invoice = invoice.number, error = %e, "charge attempt failed"),
        }
    }
    Ok(report)
}

/// Bills every started cycle of one subscription. Returns the invoices
/// written and whether it moved at all (another run may have got there).
async fn bill_subscription(
    ctx: &ServerContext,
    mut sub: Subscription,
    now: DateTime<Utc>,
) -> Result<(usize, bool), ServiceError> {
    let store = &ctx.store;
    let mut written = 0;
    let mut moved = false;
    while sub.ended_at.is_none() && sub.next_cycle_at <= now {
        let k = i64::from(sub.next_cycle);
        let start = sub.next_cycle_at;
        let next = cycle_start(sub.trial_ends_at, k + 1).ok_or(ServiceError::Internal)?;
        let previous_plan = plan_of(store, sub.plan_id).await?;
        let plan = match sub.next_plan_id {
            Some(id) => plan_of(store, id).await?,
            None => previous_plan.clone(),
        };
        let mut lines = Vec::new();
        if !sub.ending {
            lines.push(
                Line::new(
                    format!(
                        "{}: monthly fee, {} – {}",
                        plan.name,
                        day(start),
                        day(next - Duration::days(1))
                    ),
                    1,
                    plan.monthly_fee,
                    plan.vat(),
                )
                .map_err(|e| ServiceError::Invalid(e.to_string()))?,
            );
        }
        if k >= 2 {
            let from = cycle_start(sub.trial_ends_at, k - 1).ok_or(ServiceError::Internal)?;
            let badges = store
                .badges_recorded(sub.organisation_id, from, start)
                .await?;
            if badges > 0 {
                lines.push(
                    Line::new(
                        format!(
                            "Badges issued {} – {} ({})",
                            day(from),
                            day(start - Duration::days(1)),
                            previous_plan.name
                        ),
                        badges,
                        previous_plan.per_badge_fee,
                        previous_plan.vat(),
                    )
                    .map_err(|e| ServiceError::Invalid(e.to_string()))?,
                );
            }
        }
        let draft = if lines.is_empty() {
            None
        } else {
            Some(draft(ctx, &sub, plan.currency, lines, start, next, now).await?)
        };
        let step = CycleStep {
            cycle: sub.next_cycle,
            next_cycle_at: next,
            plan_id: plan.id,
            ends: sub.ending,
        };
        match store.bill_cycle(&sub, step, draft.as_ref(), now).await? {
            None => break,
            Some(invoice) => {
                moved = true;
                if let Some(invoice) = invoice {
                    tracing::info!(
                        organisation = sub.organisation_id,
                        number = invoice.number,
                        total = invoice.total,
                        "invoice issued"
                    );
                    written += 1;
                }
            }
        }
        match store.subscription(sub.organisation_id).await? {
            Some(s) if s.id == sub.id => sub = s,
            _ => break,
        }
    }
    Ok((written, moved))
}

/// The invoice of one cycle, ready for the store (who it is made out to,
/// how it is paid, its dates and its mail).
async fn draft(
    ctx: &ServerContext,
    sub: &Subscription,
    currency: Currency,
    lines: Vec<Line>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<DraftInvoice, ServiceError> {
    let store = &ctx.store;
    let org = store
        .organisation_by_id(sub.organisation_id)
        .await?
        .ok_or(ServiceError::Internal)?;
    let account = store.billing_account(sub.organisation_id).await?;
    let method = store.default_payment_method(sub.organisation_id).await?;
    let card =
        method.filter(|m| m.provider == PaymentProvider::Stripe && ctx.billing.stripe.is_some());
    let (provider, due_at, first_attempt_at) = match &card {
        Some(_) => (PaymentProvider::Stripe, now, Some(now)),
        None => (PaymentProvider::Invoice, now + PAYMENT_TERM, None),
    };
    let bill_to = account
        .as_ref()
        .map(BillingAccount::bill_to)
        .unwrap_or_else(|| org.name.clone());
    let to = account
        .as_ref()
        .and_then(|a| Email::parse(&a.billing_email).ok());
    let site = ctx.site();
    let subdomain = org.subdomain.clone();
    let bank = ctx.billing.bank_details.clone();
    let card_text = card.map(|c| format!("{} card ending {}", c.brand, c.last4));
    let org_name = org.name.clone();
    let master = ctx.master_key.clone();
    let mail: laurel_store::InvoiceMail = Box::new(move |invoice: &Invoice| {
        let Some(to) = &to else {
            return serde_json::Value::Null;
        };
        let link = site.invoice(&subdomain, invoice.number);
        let how = match &card_text {
            Some(card) => format!("We will charge your {card} today."),
            None if bank.is_empty() => format!(
                "Please pay by bank transfer by {}, quoting {}.",
                day(invoice.due_at),
                invoice_number(invoice.number)
            ),
            None => format!(
                "Please pay by bank transfer by {}, quoting {}:\n{}",
                day(invoice.due_at),
                invoice_number(invoice.number),
                bank
            ),
        };
        let amount = format_amount(invoice.total, invoice.currency);
        let text = format!(
            "Hello,\n\nInvoice {} for {} is {amount}.\n{how}\n\nThe invoice and its PDF: {link}\n\nLaurel",
            invoice_number(invoice.number),
            org_name
        );
        let html = format!(
            "<p>Hello,</p><p>Invoice {} for {} is <strong>{}</strong>.</p><p>{}</p><p><a href=\"{}\">The invoice and its PDF</a></p><p>Laurel</p>",
            invoice_number(invoice.number),
            html_escape(&org_name),
            html_escape(&amount),
            html_escape(&how).replace('\n', "<br>"),
            html_escape(&link)
        );
        mail_job_payload(
            &master,
            &OutgoingMail {
                to: to.clone(),
                subject: format!(
                    "Invoice {} from Laurel: {amount}",
                    invoice_number(invoice.number)
                ),
                text,
                html,
            },
        )
    });
    Ok(DraftInvoice {
        currency,
        lines,
        period_start: start,
        period_end: end,
        bill_to,
        provider,
        due_at,
        grace_until: due_at + GRACE,
        first_attempt_at,
        mail,
    })
}

/// A short mail about an invoice's payment to the billing address.
async fn payment_mail(
    ctx: &ServerContext,
    invoice: &Invoice,
    subject: &str,
    body: &str,
) -> Result<Option<serde_json::Value>, ServiceError> {
    let Some(account) = ctx.store.billing_account(invoice.organisation_id).await? else {
        return Ok(None);
    };
    let Ok(to) = Email::parse(&account.billing_email) else {
        return Ok(None);
    };
    let org = ctx
        .store
        .organisation_by_id(invoice.organisation_id)
        .await?
        .ok_or(ServiceError::Internal)?;
    let link = ctx.site().invoice(&org.subdomain, invoice.number);
    Ok(Some(mail_job_payload(
        &ctx.master_key,
        &OutgoingMail {
            to,
            subject: format!("{subject}: invoice {}", invoice_number(invoice.number)),
            text: format!("Hello,\n\n{body}\n\nThe invoice: {link}\n\nLaurel"),
            html: format!(
                "<p>Hello,</p><p>{}</p><p><a href=\"{}\">The invoice</a></p><p>Laurel</p>",
                html_escape(body),
                html_escape(&link)
            ),
        },
    )))
}

/// Records an open invoice as paid, with its "payment received" mail (the
/// card charge, Stripe's webhook and the operator's bank transfer). False
/// when it was paid already: the mail goes once.
async fn record_paid(
    ctx: &ServerContext,
    invoice: &Invoice,
    provider: PaymentProvider,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let body = format!(
        "We received {} for invoice {}. Thank you.",
        format_amount(invoice.total, invoice.currency),
        invoice_number(invoice.number)
    );
    let mail = payment_mail(ctx, invoice, "Payment received", &body).await?;
    Ok(ctx
        .store
        .record_payment(invoice.id, provider, reference, now, mail.as_ref())
        .await?)
}

/// One charge attempt of a card invoice. `Ok(true)`: paid; `Ok(false)`:
/// declined (recorded, retried later or left to the organisation).
async fn collect(
    ctx: &ServerContext,
    invoice: &Invoice,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let Some(stripe) = ctx.billing.stripe.as_ref() else {
        return Ok(false);
    };
    let number = invoice_number(invoice.number);
    let amount = format_amount(invoice.total, invoice.currency);
    let method = ctx
        .store
        .default_payment_method(invoice.organisation_id)
        .await?
        .filter(|m| m.provider == PaymentProvider::Stripe)
        .and_then(|m| m.method_ref);
    let customer = ctx
        .store
        .billing_account(invoice.organisation_id)
        .await?
        .and_then(|a| a.stripe_customer);
    let result = match (&invoice.provider_ref, &method, &customer) {
        (_, None, _) | (_, _, None) => Err(StripeError::Refused {
            status: 402,
            kind: "laurel".into(),
            code: "no_card".into(),
            message: "There is no card on file.".into(),
            payment_intent: None,
        }),
        (None, Some(pm), Some(cus)) => {
            stripe
                .charge(&number, invoice.total, invoice.currency.code(), cus, pm)
                .await
        }
        (Some(pi), Some(pm), _) => match stripe.payment_intent(pi).await {
            Ok(intent) if intent.status == "succeeded" || intent.status == "processing" => {
                Ok(intent)
            }
            Ok(_) => stripe.retry(&number, invoice.attempts, pi, pm).await,
            Err(e) => Err(e),
        },
    };
    let (intent_id, outcome) = match result {
        Ok(intent) => (Some(intent.id.clone()), Ok(intent)),
        Err(StripeError::Refused {
            message,
            payment_intent,
            ..
        }) => (payment_intent.map(|p| p.id), Err(message)),
        Err(StripeError::Unavailable(why)) => {
            // Not a decline: the lease brings this attempt back later.
            tracing::warn!(%why, number, "Stripe unavailable while charging");
            return Ok(false);
        }
    };
    if let Some(id) = &intent_id {
        if invoice.provider_ref.as_deref() != Some(id) {
            ctx.store.set_invoice_provider_ref(invoice.id, id).await?;
        }
    }
    let reference = intent_id.unwrap_or_default();
    match outcome {
        Ok(intent) if intent.status == "succeeded" => {
            record_paid(ctx, invoice, PaymentProvider::Stripe, &reference, now).await?;
            Ok(true)
        }
        // Processing: Stripe's webhook reports the outcome.
        Ok(intent) if intent.status == "processing" => Ok(false),
        other => {
            let message = match other {
                Ok(intent) => intent
                    .last_payment_error
                    .and_then(|e| e.message)
                    .unwrap_or_else(|| format!("The charge ended as “{}”.", intent.status)),
                Err(m) => m,
            };
            let tried = usize::try_from(invoice.attempts).unwrap_or(1).max(1);
            let next = RETRY_AFTER.get(tried - 1).map(|wait| now + *wait);
            let body = match next {
                Some(at) => format!(
                    "Charging {amount} for invoice {number} failed: {message} We will try again on {}. Issuing is suspended if the invoice is still unpaid on {}.",
                    day(at),
                    day(invoice.grace_until)
                ),
                None => format!(
                    "Charging {amount} for invoice {number} failed: {message} Please update your card on the Payment method page or pay by bank transfer; issuing is suspended if the invoice is still unpaid on {}.",
                    day(invoice.grace_until)
                ),
            };
            let mail = payment_mail(ctx, invoice, "Payment failed", &body).await?;
            ctx.store
                .record_failed_payment(invoice.id, &reference, &message, next, now, mail.as_ref())
                .await?;
            Ok(false)
        }
    }
}

/// Charges an open card invoice now (the organisation's "Pay now" after
/// updating its card). Returns whether it was paid.
pub async fn pay_now(
    ctx: &ServerContext,
    organisation_id: i64,
    number: i64,
    now: DateTime<Utc>,
) -> Result<bool, ServiceError> {
    let open = ctx
        .store
        .invoice(organisation_id, number)
        .await?
        .filter(|i| i.status == InvoiceStatus::Open)
        .ok_or(ServiceError::NotFound)?;
    if ctx.billing.stripe.is_none()
        || ctx
            .store
            .default_payment_method(organisation_id)
            .await?
            .is_none_or(|m| m.provider != PaymentProvider::Stripe)
    {
        return Err(ServiceError::Invalid(
            "Pay this invoice by bank transfer, or add a card and make it the default first."
                .into(),
        ));
    }
    let invoice = ctx
        .store
        .claim_collection(organisation_id, open.id, now + ATTEMPT_LEASE)
        .await?
        .ok_or(ServiceError::NotFound)?;
    collect(ctx, &invoice, now).await
}

/// The operator's record of a bank transfer: the invoice is paid.
pub async fn mark_paid(
    ctx: &ServerContext,
    number: i64,
    reference: &str,
    now: DateTime<Utc>,
) -> Result<Invoice, ServiceError> {
    let invoice = ctx
        .store
        .invoice_by_number(number)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if invoice.status != InvoiceStatus::Open {
        return Err(ServiceError::Conflict(format!(
            "Invoice {} is {} already.",
            invoice_number(number),
            invoice.status
        )));
    }
    record_paid(ctx, &invoice, PaymentProvider::Invoice, reference, now).await?;
    Ok(invoice)
}

/// The operator's correction: a credit note cancelling an invoice.
pub async fn credit(
    ctx: &ServerContext,
    number: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<Invoice, ServiceError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(ServiceError::Invalid(
            "Give the reason for the credit note (at most 200 characters).".into(),
        ));
    }
    let invoice = ctx
        .store
        .invoice_by_number(number)
        .await?
        .filter(|i| i.kind == laurel::InvoiceKind::Invoice)
        .ok_or(ServiceError::NotFound)?;
    ctx.store
        .credit_invoice(&invoice, reason, now)
        .await?
        .ok_or_else(|| {
            ServiceError::Conflict(format!(
                "Invoice {} is void already.",
                invoice_number(number)
            ))
        })
}

/// Handles one Stripe webhook (signature checked first; each event once):
/// a saved card, a charge that succeeded.
pub async fn stripe_event(
    ctx: &ServerContext,
    payload: &[u8],
    signature: &str,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let stripe = ctx.billing.stripe.as_ref().ok_or(ServiceError::NotFound)?;
    let event = stripe
        .verify_event(payload, signature, Utc::now().timestamp())
        .map_err(|why| {
            tracing::warn!(%why, "a Stripe webhook was refused");
            ServiceError::Invalid(why)
        })?;
    if !ctx.store.first_stripe_event(&event.id, now).await? {
        return Ok(());
    }
    let object_id = event
        .data
        .object
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    match event.kind.as_str() {
        "setup_intent.succeeded" => match finish_card(ctx, None, object_id, now).await {
            Ok(()) | Err(ServiceError::NotFound) => {}
            Err(e) => return Err(e),
        },
        "payment_intent.succeeded" => {
            if let Some(invoice) = ctx.store.invoice_by_provider_ref(object_id).await? {
                record_paid(ctx, &invoice, PaymentProvider::Stripe, object_id, now).await?;
            }
        }
        other => tracing::debug!(event = other, "Stripe event not used"),
    }
    Ok(())
}

/// The next invoice's rough amount at `now`: the next cycle's fixed fee
/// (of the plan it will be on) plus this cycle's badges so far × the
/// per-badge fee, with VAT.
pub async fn estimate(
    store: &Store,
    sub: &Subscription,
    now: DateTime<Utc>,
) -> Result<(Totals, i64, Currency), ServiceError> {
    let plan = plan_of(store, sub.plan_id).await?;
    let next_plan = match sub.next_plan_id {
        Some(id) => plan_of(store, id).await?,
        None => plan.clone(),
    };
    let k = i64::from(sub.next_cycle);
    let in_trial = now < sub.trial_ends_at;
    let badges = if in_trial || k < 2 {
        0
    } else {
        let from = cycle_start(sub.trial_ends_at, k - 1).ok_or(ServiceError::Internal)?;
        store
            .badges_recorded(sub.organisation_id, from, now)
            .await?
    };
    let mut lines = Vec::new();
    if !sub.ending {
        lines.extend(Line::new("fee", 1, next_plan.monthly_fee, next_plan.vat()).ok());
    }
    lines.extend(Line::new("badges", badges, plan.per_badge_fee, plan.vat()).ok());
    Ok((Totals::of(&lines), badges, plan.currency))
}

/// Billing's background loop: the billing run every `every`, on the
/// system clock (each instance runs it; the store bills each cycle once).
pub async fn run_forever(ctx: ServerContext, every: std::time::Duration) {
    loop {
        match run(&ctx, ctx.clock.now()).await {
            Ok(r) if r != RunReport::default() => {
                tracing::info!(
                    invoices = r.invoices,
                    charged = r.charged,
                    declined = r.declined,
                    "billing run"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "billing run failed"),
        }
        tokio::time::sleep(every).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoice_numbers_read_back() {
        assert_eq!(invoice_number(42), "INV-000042");
        assert_eq!(parse_invoice_number("INV-000042"), Some(42));
        assert_eq!(parse_invoice_number("inv-42"), Some(42));
        assert_eq!(parse_invoice_number("42"), Some(42));
        assert_eq!(parse_invoice_number("INV-"), None);
        assert_eq!(parse_invoice_number("0"), None);
        assert_eq!(parse_invoice_number("INV-x"), None);
    }
}
