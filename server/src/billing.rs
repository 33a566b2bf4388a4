//! Billing at the server's edges: Stripe's webhook endpoint, and the
//! operator's commands (`laurel plans …`, `laurel billing …`). The rules are
//! `laurel_service::billing`'s.

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use laurel::billing::{format_amount, parse_amount, Currency, VatRate};
use laurel_service::billing::{self, invoice_number, parse_invoice_number};
use laurel_service::{ServerContext, ServiceError};
use laurel_store::NewPlan;

use crate::state::AppState;

/// Where Stripe posts its events (configure this URL in Stripe's
/// dashboard with the events `setup_intent.succeeded` and
/// `payment_intent.succeeded`).
pub const STRIPE_WEBHOOK_PATH: &str = "/webhooks/stripe";

/// Stripe's events are small; anything bigger is not one.
const MAX_EVENT_BYTES: usize = 256 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route(STRIPE_WEBHOOK_PATH, post(stripe_webhook))
}

async fn stripe_webhook(
    State(ctx): State<ServerContext>,
    headers: HeaderMap,
    body: Body,
) -> (StatusCode, &'static str) {
    let Ok(payload) = to_bytes(body, MAX_EVENT_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "too large\n");
    };
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match billing::stripe_event(&ctx, &payload, signature, ctx.clock.now()).await {
        Ok(()) => (StatusCode::OK, "ok\n"),
        Err(ServiceError::NotFound) => (StatusCode::NOT_FOUND, "not found\n"),
        Err(ServiceError::Invalid(_)) => (StatusCode::BAD_REQUEST, "bad signature or event\n"),
        // Stripe retries anything else.
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "try again\n"),
    }
}

/// `laurel plans add`: a plan's terms, as the operator types them.
#[derive(Debug, Clone, clap::Args)]
pub struct PlanTerms {
    /// The plan's name, as organisations see it.
    #[arg(long)]
    pub name: String,
    /// ISO currency code.
    #[arg(long, default_value = "EUR")]
    pub currency: String,
    /// The monthly fee, e.g. 29 or 29.50.
    #[arg(long)]
    pub monthly_fee: String,
    /// The fee per badge issued, e.g. 0.15.
    #[arg(long)]
    pub per_badge_fee: String,
    /// VAT in percent (e.g. 21 or 7.7), or `none`.
    #[arg(long, default_value = "none")]
    pub vat: String,
    /// Length of the free trial in days (0: none).
    #[arg(long, default_value_t = 30)]
    pub trial_days: i32,
    /// Badges the trial allows.
    #[arg(long, default_value_t = 50)]
    pub trial_quota: i64,
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum PlansCommand {
    /// List the plans (offered and retired).
    List,
    /// Offer a new plan.
    Add(PlanTerms),
    /// Stop offering a plan (subscriptions on it go on).
    Retire {
        /// The plan's name.
        name: String,
    },
}

#[derive(Debug, Clone, clap::Subcommand)]
pub enum BillingCommand {
    /// Run billing once now: invoice the cycles that have started, collect
    /// due card payments. `laurel serve` does this on its own every
    /// LAUREL_BILLING_INTERVAL_SECONDS.
    Run,
    /// Record a bank transfer: the invoice is paid (and issuing resumes).
    MarkPaid {
        /// The invoice number (INV-000042 or 42).
        number: String,
        /// The transfer's reference, kept with the payment.
        #[arg(long, default_value = "")]
        reference: String,
    },
    /// Cancel an invoice with a credit note (invoices never change).
    Credit {
        number: String,
        /// Why (printed on the credit note).
        #[arg(long)]
        reason: String,
    },
}

/// A refused operator command, as one sentence.
fn says(e: impl std::fmt::Display) -> String {
    e.to_string()
}

pub async fn plans(ctx: &ServerContext, command: PlansCommand) -> Result<(), String> {
    let store = &ctx.store;
    match command {
        PlansCommand::List => {
            println!("name\tcurrency\tmonthly\tper badge\tVAT\ttrial\tstatus");
            for p in store.plans().await.map_err(says)? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{} days, {} badges\t{}",
                    p.name,
                    p.currency,
                    format_amount(p.monthly_fee, p.currency),
                    format_amount(p.per_badge_fee, p.currency),
                    p.vat().map_or_else(|| "none".to_owned(), |v| v.to_string()),
                    p.trial_days,
                    p.trial_quota,
                    if p.retired_at.is_some() {
                        "retired"
                    } else {
                        "offered"
                    }
                );
            }
            Ok(())
        }
        PlansCommand::Add(t) => {
            let plan = create_plan(ctx, &t).await?;
            println!("plan {} added (id {})", plan.name, plan.id);
            Ok(())
        }
        PlansCommand::Retire { name } => {
            let plan = store
                .plan_by_name(&name)
                .await
                .map_err(says)?
                .ok_or_else(|| format!("There is no plan named “{name}”."))?;
            if store
                .retire_plan(plan.id, chrono::Utc::now())
                .await
                .map_err(says)?
            {
                println!("plan {name} retired");
            } else {
                println!("plan {name} was retired already");
            }
            Ok(())
        }
    }
}

/// Checks and stores a plan (the command, and the demo).
pub async fn create_plan(ctx: &ServerContext, t: &PlanTerms) -> Result<laurel_store::Plan, String> {
    let name = t.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err("A plan's name is 1 to 80 characters.".into());
    }
    let currency = Currency::parse(&t.currency).map_err(says)?;
    let vat = if t.vat.trim().eq_ignore_ascii_case("none") {
        None
    } else {
        Some(VatRate::parse(&t.vat).map_err(says)?)
    };
    if !(0..=366).contains(&t.trial_days) {
        return Err("--trial-days is between 0 and 366.".into());
    }
    if t.trial_quota < 0 {
        return Err("--trial-quota is 0 or more.".into());
    }
    ctx.store
        .create_plan(&NewPlan {
            name,
            currency,
            monthly_fee: parse_amount(&t.monthly_fee, currency).map_err(says)?,
            per_badge_fee: parse_amount(&t.per_badge_fee, currency).map_err(says)?,
            vat,
            trial_days: t.trial_days,
            trial_quota: t.trial_quota,
        })
        .await
        .map_err(says)
}

/// An invoice command's refusal, naming the invoice asked for.
fn refused(e: ServiceError, number: &str) -> String {
    match e {
        ServiceError::NotFound => format!("There is no invoice {number}."),
        other => other.to_string(),
    }
}

pub async fn billing(ctx: &ServerContext, command: BillingCommand) -> Result<(), String> {
    let now = ctx.clock.now();
    let number_of = |text: &str| {
        parse_invoice_number(text)
            .ok_or_else(|| format!("“{text}” is not an invoice number (INV-000042 or 42)."))
    };
    match command {
        BillingCommand::Run => {
            let r = billing::run(ctx, now).await.map_err(says)?;
            println!(
                "billing run: {} invoice(s) issued, {} charge(s) paid, {} declined",
                r.invoices, r.charged, r.declined
            );
        }
        BillingCommand::MarkPaid { number, reference } => {
            let invoice = billing::mark_paid(ctx, number_of(&number)?, &reference, now)
                .await
                .map_err(|e| refused(e, &number))?;
            println!(
                "invoice {} ({}) marked paid",
                invoice_number(invoice.number),
                format_amount(invoice.total, invoice.currency)
            );
        }
        BillingCommand::Credit { number, reason } => {
            let note = billing::credit(ctx, number_of(&number)?, &reason, now)
                .await
                .map_err(|e| refused(e, &number))?;
            println!(
                "credit note {} ({}) issued; invoice {number} is void",
                invoice_number(note.number),
                format_amount(note.total, note.currency)
            );
        }
    }
    Ok(())
}
