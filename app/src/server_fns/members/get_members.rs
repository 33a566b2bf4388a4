use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One member in the user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    pub role: laurel::Role,
    /// Member since (UTC date).
    pub since: String,
}

/// One pending invitation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationRow {
    pub id: i64,
    pub email: String,
    pub role: laurel::Role,
    /// When the link stops working (UTC).
    pub expires: String,
    pub expired: bool,
}

/// The organisation's user-management page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembersView {
    pub subdomain: String,
    pub organisation_name: String,
    /// The signed-in user (their own row says "you").
    pub me: i64,
    pub members: Vec<MemberRow>,
    pub invitations: Vec<InvitationRow>,
}

/// The members and pending invitations of an organisation: privileged
/// members only.
#[server(endpoint = "members/get_members")]
pub async fn get_members(subdomain: String) -> Result<MembersView, AppError> {
    use crate::ssr::{access, context};
    use laurel::Role;

    let (user, membership) = access::require_role(&subdomain, Role::Privileged).await?;
    let ctx = context()?;
    let org = membership.organisation_id;
    let members = ctx
        .store
        .members(org)
        .await?
        .into_iter()
        .map(|m| MemberRow {
            user_id: m.user_id,
            email: m.email,
            display_name: m.display_name,
            role: m.role,
            since: m.created_at.format("%Y-%m-%d").to_string(),
        })
        .collect();
    let now = chrono::Utc::now();
    let invitations = ctx
        .store
        .pending_invitations(org)
        .await?
        .into_iter()
        .map(|i| InvitationRow {
            id: i.id,
            email: i.email,
            role: i.role,
            expires: i.expires_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            expired: i.expires_at <= now,
        })
        .collect();
    Ok(MembersView {
        subdomain: membership.subdomain,
        organisation_name: membership.organisation_name,
        me: user.user_id,
        members,
        invitations,
    })
}
