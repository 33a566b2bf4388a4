//! Recording an award (assertion + usage count + holder mail + batch row, all
//! or nothing), the holder's claim, the issued-badge register and the
//! dashboard's figures.

use chrono::{DateTime, Utc};
use laurel::analytics::EventDetail;
use laurel::{BadgeStatus, RegisterSort};

use super::analytics::NewEvent;
use super::badges::{
    bind_assertion, AssertionRow, NewAssertion, ASSERTION_COLUMNS, INSERT_ASSERTION,
};
use super::error::Conflict;
use super::jobs::{bind_job, HOLDER_MAIL_QUEUE, INSERT_JOB_SQL};
use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

/// What [`Store::record_issues`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssueOutcome {
    Issued(AssertionRow),
    /// The idempotency key was taken: this badge exists already (nothing
    /// was written but the batch row's outcome).
    AlreadyIssued(AssertionRow),
}

impl IssueOutcome {
    pub fn assertion(&self) -> &AssertionRow {
        match self {
            IssueOutcome::Issued(a) | IssueOutcome::AlreadyIssued(a) => a,
        }
    }
}

/// What the register shows: every field optional but the organisation.
#[derive(Debug, Clone, Default)]
pub struct RegisterQuery {
    /// Part of the recipient's email or name (case-insensitive).
    pub search: Option<String>,
    pub template_id: Option<i64>,
    pub status: Option<BadgeStatus>,
    /// Issued (achieved) on or after.
    pub from: Option<DateTime<Utc>>,
    /// Issued before.
    pub until: Option<DateTime<Utc>>,
    pub sort: RegisterSort,
    pub offset: i64,
    pub limit: i64,
    /// Exactly this recipient address (the API's filter; lowercase).
    pub recipient: Option<String>,
    /// Keyset pagination (the API's cursor): only badges after this one in
    /// the order of [`RegisterSort::Newest`] — `(issued_on, id)` of the last
    /// badge of the previous page. Used with `Newest` and no offset.
    pub after: Option<(DateTime<Utc>, i64)>,
}

/// One line of the register.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RegisterEntry {
    pub id: i64,
    pub slug: String,
    pub recipient_email: String,
    pub recipient_name: String,
    pub template_id: Option<i64>,
    pub badge_name: String,
    pub issued_on: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub source: String,
}

/// Counting stops here: the register says "10,000+" rather than count a
/// million rows on every page.
pub const COUNT_CAP: i64 = 10_000;

/// The dashboard's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DashboardCounts {
    pub issued_this_month: i64,
    pub issued_all_time: i64,
    pub pending_claims: i64,
    pub templates: i64,
    pub running_batches: i64,
}

/// A bound value of a query built at run time.
enum Bind {
    I64(i64),
    Text(String),
    Time(DateTime<Utc>),
}

/// Binds `binds` in order, on either backend.
macro_rules! bind_all {
    ($query:expr, $binds:expr) => {{
        let mut q = $query;
        for b in $binds {
            q = match b {
                Bind::I64(v) => q.bind(*v),
                Bind::Text(v) => q.bind(v.as_str()),
                Bind::Time(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// `YYYY-MM` of a time, the key of [`Store::usage_of_month`].
pub fn month_key(t: DateTime<Utc>) -> String {
    t.format("%Y-%m").to_string()
}

/// When an award is recorded, and what it counts against.
#[derive(Debug, Clone, Copy)]
pub struct Metering {
    /// The badge's `created_at` (the billing clock: cycles count badges by it).
    pub at: DateTime<Utc>,
    /// In a trial: the subscription whose `trial_used` this award takes one
    /// of, refused with [`Conflict::TrialQuotaReached`] when none is left.
    pub trial_subscription: Option<i64>,
    /// For an organisation not verified yet: the day's limits its badges
    /// and their mails count against, refused with
    /// [`Conflict::DailyLimitReached`] past them.
    pub daily_limit: Option<crate::DailyLimit>,
}

impl Metering {
    /// Now, outside any trial.
    pub fn now() -> Self {
        Self {
            at: Utc::now(),
            trial_subscription: None,
            daily_limit: None,
        }
    }
}

/// Marks the assertion with this claim token claimed (first time only) and
/// appends its `claimed` event, inside the transaction `$tx`; evaluates to
/// whether it was claimed now.
macro_rules! claim_in {
    ($tx:ident, $claim_token_hash:expr, $now:expr) => {{
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE assertions SET claimed_at = $1 WHERE claim_token_hash = $2 AND claimed_at IS NULL RETURNING id",
        )
        .bind($now)
        .bind($claim_token_hash)
        .fetch_optional(&mut *$tx)
        .await?;
        if let Some(id) = id {
            sqlx::query($crate::analytics::INSERT_EVENT_SQL)
                .bind(laurel::BadgeEventKind::Claimed.as_str())
                .bind("")
                .bind(0_i64)
                .bind($now.date_naive())
                .bind($now)
                .bind(id)
                .execute(&mut *$tx)
                .await?;
        }
        id.is_some()
    }};
}
pub(crate) use claim_in;

/// One award to record, with what goes with it (see [`Store::record_issues`]).
#[derive(Debug, Clone, Copy)]
pub struct IssueRecord<'a> {
    pub assertion: &'a NewAssertion<'a>,
    /// The holder's mail, as the outbox job's payload.
    pub mail_job: &'a serde_json::Value,
    /// For a batch: the row whose outcome this is.
    pub batch_row_id: Option<i64>,
    /// `badge.issued` for the organisation's webhooks: event id and body.
    pub webhook: Option<(&'a str, &'a str)>,
}

impl Store {
    /// Records awards (one, or a CSV batch's chunk) in one transaction: for
    /// each, the assertion (unless its idempotency key is taken), the
    /// holder's mail, the `issued` event and — for a batch — the row's
    /// outcome; for all, the organisation's usage count and its trial quota
    /// (see [`Metering`]). All of them or, on any error (the trial's quota
    /// running out among them included), none. One commit for
    /// the chunk is what makes a CSV batch fast; the batch rows' outcomes
    /// are in the same transaction, so a crash leaves each row either done
    /// with its badge or pending without one.
    pub async fn record_issues(
        &self,
        records: &[IssueRecord<'_>],
        metering: Metering,
    ) -> Result<Vec<IssueOutcome>, StoreError> {
        let now = metering.at;
        let insert = format!(
            "{INSERT_ASSERTION} ON CONFLICT (organisation_id, idempotency_key) DO NOTHING \
             RETURNING {ASSERTION_COLUMNS}"
        );
        let existing = format!(
            "SELECT {ASSERTION_COLUMNS} FROM assertions WHERE organisation_id = $1 AND idempotency_key = $2"
        );
        let month = month_key(now);
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let mut outcomes = Vec::with_capacity(records.len());
            let mut issued = Vec::with_capacity(records.len());
            let mut mails = Vec::with_capacity(records.len());
            // Per organisation (a chunk is one issuer's): whether any
            // webhook endpoint listens at all — asked once, not once a
            // badge — and how many badges it was issued.
            let mut listens: std::collections::HashMap<i64, bool> = Default::default();
            let mut counts: std::collections::BTreeMap<i64, i64> = Default::default();
            for record in records {
                let organisation_id = record.assertion.organisation_id;
                if let std::collections::hash_map::Entry::Vacant(slot) = listens.entry(organisation_id) {
                    let endpoints: i64 = sqlx::query_scalar(
                        "SELECT count(*) FROM webhook_endpoints WHERE organisation_id = $1",
                    )
                    .bind(organisation_id)
                    .fetch_one(&mut *tx)
                    .await?;
                    slot.insert(endpoints > 0);
                }
                let webhooks = listens[&organisation_id];
                let a = record.assertion;
                // The insert first: on SQLite it takes the write lock before
                // anything is read.
                let inserted = bind_assertion!(sqlx::query_as::<_, AssertionRow>(&insert), a, now)
                    .fetch_optional(&mut *tx)
                    .await?;
                let outcome = match inserted {
                    Some(row) => {
                        // The holder's mail: queued with the chunk's others
                        // in one statement, below.
                        mails.push(record.mail_job.to_string());
                        *counts.entry(organisation_id).or_default() += 1;
                        // `badge.issued` for the organisation's webhooks, with the badge.
                        if let (true, Some((event_id, body))) = (webhooks, record.webhook) {
                            super::webhooks::queue_event_in!(
                                tx, a.organisation_id, laurel::WebhookEvent::BadgeIssued, event_id, body, now
                            );
                        }
                        // The `issued` event, with how late after the
                        // achievement date it came: written with the
                        // chunk's others in one statement, below.
                        let delay = (now.date_naive() - row.issued_on.date_naive()).num_days().max(0);
                        issued.push(NewEvent {
                            organisation_id: row.organisation_id,
                            template_id: row.template_id.unwrap_or(0),
                            assertion_id: Some(row.id),
                            kind: laurel::BadgeEventKind::Issued,
                            detail: EventDetail::Delay(laurel::IssueDelay::of_days(delay)),
                            value: delay,
                            visitor: None,
                            at: now,
                        });
                        // A holder who chose "new badges start public" (their
                        // standing consent) gets this one public at once.
                        sqlx::query(super::wallet::DEFAULT_PUBLIC_SQL)
                            .bind(row.id)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                        IssueOutcome::Issued(row)
                    }
                    None => {
                        let row = sqlx::query_as::<_, AssertionRow>(&existing)
                            .bind(a.organisation_id)
                            .bind(a.idempotency_key)
                            .fetch_one(&mut *tx)
                            .await?;
                        IssueOutcome::AlreadyIssued(row)
                    }
                };
                if let Some(row_id) = record.batch_row_id {
                    let (status, message) = match &outcome {
                        IssueOutcome::Issued(_) => (laurel::RowStatus::Issued.as_str(), String::new()),
                        IssueOutcome::AlreadyIssued(a) => (
                            laurel::RowStatus::Skipped.as_str(),
                            format!("Already issued on {} (same holder, template and date).", a.created_at.format("%Y-%m-%d")),
                        ),
                    };
                    sqlx::query(
                        "UPDATE issue_batch_rows SET status = $1, message = $2, assertion_id = $3 WHERE id = $4",
                    )
                    .bind(status)
                    .bind(message)
                    .bind(outcome.assertion().id)
                    .bind(row_id)
                    .execute(&mut *tx)
                    .await?;
                }
                outcomes.push(outcome);
            }
            // What the chunk's new badges count against, once for all of
            // them: the trial's quota (the whole chunk, or none of it: the
            // caller then records its awards one by one) and the month's
            // usage.
            let count = issued.len() as i64;
            if count > 0 {
                if let Some(sub) = metering.trial_subscription {
                    let counted = sqlx::query(
                        "UPDATE subscriptions SET trial_used = trial_used + $1 \
                         WHERE id = $2 AND trial_used + $1 <= trial_quota",
                    )
                    .bind(count)
                    .bind(sub)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if counted == 0 {
                        return Err(StoreError::Conflict(Conflict::TrialQuotaReached));
                    }
                }
                if let Some(limit) = metering.daily_limit {
                    for (organisation_id, issued) in &counts {
                        let totals = crate::sending::count_sent!(
                            tx,
                            *organisation_id,
                            crate::sending::day_key(now),
                            *issued,
                            *issued
                        );
                        crate::sending::within(totals, limit)?;
                    }
                }
                for (organisation_id, issued) in &counts {
                    sqlx::query(
                        "INSERT INTO usage_monthly (organisation_id, month, badges_issued) VALUES ($1, $2, $3) \
                         ON CONFLICT (organisation_id, month) DO UPDATE SET badges_issued = usage_monthly.badges_issued + $3",
                    )
                    .bind(organisation_id)
                    .bind(&month)
                    .bind(issued)
                    .execute(&mut *tx)
                    .await?;
                }
                let created = Utc::now();
                for part in mails.chunks(super::analytics::CHUNK) {
                    let mut q = sqlx::QueryBuilder::new(super::jobs::job_columns!());
                    q.push_values(part, |mut b, payload| {
                        b.push_bind(HOLDER_MAIL_QUEUE)
                            .push_bind(payload.as_str())
                            .push_bind(now)
                            .push_bind(created)
                            .push_bind(super::jobs::max_attempts(HOLDER_MAIL_QUEUE));
                    });
                    q.build().execute(&mut *tx).await?;
                }
            }
            super::analytics::insert_events_in!(tx, issued);
            tx.commit().await?;
            Ok(outcomes)
        })
    }

    /// Badges issued by the organisation in a calendar month (`YYYY-MM`).
    pub async fn usage_of_month(
        &self,
        organisation_id: i64,
        month: &str,
    ) -> Result<i64, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_scalar::<_, i64>(
                "SELECT badges_issued FROM usage_monthly WHERE organisation_id = $1 AND month = $2",
            )
            .bind(organisation_id)
            .bind(month)
            .fetch_optional(p)
            .await
        })?
        .unwrap_or(0))
    }

    /// The dashboard's figures for the organisation.
    pub async fn dashboard_counts(
        &self,
        organisation_id: i64,
    ) -> Result<DashboardCounts, StoreError> {
        let month = month_key(Utc::now());
        let (this_month, all_time, pending, templates, running) = with_pool!(self, p => {
            sqlx::query_as::<_, (i64, i64, i64, i64, i64)>(
                "SELECT \
                   COALESCE((SELECT badges_issued FROM usage_monthly WHERE organisation_id = $1 AND month = $2), 0), \
                   COALESCE((SELECT CAST(sum(badges_issued) AS BIGINT) FROM usage_monthly WHERE organisation_id = $1), 0), \
                   (SELECT count(*) FROM assertions WHERE organisation_id = $1 AND claimed_at IS NULL AND revoked_at IS NULL), \
                   (SELECT count(*) FROM badge_templates WHERE organisation_id = $1 AND archived_at IS NULL), \
                   (SELECT count(*) FROM issue_batches WHERE organisation_id = $1 AND status = 'running')",
            )
            .bind(organisation_id)
            .bind(&month)
            .fetch_one(p)
            .await
        })?;
        Ok(DashboardCounts {
            issued_this_month: this_month,
            issued_all_time: all_time,
            pending_claims: pending,
            templates,
            running_batches: running,
        })
    }

    /// One page of the register and the number of matching badges (at most
    /// [`COUNT_CAP`] + 1).
    pub async fn register(
        &self,
        organisation_id: i64,
        q: &RegisterQuery,
    ) -> Result<(Vec<RegisterEntry>, i64), StoreError> {
        let mut binds = vec![Bind::I64(organisation_id)];
        let mut conditions = vec!["a.organisation_id = $1".to_owned()];
        // Adds a condition whose `$?` is the next parameter.
        let push =
            |binds: &mut Vec<Bind>, conditions: &mut Vec<String>, condition: &str, value: Bind| {
                binds.push(value);
                conditions.push(condition.replace("$?", &format!("${}", binds.len())));
            };
        if let Some(search) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let escaped = search
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            push(
                &mut binds,
                &mut conditions,
                "lower(a.recipient_email || ' ' || a.recipient_name) LIKE $? ESCAPE '\\'",
                Bind::Text(format!("%{escaped}%")),
            );
        }
        if let Some(r) = q.recipient.as_deref() {
            push(
                &mut binds,
                &mut conditions,
                "a.recipient_email = $?",
                Bind::Text(r.to_lowercase()),
            );
        }
        if let Some((issued_on, id)) = q.after {
            binds.push(Bind::Time(issued_on));
            binds.push(Bind::I64(id));
            let (t, i) = (binds.len() - 1, binds.len());
            conditions.push(format!(
                "(a.issued_on < ${t} OR (a.issued_on = ${t} AND a.id < ${i}))"
            ));
        }
        if let Some(t) = q.template_id {
            push(
                &mut binds,
                &mut conditions,
                "a.template_id = $?",
                Bind::I64(t),
            );
        }
        let now = Utc::now();
        match q.status {
            None => {}
            Some(BadgeStatus::Revoked) => conditions.push("a.revoked_at IS NOT NULL".into()),
            Some(BadgeStatus::Active) => push(
                &mut binds,
                &mut conditions,
                "a.revoked_at IS NULL AND (a.expires_at IS NULL OR a.expires_at > $?)",
                Bind::Time(now),
            ),
            Some(BadgeStatus::Expired) => push(
                &mut binds,
                &mut conditions,
                "a.revoked_at IS NULL AND a.expires_at <= $?",
                Bind::Time(now),
            ),
        }
        if let Some(from) = q.from {
            push(
                &mut binds,
                &mut conditions,
                "a.issued_on >= $?",
                Bind::Time(from),
            );
        }
        if let Some(until) = q.until {
            push(
                &mut binds,
                &mut conditions,
                "a.issued_on < $?",
                Bind::Time(until),
            );
        }
        let filter = conditions.join(" AND ");
        let order = match q.sort {
            RegisterSort::Newest => "a.issued_on DESC, a.id DESC",
            RegisterSort::Oldest => "a.issued_on ASC, a.id ASC",
            RegisterSort::Name => "a.recipient_name ASC, a.id ASC",
            RegisterSort::Email => "a.recipient_email ASC, a.id ASC",
        };
        let n = binds.len();
        let page_sql = format!(
            "SELECT a.id, a.slug, a.recipient_email, a.recipient_name, a.template_id, c.name AS badge_name, \
             a.issued_on, a.expires_at, a.revoked_at, a.claimed_at, a.source \
             FROM assertions a JOIN badge_classes c ON c.id = a.badge_class_id \
             WHERE {filter} ORDER BY {order} LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let count_sql = format!(
            "SELECT count(*) FROM (SELECT 1 FROM assertions a WHERE {filter} LIMIT {}) capped",
            COUNT_CAP + 1
        );
        let limit = q.limit.clamp(1, 100_000);
        let offset = q.offset.max(0);
        let (rows, total) = with_pool!(self, p => {
            let rows = bind_all!(sqlx::query_as::<_, RegisterEntry>(&page_sql), &binds)
                .bind(limit)
                .bind(offset)
                .fetch_all(p)
                .await?;
            let total = bind_all!(sqlx::query_scalar::<_, i64>(&count_sql), &binds)
                .fetch_one(p)
                .await?;
            Ok::<_, sqlx::Error>((rows, total))
        })?;
        Ok((rows, total))
    }

    /// Replaces the claim token of an assertion and queues the holder's
    /// mail (resend), in one transaction. False when there is no such badge.
    pub async fn renew_claim_token(
        &self,
        organisation_id: i64,
        slug: &str,
        claim_token_hash: &str,
        mail_job: &serde_json::Value,
    ) -> Result<bool, StoreError> {
        let now = Utc::now();
        let payload = mail_job.to_string();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let affected = sqlx::query(
                "UPDATE assertions SET claim_token_hash = $1 WHERE organisation_id = $2 AND slug = $3",
            )
            .bind(claim_token_hash)
            .bind(organisation_id)
            .bind(slug)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if affected != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            bind_job(sqlx::query(INSERT_JOB_SQL), HOLDER_MAIL_QUEUE, &payload, now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// The assertion a claim link points at, with its organisation's id.
    pub async fn assertion_by_claim_token(
        &self,
        claim_token_hash: &str,
    ) -> Result<Option<AssertionRow>, StoreError> {
        let sql = format!("SELECT {ASSERTION_COLUMNS} FROM assertions WHERE claim_token_hash = $1");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, AssertionRow>(&sql)
                .bind(claim_token_hash)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Records that the holder accepted the badge (first time only), with
    /// its `claimed` event.
    pub async fn claim_assertion(&self, claim_token_hash: &str) -> Result<bool, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let claimed = claim_in!(tx, claim_token_hash, now);
            tx.commit().await?;
            Ok(claimed)
        })
    }
}
