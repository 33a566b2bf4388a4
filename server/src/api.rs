//! The machines' REST API (`/api/v1`), authenticated by bearer tokens with
//! scopes (`laurel_service::api`), and its OpenAPI 3.1 document, generated
//! from these handlers and types by `utoipa` and served at
//! `/api/v1/openapi.json`. Like remote issuing (`crate::remote`) it reads no
//! cookie and is outside the browser's CSRF check, and every error has the
//! one shape of [`error`]: `{"error": {"code", "message", "fields"?}}`.

use axum::{
    body::{to_bytes, Body, Bytes},
    extract::{Path, Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json, Router,
};
use chrono::{DateTime, Utc};
use laurel_service::api::{self, ApiError, AwardRequest, BadgeView, Caller, OpenApiDocument};
use laurel_service::ServerContext;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use serde_json::json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;

/// The largest request body: a batch of 1,000 awards.
pub const MAX_BODY: usize = 2 * 1024 * 1024;

/// The one error shape of the machines' API.
pub fn error(
    status: StatusCode,
    code: &str,
    message: &str,
    fields: Option<serde_json::Value>,
) -> Response {
    let mut body = json!({ "error": { "code": code, "message": message } });
    if let Some(f) = fields {
        body["error"]["fields"] = f;
    }
    let mut res = (status, Json(body)).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// 429 with `Retry-After`.
pub fn too_many(seconds: i64, message: &str) -> Response {
    let mut res = error(StatusCode::TOO_MANY_REQUESTS, "rate_limited", message, None);
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    res
}

/// Why a body was not read.
#[derive(Debug)]
pub enum BodyError {
    /// Not `application/json` (415).
    NotJson,
    /// Over the limit, in bytes (413).
    TooLarge(usize),
    /// Not the request's shape; serde's sentence (400).
    Invalid(String),
}

impl IntoResponse for BodyError {
    fn into_response(self) -> Response {
        match self {
            BodyError::NotJson => error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Send the request as JSON (Content-Type: application/json).",
                None,
            ),
            BodyError::TooLarge(limit) => error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                &format!("The body can be at most {limit} bytes."),
                None,
            ),
            BodyError::Invalid(why) => error(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                &format!("The body is not a valid request: {why}."),
                None,
            ),
        }
    }
}

/// Reads a JSON body: refused unless `application/json`, or over `limit`.
/// Call it after authenticating, so nobody unknown makes the server buffer.
pub async fn json_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, BodyError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"));
    if !is_json {
        return Err(BodyError::NotJson);
    }
    to_bytes(body, limit)
        .await
        .map_err(|_| BodyError::TooLarge(limit))
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, BodyError> {
    serde_json::from_slice(body).map_err(|e| BodyError::Invalid(e.to_string()))
}

/// A refused request of the REST API.
#[derive(Debug)]
enum Failure {
    Api(ApiError),
    Body(BodyError),
    /// A query string that is not the operation's.
    Query,
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Self {
        Failure::Api(e)
    }
}

impl From<BodyError> for Failure {
    fn from(e: BodyError) -> Self {
        Failure::Body(e)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::Api(e) => refuse(e),
            Failure::Body(e) => e.into_response(),
            Failure::Query => error(
                StatusCode::BAD_REQUEST,
                "invalid",
                "A query parameter is not valid (templateId and limit are numbers).",
                None,
            ),
        }
    }
}

type Answer = Result<Response, Failure>;

/// How an [`ApiError`] is answered.
fn refuse(e: ApiError) -> Response {
    let too_many_after = match e {
        ApiError::TooMany(seconds) => Some(seconds),
        _ => None,
    };
    let unauthorized = e == ApiError::Unauthorized;
    let (status, detail) = describe(e);
    if let Some(seconds) = too_many_after {
        return too_many(seconds, &detail.message);
    }
    let mut res = error(status, &detail.code, &detail.message, None);
    if unauthorized {
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    res
}

/// The one reading of an [`ApiError`]: its status, code and sentence (for
/// a whole answer, and for one award's result in a batch).
fn describe(e: ApiError) -> (StatusCode, ErrorDetail) {
    let (status, code, message) = match e {
        ApiError::Unauthorized => (
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Send a valid API token: Authorization: Bearer laurel_…".to_owned(),
        ),
        ApiError::MissingScope(scope) => (
            StatusCode::FORBIDDEN,
            "missing_scope",
            format!("This token does not have the scope “{scope}”."),
        ),
        ApiError::Forbidden(why) => (StatusCode::FORBIDDEN, "forbidden", why),
        ApiError::NotFound => (
            StatusCode::NOT_FOUND,
            "not_found",
            "That was not found.".to_owned(),
        ),
        ApiError::Invalid(why) => (StatusCode::BAD_REQUEST, "invalid", why),
        ApiError::Conflict(why) => (StatusCode::CONFLICT, "conflict", why),
        ApiError::PaymentRequired(why) => (StatusCode::PAYMENT_REQUIRED, "payment_required", why),
        ApiError::TooMany(seconds) => (
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("Too many requests a minute with this token; try again in {seconds} s."),
        ),
        ApiError::Limited(why) => (StatusCode::TOO_MANY_REQUESTS, "limit_reached", why),
        ApiError::Unavailable(why) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable", why),
        ApiError::Internal => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Something went wrong on our side; try again in a moment.".to_owned(),
        ),
    };
    (
        status,
        ErrorDetail {
            code: code.into(),
            message,
        },
    )
}

async fn caller(ctx: &ServerContext, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    api::authenticate(ctx, authorization).await
}

fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// The error shape, for the document.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable word: `unauthorized`, `missing_scope`, `not_found`,
    /// `invalid`, `invalid_json`, `conflict`, `rate_limited`, …
    pub code: String,
    /// A sentence for a person.
    pub message: String,
}

/// A badge template.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub id: i64,
    pub external_template_id: Option<String>,
    pub name: String,
    pub description: String,
    /// The current version (every edit makes a new one).
    pub version: i32,
    pub archived: bool,
    /// Years a badge is valid from its achievement date; 0 = for ever.
    pub validity_years: i32,
    /// Badges issued from every version.
    pub issued: i64,
    /// The current version's public BadgeClass.
    pub badge_class: String,
}

#[derive(Serialize, ToSchema)]
pub struct Templates {
    pub templates: Vec<Template>,
}

/// An issued badge.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Badge {
    /// The badge's id (also in its public URLs).
    pub id: String,
    pub template_id: Option<i64>,
    pub name: String,
    pub recipient: Recipient,
    /// The achievement date (OB `issuedOn`).
    pub issued_on: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revocation_reason: Option<String>,
    /// `active`, `revoked` or `expired`.
    pub status: String,
    /// The holder has claimed it into a wallet.
    pub claimed: bool,
    /// How it was issued: `hand`, `batch`, `api` or `demo`.
    pub source: String,
    pub urls: BadgeUrls,
}

#[derive(Serialize, ToSchema)]
pub struct Recipient {
    pub email: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct BadgeUrls {
    /// The verification page (HTML for browsers; the OB 2.0 assertion for
    /// `Accept: application/ld+json`).
    pub verification: String,
    /// The hosted OB 2.0 assertion.
    pub assertion: String,
    /// The OB 3.0 credential.
    pub credential: String,
    /// The baked image.
    pub image: String,
}

fn badge_json(ctx: &ServerContext, subdomain: &str, b: BadgeView) -> Badge {
    let urls = ctx.urls(subdomain);
    Badge {
        urls: BadgeUrls {
            verification: urls.assertion(&b.slug),
            assertion: urls.assertion_json(&b.slug),
            credential: urls.credential(&b.slug),
            image: urls.baked_png(&b.slug),
        },
        id: b.slug,
        template_id: b.template_id,
        name: b.name,
        recipient: Recipient {
            email: b.recipient_email,
            name: b.recipient_name,
        },
        issued_on: b.issued_on,
        expires_at: b.expires_at,
        revoked_at: b.revoked_at,
        revocation_reason: b.revocation_reason,
        status: b.status.as_str().to_owned(),
        claimed: b.claimed,
        source: b.source,
    }
}

/// One award. Name the template by `templateId` or `externalTemplateId`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AwardIn {
    pub template_id: Option<i64>,
    pub external_template_id: Option<String>,
    /// The holder's address (the badge is issued to it).
    pub email: String,
    #[serde(default)]
    pub first_name: String,
    /// The holder's last name, or the organisation's name when
    /// `isIndividual` is false.
    pub last_name: String,
    #[serde(default)]
    pub last_name_prefix: String,
    #[serde(default = "yes")]
    pub is_individual: bool,
    /// `YYYY-MM-DD`, not in the future.
    pub achieved_on: String,
    #[serde(default)]
    pub evidence_url: String,
    #[serde(default)]
    pub evidence_narrative: String,
}

fn yes() -> bool {
    true
}

impl From<AwardIn> for AwardRequest {
    fn from(a: AwardIn) -> Self {
        AwardRequest {
            template_id: a.template_id,
            external_template_id: a.external_template_id,
            email: a.email,
            first_name: a.first_name,
            last_name: a.last_name,
            last_name_prefix: a.last_name_prefix,
            is_individual: a.is_individual,
            achieved_on: a.achieved_on,
            evidence_url: a.evidence_url,
            evidence_narrative: a.evidence_narrative,
        }
    }
}

/// What an award made: `created` is false when the same award (template,
/// holder address, achievement date) was made before; that badge is given.
#[derive(Serialize, ToSchema)]
pub struct Issued {
    pub created: bool,
    pub badge: Badge,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchIn {
    /// 1 to 1,000 awards.
    pub awards: Vec<AwardIn>,
}

/// Each award's own result, in the order sent.
#[derive(Serialize, ToSchema)]
pub struct BatchOut {
    pub results: Vec<BatchResult>,
}

#[derive(Serialize, ToSchema)]
pub struct BatchResult {
    /// The award's place in `awards`, from 0.
    pub index: usize,
    /// `issued`, `already_issued` or `refused`.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub badge: Option<Badge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDetail>,
}

/// One page of badges, newest first.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BadgePage {
    pub badges: Vec<Badge>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct BadgeQuery {
    /// Only badges of this template.
    pub template_id: Option<i64>,
    /// `active`, `revoked` or `expired`.
    pub status: Option<String>,
    /// Only badges issued to this address.
    pub recipient: Option<String>,
    /// Achievement date on or after (`YYYY-MM-DD`).
    pub issued_from: Option<String>,
    /// Achievement date on or before (`YYYY-MM-DD`).
    pub issued_until: Option<String>,
    /// 1 to 200; 50 when absent.
    pub limit: Option<i64>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeIn {
    /// Why (holders and verifiers see it); at most 500 characters.
    pub reason: String,
}

/// The organisation's badge templates, archived ones too.
#[utoipa::path(get, path = "/api/v1/templates", tag = "templates",
    security(("token" = ["templates:read"])),
    responses(
        (status = 200, body = Templates),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 429, body = ErrorBody),
    ))]
async fn list_templates(State(ctx): State<ServerContext>, headers: HeaderMap) -> Answer {
    let caller = caller(&ctx, &headers).await?;
    let urls = ctx.urls(&caller.organisation.subdomain);
    let templates = api::templates(&ctx, &caller)
        .await?
        .into_iter()
        .map(|t| Template {
            id: t.id,
            badge_class: urls.badge(&t.class_slug),
            external_template_id: t.external_id,
            name: t.name,
            description: t.description,
            version: t.current_version,
            archived: t.archived_at.is_some(),
            validity_years: t.validity_years,
            issued: t.issued,
        })
        .collect();
    Ok(no_store(Json(Templates { templates }).into_response()))
}

/// Badges with filters, newest first, a page at a time.
#[utoipa::path(get, path = "/api/v1/badges", tag = "badges", params(BadgeQuery),
    security(("token" = ["badges:read"])),
    responses(
        (status = 200, body = BadgePage),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
async fn list_badges(
    State(ctx): State<ServerContext>,
    headers: HeaderMap,
    query: Result<Query<BadgeQuery>, axum::extract::rejection::QueryRejection>,
) -> Answer {
    let caller = caller(&ctx, &headers).await?;
    let Query(q) = query.map_err(|_| Failure::Query)?;
    let filter = api::BadgeFilter {
        template_id: q.template_id,
        status: q.status.as_deref(),
        recipient: q.recipient.as_deref(),
        issued_from: q.issued_from.as_deref(),
        issued_until: q.issued_until.as_deref(),
        limit: q.limit,
        cursor: q.cursor.as_deref(),
    };
    let (badges, next_cursor) = api::list_badges(&ctx, &caller, filter).await?;
    let sub = &caller.organisation.subdomain;
    let badges = badges
        .into_iter()
        .map(|b| badge_json(&ctx, sub, b))
        .collect();
    Ok(no_store(
        Json(BadgePage {
            badges,
            next_cursor,
        })
        .into_response(),
    ))
}

/// One badge.
#[utoipa::path(get, path = "/api/v1/badges/{id}", tag = "badges",
    params(("id" = String, Path, description = "The badge's id")),
    security(("token" = ["badges:read"])),
    responses(
        (status = 200, body = Badge),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 429, body = ErrorBody),
    ))]
async fn get_badge(
    State(ctx): State<ServerContext>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Answer {
    let caller = caller(&ctx, &headers).await?;
    let badge = api::get_badge(&ctx, &caller, &id).await?;
    Ok(no_store(
        Json(badge_json(&ctx, &caller.organisation.subdomain, badge)).into_response(),
    ))
}

/// Issues one badge. The same award again (template, holder address,
/// achievement date) returns the first badge with 200, never a second.
#[utoipa::path(post, path = "/api/v1/badges", tag = "badges", request_body = AwardIn,
    security(("token" = ["badges:issue"])),
    responses(
        (status = 201, body = Issued), (status = 200, body = Issued),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 402, body = ErrorBody, description = "Billing refuses issuing: no plan, the trial's badges used up, or an invoice unpaid past its grace period"),
        (status = 404, body = ErrorBody, description = "No active template with that id"),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 429, body = ErrorBody),
    ))]
async fn issue_badge(State(ctx): State<ServerContext>, headers: HeaderMap, body: Body) -> Answer {
    let caller = caller(&ctx, &headers).await?;
    let award: AwardIn = parse(&json_body(&headers, body, MAX_BODY).await?)?;
    let r = api::issue(&ctx, &caller, &award.into()).await?;
    let status = if r.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let badge = badge_json(&ctx, &caller.organisation.subdomain, r.badge);
    let location = HeaderValue::from_str(&badge.urls.verification).ok();
    let mut res = no_store(
        (
            status,
            Json(Issued {
                created: r.created,
                badge,
            }),
        )
            .into_response(),
    );
    if let Some(l) = location {
        res.headers_mut().insert(header::LOCATION, l);
    }
    Ok(res)
}

/// Issues up to 1,000 badges; each award has its own result.
#[utoipa::path(post, path = "/api/v1/badges/batch", tag = "badges", request_body = BatchIn,
    security(("token" = ["badges:issue"])),
    responses(
        (status = 200, body = BatchOut),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 429, body = ErrorBody),
    ))]
async fn issue_batch(State(ctx): State<ServerContext>, headers: HeaderMap, body: Body) -> Answer {
    let caller = caller(&ctx, &headers).await?;
    let batch: BatchIn = parse(&json_body(&headers, body, MAX_BODY).await?)?;
    let requests: Vec<AwardRequest> = batch.awards.into_iter().map(Into::into).collect();
    let sub = &caller.organisation.subdomain;
    let results = api::issue_many(&ctx, &caller, &requests)
        .await?
        .into_iter()
        .enumerate()
        .map(|(index, r)| match r {
            Ok(r) => BatchResult {
                index,
                status: if r.created {
                    "issued"
                } else {
                    "already_issued"
                }
                .into(),
                badge: Some(badge_json(&ctx, sub, r.badge)),
                error: None,
            },
            Err(e) => BatchResult {
                index,
                status: "refused".into(),
                badge: None,
                error: Some(describe(e).1),
            },
        })
        .collect();
    Ok(no_store(Json(BatchOut { results }).into_response()))
}

/// Revokes a badge with a reason.
#[utoipa::path(post, path = "/api/v1/badges/{id}/revoke", tag = "badges", request_body = RevokeIn,
    params(("id" = String, Path, description = "The badge's id")),
    security(("token" = ["badges:revoke"])),
    responses(
        (status = 200, body = Badge),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "Already revoked"),
        (status = 415, body = ErrorBody), (status = 429, body = ErrorBody),
    ))]
async fn revoke_badge(
    State(ctx): State<ServerContext>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Answer {
    let caller = caller(&ctx, &headers).await?;
    let revoke: RevokeIn = parse(&json_body(&headers, body, MAX_BODY).await?)?;
    let badge = api::revoke_badge(&ctx, &caller, &id, &revoke.reason).await?;
    Ok(no_store(
        Json(badge_json(&ctx, &caller.organisation.subdomain, badge)).into_response(),
    ))
}

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("laurel_…")
                    .description(Some(
                        "An API token from Settings → API tokens, with the scopes the operation names.",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Laurel API",
        description = "Issue, list and revoke Open Badges from your own systems. Every error has the shape {\"error\": {\"code\", \"message\"}}.",
    ),
    modifiers(&BearerToken),
    tags(
        (name = "templates", description = "Badge templates"),
        (name = "badges", description = "Issued badges"),
    )
)]
struct ApiDoc;

/// The routes and their OpenAPI document.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(list_templates))
        .routes(routes!(list_badges, issue_badge))
        .routes(routes!(issue_batch))
        .routes(routes!(get_badge))
        .routes(routes!(revoke_badge))
        .split_for_parts()
}

/// The routes, with the document served at `OPENAPI_PATH`, and the
/// document (for the reference page).
pub fn routes() -> (Router<AppState>, OpenApiDocument) {
    let (router, doc) = api();
    let doc = OpenApiDocument(std::sync::Arc::new(
        serde_json::to_value(doc).expect("the document serialises"),
    ));
    let served = doc.clone();
    let router = router.route(
        laurel_service::urls::OPENAPI_PATH,
        axum::routing::get(move || {
            let doc = served.0.clone();
            async move { Json((*doc).clone()) }
        }),
    );
    (router, doc)
}
