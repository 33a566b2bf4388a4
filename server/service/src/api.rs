//! The REST API for machines (`/api/v1`, routes in the server's `api`
//! module): who is calling, with which scopes, and the operations. A token
//! is `laurel_` + 43 random base64url characters; only its SHA-256 is kept
//! ([`accounts::token_hash`]). Every operation is the organisation's own:
//! each store call names the token's organisation, so another
//! organisation's badge is "not found", never "forbidden".
//!
//! Awards go through [`Issuer::issue`] like every other path, so signing,
//! idempotency (template, holder address, achievement date), usage counting
//! and the holder's mail hold for the API too.

use chrono::{DateTime, NaiveDate, Utc};
use laurel::award::{parse_award, AwardInput};
use laurel::{ApiScope, ApiScopes, BadgeStatus, RegisterSort};
use laurel_store::{
    ApiToken, AssertionRow, IssueOutcome, NewApiToken, Organisation, RegisterEntry, RegisterQuery,
};

use crate::issuing::{Issuer, Source};
use crate::{accounts, ServerContext, ServiceError};

/// Awards in one `POST /api/v1/badges/batch`.
pub const MAX_BATCH: usize = 1000;
/// Badges in one page of `GET /api/v1/badges`.
pub const MAX_PAGE: i64 = 200;
/// What every token starts with (so secret scanners can find leaked ones).
pub const TOKEN_PREFIX: &str = "laurel_";
/// How much of a token the portal shows to tell tokens apart.
const SHOWN_PREFIX: usize = TOKEN_PREFIX.len() + 6;

/// The REST API's OpenAPI document, which the server generates from its
/// handlers and hands to the pages (the human-readable reference).
#[derive(Debug, Clone)]
pub struct OpenApiDocument(pub std::sync::Arc<serde_json::Value>);

/// Why a request is refused. The server maps each to its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// No token, an unknown, revoked or expired one (401; the same answer
    /// for each).
    Unauthorized,
    /// The token lacks this scope (403).
    MissingScope(ApiScope),
    /// The organisation may not issue (403).
    Forbidden(String),
    /// Not the organisation's, or no such thing (404).
    NotFound,
    /// The input is wrong; the text says how (400).
    Invalid(String),
    /// Over [`ServerContext::api_per_minute`]; try again after this many seconds (429).
    TooMany(i64),
    /// A state that forbids it, e.g. already revoked (409).
    Conflict(String),
    /// Billing refuses issuing: no plan, the trial's quota, an overdue
    /// invoice; the text says which (402).
    PaymentRequired(String),
    /// A limit other than the token's rate: a new organisation's daily
    /// sending limit; the text says which and until when (429).
    Limited(String),
    /// The database is unavailable; nothing was saved (503).
    Unavailable(String),
    Internal,
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(m) => ApiError::Invalid(m),
            ServiceError::Conflict(m) => ApiError::Conflict(m),
            ServiceError::NotFound => ApiError::NotFound,
            ServiceError::Forbidden => {
                ApiError::Forbidden("This organisation may not issue badges.".into())
            }
            ServiceError::TooMany(m) => ApiError::Limited(m),
            ServiceError::PaymentRequired(m) => ApiError::PaymentRequired(m),
            ServiceError::Unavailable(m) => ApiError::Unavailable(m),
            ServiceError::Internal => ApiError::Internal,
        }
    }
}

impl From<laurel_store::StoreError> for ApiError {
    fn from(e: laurel_store::StoreError) -> Self {
        ServiceError::from(e).into()
    }
}

/// An authenticated request: the token and its organisation.
#[derive(Debug, Clone)]
pub struct Caller {
    pub organisation: Organisation,
    pub token: ApiToken,
}

impl Caller {
    /// Refuses unless the token has `scope`.
    pub fn require(&self, scope: ApiScope) -> Result<(), ApiError> {
        if self.token.scopes.contains(scope) {
            Ok(())
        } else {
            Err(ApiError::MissingScope(scope))
        }
    }
}

/// Finds the caller from an `Authorization: Bearer …` header and counts the
/// request against the token's rate limit.
pub async fn authenticate(
    ctx: &ServerContext,
    authorization: Option<&str>,
) -> Result<Caller, ApiError> {
    let token = authorization
        .and_then(|h| {
            let (scheme, token) = h.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| t.starts_with(TOKEN_PREFIX))
        .ok_or(ApiError::Unauthorized)?;
    let row = ctx
        .store
        .api_token_by_hash(&accounts::token_hash(token))
        .await?
        .filter(|t| t.usable_at(Utc::now()))
        .ok_or(ApiError::Unauthorized)?;
    let organisation = ctx
        .store
        .organisation_by_id(row.organisation_id)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    accounts::rate_limit(
        &ctx.store,
        &format!("api-token:{}", row.id),
        ctx.api_per_minute,
        60,
    )
    .await
    .map_err(|e| match e {
        // The token's rate: 429 `rate_limited` with `Retry-After`.
        ServiceError::TooMany(_) => ApiError::TooMany(60),
        e => e.into(),
    })?;
    Ok(Caller {
        organisation,
        token: row,
    })
}

/// What a privileged member asks for when making a token.
#[derive(Debug, Clone)]
pub struct TokenRequest<'a> {
    pub name: &'a str,
    /// Space-separated [`ApiScope`] words.
    pub scopes: &'a ApiScopes,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Makes a token: returns its text (shown once, never again) and its row.
pub async fn create_token(
    ctx: &ServerContext,
    organisation_id: i64,
    user_id: i64,
    ip: &str,
    request: TokenRequest<'_>,
) -> Result<(String, ApiToken), ServiceError> {
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ServiceError::Invalid(
            "Give the token a name of 1 to 100 characters (what uses it).".into(),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(ServiceError::Invalid(
            "The name contains a control character.".into(),
        ));
    }
    if request.scopes.is_empty() {
        return Err(ServiceError::Invalid(
            "Choose at least one scope: what the token may do.".into(),
        ));
    }
    if request.expires_at.is_some_and(|e| e <= Utc::now()) {
        return Err(ServiceError::Invalid(
            "The expiry date must be in the future.".into(),
        ));
    }
    let (random, _) = accounts::new_token();
    let token = format!("{TOKEN_PREFIX}{random}");
    let row = ctx
        .store
        .create_api_token(NewApiToken {
            organisation_id,
            name,
            token_hash: &accounts::token_hash(&token),
            prefix: &token[..SHOWN_PREFIX],
            scopes: request.scopes,
            expires_at: request.expires_at,
            created_by: user_id,
            ip,
        })
        .await?;
    Ok((token, row))
}

/// A new token sealed for the one page load that shows it to `user_id`
/// (base64url; the portal carries it in a short-lived cookie).
pub fn seal_new_token(master: &laurel::crypto::MasterKey, user_id: i64, token: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(master.seal(token.as_bytes(), &format!("api-token-flash:{user_id}")))
}

/// Opens what [`seal_new_token`] made for this user; `None` for anything else.
pub fn open_new_token(
    master: &laurel::crypto::MasterKey,
    user_id: i64,
    sealed: &str,
) -> Option<String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(sealed)
        .ok()?;
    let plain = master
        .open(&bytes, &format!("api-token-flash:{user_id}"))
        .ok()?;
    String::from_utf8(plain).ok()
}

/// A badge as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadgeView {
    pub id: i64,
    pub slug: String,
    pub template_id: Option<i64>,
    pub name: String,
    pub recipient_email: String,
    pub recipient_name: String,
    pub issued_on: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revocation_reason: Option<String>,
    pub claimed: bool,
    pub status: BadgeStatus,
    pub source: String,
}

impl BadgeView {
    fn from_entry(e: RegisterEntry, now: DateTime<Utc>) -> Self {
        Self {
            id: e.id,
            status: BadgeStatus::at(e.revoked_at, e.expires_at, now),
            slug: e.slug,
            template_id: e.template_id,
            name: e.badge_name,
            recipient_email: e.recipient_email,
            recipient_name: e.recipient_name,
            issued_on: e.issued_on,
            expires_at: e.expires_at,
            revoked_at: e.revoked_at,
            revocation_reason: None,
            claimed: e.claimed_at.is_some(),
            source: e.source,
        }
    }

    fn from_row(a: AssertionRow, name: String, now: DateTime<Utc>) -> Self {
        Self {
            id: a.id,
            status: BadgeStatus::at(a.revoked_at, a.expires_at, now),
            slug: a.slug,
            template_id: a.template_id,
            name,
            recipient_email: a.recipient_email,
            recipient_name: a.recipient_name,
            issued_on: a.issued_on,
            expires_at: a.expires_at,
            revoked_at: a.revoked_at,
            revocation_reason: a.revocation_reason,
            claimed: a.claimed_at.is_some(),
            source: a.source,
        }
    }
}

/// Filters of `GET /api/v1/badges` (as given; checked here).
#[derive(Debug, Clone, Default)]
pub struct BadgeFilter<'a> {
    pub template_id: Option<i64>,
    pub status: Option<&'a str>,
    pub recipient: Option<&'a str>,
    /// `YYYY-MM-DD`, inclusive.
    pub issued_from: Option<&'a str>,
    /// `YYYY-MM-DD`, inclusive.
    pub issued_until: Option<&'a str>,
    pub limit: Option<i64>,
    pub cursor: Option<&'a str>,
}

/// One page of badges, newest first, and the cursor of the next (none on
/// the last page).
pub async fn list_badges(
    ctx: &ServerContext,
    caller: &Caller,
    f: BadgeFilter<'_>,
) -> Result<(Vec<BadgeView>, Option<String>), ApiError> {
    caller.require(ApiScope::BadgesRead)?;
    let day = |text: Option<&str>, field: &str| -> Result<Option<DateTime<Utc>>, ApiError> {
        text.map(|t| {
            NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
                .map_err(|_| ApiError::Invalid(format!("“{field}” must be a date, YYYY-MM-DD.")))
        })
        .transpose()
    };
    let status = f
        .status
        .map(|s| s.parse::<BadgeStatus>())
        .transpose()
        .map_err(|e| ApiError::Invalid(e.to_string()))?;
    let limit = f.limit.unwrap_or(50);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::Invalid(format!(
            "“limit” must be 1 to {MAX_PAGE}."
        )));
    }
    let after = f.cursor.map(parse_cursor).transpose()?;
    let q = RegisterQuery {
        template_id: f.template_id,
        status,
        recipient: f.recipient.map(|r| r.trim().to_lowercase()),
        from: day(f.issued_from, "issuedFrom")?,
        until: day(f.issued_until, "issuedUntil")?.map(|d| d + chrono::Duration::days(1)),
        sort: RegisterSort::Newest,
        offset: 0,
        // One more than asked: whether there is a next page.
        limit: limit + 1,
        after,
        search: None,
    };
    let (mut rows, _) = ctx.store.register(caller.organisation.id, &q).await?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|e| cursor(e.issued_on, e.id))
    } else {
        None
    };
    let now = Utc::now();
    Ok((
        rows.into_iter()
            .map(|e| BadgeView::from_entry(e, now))
            .collect(),
        next,
    ))
}

/// A page cursor: where the previous page ended, `<micros>.<id>`, opaque
/// to clients.
fn cursor(issued_on: DateTime<Utc>, id: i64) -> String {
    format!("{}.{id}", issued_on.timestamp_micros())
}

fn parse_cursor(text: &str) -> Result<(DateTime<Utc>, i64), ApiError> {
    let bad = || ApiError::Invalid("“cursor” is not one this API gave out.".into());
    let (micros, id) = text.split_once('.').ok_or_else(bad)?;
    let micros: i64 = micros.parse().map_err(|_| bad())?;
    let id: i64 = id.parse().map_err(|_| bad())?;
    Ok((DateTime::from_timestamp_micros(micros).ok_or_else(bad)?, id))
}

/// One badge of the caller's organisation, by its id (the slug).
pub async fn get_badge(
    ctx: &ServerContext,
    caller: &Caller,
    slug: &str,
) -> Result<BadgeView, ApiError> {
    caller.require(ApiScope::BadgesRead)?;
    badge(ctx, caller.organisation.id, slug).await
}

async fn badge(
    ctx: &ServerContext,
    organisation_id: i64,
    slug: &str,
) -> Result<BadgeView, ApiError> {
    let a = ctx
        .store
        .assertion_by_slug(organisation_id, slug)
        .await?
        .ok_or(ApiError::NotFound)?;
    let class = ctx
        .store
        .badge_class_by_id(a.badge_class_id)
        .await?
        .ok_or(ApiError::Internal)?;
    Ok(BadgeView::from_row(a, class.name, Utc::now()))
}

/// Revokes one of the caller's badges with a reason.
pub async fn revoke_badge(
    ctx: &ServerContext,
    caller: &Caller,
    slug: &str,
    reason: &str,
) -> Result<BadgeView, ApiError> {
    caller.require(ApiScope::BadgesRevoke)?;
    crate::issuing::revoke(
        ctx,
        caller.organisation.id,
        slug,
        reason,
        None,
        &format!("api token {}", caller.token.prefix),
    )
    .await?;
    badge(ctx, caller.organisation.id, slug).await
}

/// One award as the API takes it (the fields of a CSV row, in JSON).
#[derive(Debug, Clone, Default)]
pub struct AwardRequest {
    /// The template's id, or…
    pub template_id: Option<i64>,
    /// …its external ID.
    pub external_template_id: Option<String>,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub last_name_prefix: String,
    pub is_individual: bool,
    /// `YYYY-MM-DD`.
    pub achieved_on: String,
    pub evidence_url: String,
    pub evidence_narrative: String,
}

/// What one award made.
#[derive(Debug, Clone)]
pub struct AwardResult {
    /// False when the same award was made before (that badge is returned).
    pub created: bool,
    pub badge: BadgeView,
}

/// Issues one award through [`Issuer::issue`].
pub async fn issue(
    ctx: &ServerContext,
    caller: &Caller,
    request: &AwardRequest,
) -> Result<AwardResult, ApiError> {
    caller.require(ApiScope::BadgesIssue)?;
    let issuer = Issuer::of(ctx, &caller.organisation).await?;
    issue_with(ctx, caller, &issuer, request).await
}

/// Issues up to [`MAX_BATCH`] awards, each on its own: one's refusal does
/// not stop the others. The results are in the order of the requests.
pub async fn issue_many(
    ctx: &ServerContext,
    caller: &Caller,
    requests: &[AwardRequest],
) -> Result<Vec<Result<AwardResult, ApiError>>, ApiError> {
    caller.require(ApiScope::BadgesIssue)?;
    if requests.is_empty() || requests.len() > MAX_BATCH {
        return Err(ApiError::Invalid(format!(
            "Send 1 to {MAX_BATCH} awards in “awards”."
        )));
    }
    let issuer = Issuer::of(ctx, &caller.organisation).await?;
    let mut results = Vec::with_capacity(requests.len());
    for request in requests {
        let result = issue_with(ctx, caller, &issuer, request).await;
        if matches!(
            result,
            Err(ApiError::Internal | ApiError::Forbidden(_) | ApiError::Unavailable(_))
        ) {
            // Not the award's fault: the rest would fail the same way.
            return result.map(|_| Vec::new());
        }
        results.push(result);
    }
    Ok(results)
}

async fn issue_with(
    ctx: &ServerContext,
    caller: &Caller,
    issuer: &Issuer<'_>,
    r: &AwardRequest,
) -> Result<AwardResult, ApiError> {
    let org = caller.organisation.id;
    let found = match (r.template_id, r.external_template_id.as_deref()) {
        (Some(id), None) => ctx.store.template(org, id).await?,
        (None, Some(external)) => ctx.store.template_by_external_id(org, external).await?,
        _ => {
            return Err(ApiError::Invalid(
                "Name the template by “templateId” or by “externalTemplateId” (one of them)."
                    .into(),
            ))
        }
    };
    let Some((template, class)) = found.filter(|(t, _)| t.archived_at.is_none()) else {
        return Err(ApiError::NotFound);
    };
    let is_individual = if r.is_individual { "true" } else { "false" };
    let award = parse_award(
        &AwardInput {
            email: &r.email,
            first_name: &r.first_name,
            last_name: &r.last_name,
            last_name_prefix: &r.last_name_prefix,
            is_individual,
            achieved_on: &r.achieved_on,
            evidence_url: &r.evidence_url,
            evidence_narrative: &r.evidence_narrative,
            template: "",
        },
        Utc::now().date_naive(),
    )
    .map_err(|problems| ApiError::Invalid(problems.join(" ")))?;
    let outcome = issuer
        .issue(Some(template.id), &class, &award, Source::Api)
        .await?;
    let created = matches!(outcome, IssueOutcome::Issued(_));
    let assertion = match outcome {
        IssueOutcome::Issued(a) | IssueOutcome::AlreadyIssued(a) => a,
    };
    Ok(AwardResult {
        created,
        badge: BadgeView::from_row(assertion, class.name.clone(), Utc::now()),
    })
}

/// The organisation's templates (archived ones too, marked).
pub async fn templates(
    ctx: &ServerContext,
    caller: &Caller,
) -> Result<Vec<laurel_store::TemplateSummary>, ApiError> {
    caller.require(ApiScope::TemplatesRead)?;
    Ok(ctx.store.templates(caller.organisation.id, true).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_bad_ones_are_refused() {
        let t = DateTime::from_timestamp_micros(1_764_547_200_123_456).unwrap();
        assert_eq!(parse_cursor(&cursor(t, 42)).unwrap(), (t, 42));
        for bad in ["", "x", "1.", ".1", "1.x", "99999999999999999999.1"] {
            assert!(parse_cursor(bad).is_err(), "{bad}");
        }
    }
}
