use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Entries per page of the audit log.
pub const AUDIT_PAGE: i64 = 50;

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub id: i64,
    /// UTC, to the second.
    pub time: String,
    /// The acting user's email (for a failed sign-in: the address tried).
    pub actor: String,
    pub event: String,
    pub detail: String,
    pub ip: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditView {
    pub subdomain: String,
    pub organisation_name: String,
    pub entries: Vec<AuditRow>,
    /// The `before` of the next (older) page, when there may be one.
    pub older: Option<i64>,
}

/// The organisation's audit log, newest first, a page of entries with an id
/// below `before`: its own events and the account events (sign-ins,
/// lock-outs, …) of its members. Privileged members only.
#[server(endpoint = "members/get_audit_log")]
pub async fn get_audit_log(subdomain: String, before: Option<i64>) -> Result<AuditView, AppError> {
    use crate::ssr::{access, context};
    use laurel::Role;

    let (_, membership) = access::require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let entries: Vec<AuditRow> = ctx
        .store
        .organisation_audit(membership.organisation_id, before, AUDIT_PAGE)
        .await?
        .into_iter()
        .map(|a| AuditRow {
            id: a.id,
            time: a.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            actor: if a.actor.is_empty() && a.detail.contains('@') {
                a.detail.clone()
            } else {
                a.actor
            },
            event: a.event,
            detail: a.detail,
            ip: a.ip,
        })
        .collect();
    let older = (entries.len() as i64 == AUDIT_PAGE)
        .then(|| entries.last().map(|e| e.id))
        .flatten();
    Ok(AuditView {
        subdomain: membership.subdomain,
        organisation_name: membership.organisation_name,
        entries,
        older,
    })
}
