use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A plan as the Subscription tab shows it (amounts formatted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    pub id: i64,
    pub name: String,
    pub monthly_fee: String,
    pub per_badge_fee: String,
    /// "21 %" or "no VAT".
    pub vat: String,
    pub trial: String,
}

/// The organisation's subscription as the Subscription tab shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SubscriptionView {
    pub subdomain: String,
    /// Privileged: may choose, change and end plans and see billing pages.
    pub can_manage: bool,
    /// The plans on offer (privileged members only; empty otherwise).
    pub plans: Vec<PlanView>,
    /// The current plan's id and name, if any.
    pub plan_id: Option<i64>,
    pub plan_name: Option<String>,
    /// One sentence: "Trial until …", "Active", "Suspended: …", "No plan".
    pub status: String,
    /// Why issuing is refused right now, if it is.
    pub refusal: Option<String>,
    /// In the trial: "3 of 50 badges used".
    pub trial_usage: Option<String>,
    /// Badges issued in the current paid cycle.
    pub cycle_badges: Option<i64>,
    /// The next invoice's rough amount and date.
    pub next_invoice: Option<String>,
    /// A scheduled change: "Changes to Professional on 3 March 2027".
    pub scheduled: Option<String>,
    /// A confirmed payment method is on file.
    pub has_payment_method: bool,
}

/// The Subscription tab: every member sees the status; privileged members
/// also get the plans and the controls.
#[server(endpoint = "billing/get_subscription")]
pub async fn get_subscription(subdomain: String) -> Result<SubscriptionView, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::billing::format_amount;
    use laurel::Role;
    use laurel_service::billing::{self, Standing};

    let (_, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let now = ctx.clock.now();
    let can_manage = m.role >= Role::Privileged;
    let day = |t: chrono::DateTime<chrono::Utc>| t.format("%-d %B %Y").to_string();
    let standing = billing::standing(&ctx.store, m.organisation_id, now).await?;
    let mut view = SubscriptionView {
        subdomain: m.subdomain.clone(),
        can_manage,
        refusal: standing.refusal(1),
        ..Default::default()
    };
    view.status = match &standing {
        Standing::NoPlan { ended: None } => {
            "No plan: issuing is off until a plan is chosen.".into()
        }
        Standing::NoPlan { ended: Some(at) } => {
            format!("No plan: the last one ended on {}.", day(*at))
        }
        Standing::Trial { subscription, .. } => {
            format!("Trial until {}.", day(subscription.trial_ends_at))
        }
        Standing::Active { .. } => "Active.".into(),
        Standing::Suspended { .. } => "Suspended: an invoice is overdue.".into(),
    };
    if let Some((sub, plan)) = standing.subscription() {
        view.plan_id = Some(plan.id);
        view.plan_name = Some(plan.name.clone());
        if let Standing::Trial { .. } = standing {
            view.trial_usage = Some(format!(
                "{} of {} trial badges used",
                sub.trial_used, sub.trial_quota
            ));
        }
        let (totals, badges, currency) = billing::estimate(&ctx.store, sub, now).await?;
        if now >= sub.trial_ends_at {
            view.cycle_badges = Some(badges);
        }
        view.next_invoice = Some(format!(
            "About {} (VAT included) on {}",
            format_amount(totals.total, currency),
            day(sub.next_cycle_at)
        ));
        if sub.ending {
            view.scheduled = Some(format!("Ends on {}.", day(sub.next_cycle_at)));
        } else if let Some(next) = sub.next_plan_id {
            let name = ctx
                .store
                .plan(next)
                .await?
                .map(|p| p.name)
                .unwrap_or_default();
            view.scheduled = Some(format!("Changes to {name} on {}.", day(sub.next_cycle_at)));
        }
    }
    if can_manage {
        view.has_payment_method = ctx
            .store
            .default_payment_method(m.organisation_id)
            .await?
            .is_some();
        view.plans = ctx
            .store
            .plans()
            .await?
            .into_iter()
            .filter(|p| p.retired_at.is_none())
            .map(|p| PlanView {
                id: p.id,
                monthly_fee: format!("{} a month", format_amount(p.monthly_fee, p.currency)),
                per_badge_fee: format!("{} a badge", format_amount(p.per_badge_fee, p.currency)),
                vat: p
                    .vat()
                    .map_or_else(|| "no VAT".to_owned(), |v| format!("plus {v} VAT")),
                trial: if p.trial_days == 0 {
                    "No trial".to_owned()
                } else {
                    format!("{}-day trial, up to {} badges", p.trial_days, p.trial_quota)
                },
                name: p.name,
            })
            .collect();
    }
    Ok(view)
}
