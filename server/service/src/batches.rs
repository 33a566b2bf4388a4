//! CSV batches: upload → preview (every row checked, nothing issued) →
//! confirm → issued in the background by the job worker in short jobs, each
//! resuming where the last stopped.
//!
//! Exactly once: every valid row carries its award's idempotency key
//! (template, holder, date), and a row's badge, usage count, mail and outcome
//! are written in one transaction ([`laurel_store::Store::record_issues`]). A
//! crash mid-row rolls the row back (it stays pending and runs again); a
//! crash after it leaves it done; a re-uploaded file finds its badges issued
//! and skips them.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use laurel::award::{idempotency_key, parse_csv, Award};
use laurel::RowStatus;

use crate::issuing::{Issuer, Source, ToIssue};
use crate::jobs::{HandlerResult, Handlers};
use crate::ServerContext;
use crate::ServiceError;
use laurel_store::{BadgeClassRow, NewBatchRow, Store, TemplateRow, BATCH_QUEUE};

/// The most rows one file may have.
pub const MAX_ROWS: usize = 100_000;
/// The largest file accepted (100,000 rows with evidence fit easily).
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// A batch job's lease: after a crash the batch resumes within this long.
pub const LEASE: Duration = Duration::from_secs(30);
/// A batch job stops taking rows after this long and queues its sequel, so
/// no job outlives its lease and other work gets its turn.
const JOB_BUDGET: Duration = Duration::from_secs(5);
/// Rows read per query, and issued per transaction (one commit for each
/// chunk; a crash loses none of a committed chunk and leaves the rest
/// pending without badges).
const CHUNK: i64 = 100;

/// The latest achievement date accepted: today somewhere on Earth (UTC+14),
/// so an issuer east of Greenwich can enter today's date.
pub fn latest_date() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(14)).date_naive()
}

/// Reads an uploaded file and stores it as a batch in preview. Rows that do
/// not parse, name an unknown or archived template, repeat an earlier row,
/// or were issued before are stored with their reason; nothing is issued.
pub async fn create_batch(
    store: &Store,
    organisation_id: i64,
    template: &TemplateRow,
    user_id: Option<i64>,
    file_name: &str,
    bytes: &[u8],
) -> Result<i64, ServiceError> {
    use sha2::{Digest, Sha256};

    if template.archived_at.is_some() {
        return Err(ServiceError::Invalid(
            "This template is archived; restore it before issuing.".into(),
        ));
    }
    let parsed = parse_csv(bytes, latest_date(), MAX_ROWS)
        .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let mut templates: HashMap<String, Result<i64, String>> = HashMap::new();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut rows = Vec::with_capacity(parsed.len());
    for row in parsed {
        let mut new = NewBatchRow {
            line: i64::try_from(row.line).unwrap_or(i64::MAX),
            email: row.email.chars().take(320).collect(),
            award: None,
            template_id: None,
            idempotency_key: None,
            status: RowStatus::Invalid,
            message: String::new(),
            assertion_id: None,
        };
        let award = match row.award {
            Ok(a) => a,
            Err(problems) => {
                new.message = problems.join(" ");
                rows.push(new);
                continue;
            }
        };
        let template_id = match &award.template {
            None => Ok(template.id),
            Some(external) => match templates.get(external) {
                Some(found) => found.clone(),
                None => {
                    let found = match store
                        .template_by_external_id(organisation_id, external)
                        .await?
                    {
                        None => Err(format!(
                            "Unknown template “{external}” (no template has this external ID)."
                        )),
                        Some((t, _)) if t.archived_at.is_some() => {
                            Err(format!("The template “{external}” is archived."))
                        }
                        Some((t, _)) => Ok(t.id),
                    };
                    templates.insert(external.clone(), found.clone());
                    found
                }
            },
        };
        let template_id = match template_id {
            Ok(id) => id,
            Err(message) => {
                new.message = message;
                rows.push(new);
                continue;
            }
        };
        let key = idempotency_key(template_id, &award.holder.email, award.achieved_on);
        if let Some(first) = first_line.get(&key) {
            new.message =
                format!("Duplicate of line {first} (same holder, template and achievement date).");
            rows.push(new);
            continue;
        }
        first_line.insert(key.clone(), row.line);
        new.status = RowStatus::Pending;
        new.award = Some(serde_json::to_string(&award).map_err(|_| ServiceError::Internal)?);
        new.template_id = Some(template_id);
        new.idempotency_key = Some(key);
        rows.push(new);
    }
    // Rows whose badge exists already (an earlier upload of the same file).
    let keys: Vec<String> = rows
        .iter()
        .filter_map(|r| r.idempotency_key.clone())
        .collect();
    let issued: HashMap<String, i64> = store
        .issued_keys(organisation_id, &keys)
        .await?
        .into_iter()
        .collect();
    for row in &mut rows {
        if let Some(id) = row.idempotency_key.as_ref().and_then(|k| issued.get(k)) {
            row.status = RowStatus::Skipped;
            row.message = "Already issued (same holder, template and achievement date).".into();
            row.assertion_id = Some(*id);
        }
    }
    let sha = hex::encode(Sha256::digest(bytes));
    let name: String = file_name.chars().take(200).collect();
    Ok(store
        .create_batch(organisation_id, template.id, user_id, &name, &sha, &rows)
        .await?)
}

/// Marks stopped each running batch whose job gave up (or vanished), with
/// the job's last error, so its page says so and offers to resume it
/// rather than showing "running" forever. Returns how many it marked.
pub async fn sweep(store: &Store) -> Result<usize, ServiceError> {
    let stalled = store.stall_orphaned_batches().await?;
    for (batch, organisation, reason) in &stalled {
        metrics::counter!("laurel_batches_stalled_total").increment(1);
        tracing::error!(batch, organisation, %reason, "a batch stopped: its job gave up");
    }
    Ok(stalled.len())
}

/// Resumes a stopped batch (its page's "Resume"): a new job picks up the
/// rows still pending.
pub async fn resume(
    store: &Store,
    organisation_id: i64,
    batch_id: i64,
) -> Result<(), ServiceError> {
    if store.resume_batch(organisation_id, batch_id).await? {
        Ok(())
    } else {
        Err(ServiceError::Conflict(
            "This batch is not stopped: there is nothing to resume.".into(),
        ))
    }
}

/// Registers the batch handler (with its short lease) on `handlers`.
pub fn register(ctx: ServerContext, handlers: Handlers) -> Handlers {
    handlers.on_with_lease(BATCH_QUEUE, LEASE, move |payload| {
        let ctx = ctx.clone();
        async move { run_job(&ctx, payload).await }
    })
}

/// One batch job: issues pending rows for up to [`JOB_BUDGET`], then either
/// marks the batch done or queues the next job.
async fn run_job(ctx: &ServerContext, payload: serde_json::Value) -> HandlerResult {
    let batch_id = payload
        .get("batch_id")
        .and_then(serde_json::Value::as_i64)
        .ok_or("the payload has no batch_id")?;
    match run_batch(ctx, batch_id, JOB_BUDGET).await {
        Ok(_) => Ok(()),
        Err(e) => Err(format!("batch {batch_id}: {e}")),
    }
}

/// Issues the batch's pending rows for up to `budget`. Returns true when the
/// batch is finished; otherwise its next job is queued. Public for tests
/// and benchmarks.
pub async fn run_batch(
    ctx: &ServerContext,
    batch_id: i64,
    budget: Duration,
) -> Result<bool, ServiceError> {
    let started = Instant::now();
    let store = &ctx.store;
    let Some(batch) = store.batch_by_id(batch_id).await? else {
        return Ok(true);
    };
    if batch.status != laurel::BatchStatus::Running {
        return Ok(true);
    }
    let org = store
        .organisation_by_id(batch.organisation_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let issuer = Issuer::of(ctx, &org).await?;
    // The current version of each template, read once per job.
    let mut classes: HashMap<i64, Option<BadgeClassRow>> = HashMap::new();
    loop {
        let rows = store.pending_batch_rows(batch_id, CHUNK).await?;
        if rows.is_empty() {
            if store.finish_batch(batch_id).await? {
                crate::webhooks::emit(
                    store,
                    org.id,
                    &org.subdomain,
                    laurel::WebhookEvent::BatchFinished,
                    serde_json::json!({ "batch": { "id": batch_id } }),
                )
                .await;
            }
            tracing::info!(batch = batch_id, "batch finished");
            return Ok(true);
        }
        // The chunk's readable rows of live templates, issued together
        // (signed on every core, recorded in one transaction); the others
        // are failed with the reason.
        let mut ready: Vec<(i64, i64, Award)> = Vec::with_capacity(rows.len());
        for row in rows {
            let award: Option<Award> = row
                .award
                .as_deref()
                .and_then(|a| serde_json::from_str(a).ok());
            let (Some(award), Some(template_id)) = (award, row.template_id) else {
                store
                    .fail_batch_row(row.id, "The row's stored award is unreadable.")
                    .await?;
                continue;
            };
            if let Entry::Vacant(slot) = classes.entry(template_id) {
                let class = store
                    .template(org.id, template_id)
                    .await?
                    .filter(|(t, _)| t.archived_at.is_none())
                    .map(|(_, c)| c);
                slot.insert(class);
            }
            if classes.get(&template_id).and_then(Option::as_ref).is_none() {
                store
                    .fail_batch_row(
                        row.id,
                        "The template was archived or deleted before this row was issued.",
                    )
                    .await?;
                continue;
            }
            ready.push((row.id, template_id, award));
        }
        let chunk: Vec<ToIssue<'_>> = ready
            .iter()
            .filter_map(|(row_id, template_id, award)| {
                Some(ToIssue {
                    template_id: Some(*template_id),
                    class: classes.get(template_id)?.as_ref()?,
                    award,
                    source: Source::Batch(batch_id, *row_id),
                })
            })
            .collect();
        if !chunk.is_empty() {
            let results = issuer.issue_chunk(&chunk).await?;
            for (result, item) in results.into_iter().zip(&chunk) {
                let Source::Batch(_, row_id) = item.source else {
                    continue;
                };
                match result {
                    Ok(_) => {}
                    // Billing refused (the trial ran out under a concurrent
                    // issuer, an invoice went overdue) or a new
                    // organisation's day is used up (`crate::sending`): the
                    // row says why, and the batch goes on to its end rather
                    // than retry forever.
                    Err(ServiceError::PaymentRequired(why) | ServiceError::TooMany(why)) => {
                        store.fail_batch_row(row_id, &why).await?;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        if started.elapsed() >= budget {
            store.queue_batch_job(batch_id).await?;
            return Ok(false);
        }
    }
}
