use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A badge in the dashboard's recent activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentBadge {
    pub slug: String,
    pub recipient: String,
    pub badge: String,
    pub issued_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardView {
    pub subdomain: String,
    pub organisation_name: String,
    pub privileged: bool,
    pub issued_this_month: i64,
    pub issued_all_time: i64,
    pub pending_claims: i64,
    pub templates: i64,
    pub running_batches: i64,
    pub recent: Vec<RecentBadge>,
    /// While a new organisation's daily limits apply (not verified, no
    /// paid plan yet): what is left today.
    pub sending_limit: Option<SendingLimit>,
}

/// A new organisation's daily limits, and what is left of them today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendingLimit {
    pub badges_per_day: i64,
    pub mails_per_day: i64,
    pub badges_left: i64,
    pub mails_left: i64,
}

/// The organisation's dashboard: figures, recent badges, and (through the
/// figures) what a new organisation should do next. Every member.
#[server(endpoint = "issuing/get_dashboard")]
pub async fn get_dashboard(subdomain: String) -> Result<DashboardView, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::Role;
    use laurel_store::RegisterQuery;

    let (_, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let counts = ctx.store.dashboard_counts(m.organisation_id).await?;
    let limit = laurel_service::sending::NEW_ORGANISATION;
    let sending_limit =
        laurel_service::sending::left_today(&ctx.store, m.organisation_id, ctx.clock.now())
            .await?
            .map(|(badges_left, mails_left)| SendingLimit {
                badges_per_day: limit.badges,
                mails_per_day: limit.mails,
                badges_left,
                mails_left,
            });
    let (recent, _) = ctx
        .store
        .register(
            m.organisation_id,
            &RegisterQuery {
                limit: 5,
                ..Default::default()
            },
        )
        .await?;
    Ok(DashboardView {
        privileged: m.role.includes(Role::Privileged),
        subdomain: m.subdomain,
        organisation_name: m.organisation_name,
        issued_this_month: counts.issued_this_month,
        issued_all_time: counts.issued_all_time,
        pending_claims: counts.pending_claims,
        templates: counts.templates,
        running_batches: counts.running_batches,
        recent: recent
            .into_iter()
            .map(|r| RecentBadge {
                slug: r.slug,
                recipient: if r.recipient_name.is_empty() {
                    r.recipient_email
                } else {
                    r.recipient_name
                },
                badge: r.badge_name,
                issued_on: r.issued_on.format("%Y-%m-%d").to_string(),
            })
            .collect(),
        sending_limit,
    })
}
