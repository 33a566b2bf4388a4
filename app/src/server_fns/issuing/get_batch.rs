use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A row of the preview's problem list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchProblem {
    pub line: i32,
    pub email: String,
    pub status: laurel::RowStatus,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchView {
    pub subdomain: String,
    pub id: i64,
    pub file_name: String,
    pub template_name: String,
    pub status: laurel::BatchStatus,
    pub total: i64,
    pub invalid: i64,
    pub pending: i64,
    pub issued: i64,
    pub skipped: i64,
    pub failed: i64,
    /// Rows handled of those to issue, 0–100.
    pub percent: i64,
    /// The first rows that will not be (or were not) issued.
    pub problems: Vec<BatchProblem>,
    /// In preview: why billing would refuse this batch (no plan, the
    /// trial's quota, an overdue invoice), shown with a link to the
    /// Subscription tab.
    pub billing_refusal: Option<String>,
    /// Why a running batch stopped (its background job gave up); it can
    /// be resumed.
    pub stalled_reason: Option<String>,
}

/// A batch's preview, progress or result.
#[server(endpoint = "issuing/get_batch")]
pub async fn get_batch(subdomain: String, id: i64) -> Result<BatchView, AppError> {
    use crate::ssr::{access::require_role, context};
    use laurel::{Role, RowStatus};

    /// Rows listed on the page; the result file has them all.
    const PROBLEMS_SHOWN: i64 = 200;

    let (_, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let batch = ctx
        .store
        .batch(m.organisation_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let template_name = ctx
        .store
        .template(m.organisation_id, batch.template_id)
        .await?
        .map(|(_, c)| c.name)
        .unwrap_or_default();
    let c = ctx.store.batch_counts(id).await?;
    let to_issue = c.pending + c.issued + c.failed;
    let percent = if to_issue == 0 {
        100
    } else {
        (c.issued + c.failed) * 100 / to_issue
    };
    let problems = ctx
        .store
        .batch_results(
            id,
            Some(&[RowStatus::Invalid, RowStatus::Skipped, RowStatus::Failed]),
            PROBLEMS_SHOWN,
        )
        .await?
        .into_iter()
        .map(|r| BatchProblem {
            line: r.line,
            email: r.email,
            status: r.status,
            message: r.message,
        })
        .collect();
    let billing_refusal = if batch.status == laurel::BatchStatus::Preview {
        laurel_service::billing::refusal(&ctx.store, m.organisation_id, ctx.clock.now(), c.pending)
            .await?
    } else {
        None
    };
    Ok(BatchView {
        subdomain: m.subdomain,
        id,
        file_name: batch.file_name,
        template_name,
        status: batch.status,
        total: c.total(),
        invalid: c.invalid,
        pending: c.pending,
        issued: c.issued,
        skipped: c.skipped,
        failed: c.failed,
        percent,
        problems,
        billing_refusal,
        stalled_reason: batch.stalled_reason,
    })
}
