use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::server_fns::public::get_report::ReportView;

/// One imported badge on its own page in the wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub public_id: String,
    pub badge: String,
    pub issuer: String,
    /// The report, check by check (verified again on opening when the last
    /// one is more than a few minutes old).
    pub report: ReportView,
    /// Why it could not be verified again just now, when it could not.
    pub note: Option<String>,
}

/// One of the signed-in holder's imports, re-verified through the engine
/// when its report is older than `imports::FRESH_FOR`; "not found" when it
/// is not theirs.
#[server(endpoint = "wallet/get_import")]
pub async fn get_import(public_id: String) -> Result<ImportView, AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::imports::{self, Holder};

    let user = auth::require_user().await?;
    let ctx = context()?;
    let addresses = ctx.store.holder_addresses(user.user_id).await?;
    let holder = Holder {
        user_id: user.user_id,
        addresses: &addresses,
    };
    let (row, note) = imports::on_view(&ctx, holder, public_id.trim(), &auth::client_ip()).await?;
    let report: laurel::verify::Report =
        serde_json::from_str(&row.report).map_err(|_| AppError::Internal)?;
    Ok(ImportView {
        report: ReportView::new(&report, row.verified_at),
        public_id: row.public_id,
        badge: row.badge_name,
        issuer: row.issuer_name,
        note,
    })
}
