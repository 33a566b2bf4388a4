//! The public Open Badges endpoints. Stable URLs under `/o/{subdomain}/`,
//! negotiated: JSON-LD for machines, the server-rendered page for browsers.
//! A revoked assertion answers `410 Gone` with `revoked` and its reason.

use std::sync::Arc;

use axum::{
    body::Body,
    extract::{Path, Query, Request, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Router,
};
use laurel::Subdomain;
use laurel_service::{documents, hosted, ServerContext};
use laurel_store::{AssertionRow, BadgeClassRow, IssuerKeyRow, Organisation};
use serde::Serialize;

use crate::state::AppState;

/// Renders a Leptos page for the request (the browser side of negotiation).
pub type PageRenderer = Arc<
    dyn Fn(Request) -> std::pin::Pin<Box<dyn std::future::Future<Output = Response> + Send>>
        + Send
        + Sync,
>;

/// Long-lived, never-changing documents (a badge class version, a key).
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Documents that change when something is revoked or a key rotates.
const SHORT: &str = "public, max-age=60, must-revalidate";
/// Signed once, but served only while the organisation exists.
const SIGNED: &str = "public, max-age=86400";

pub fn routes(page: PageRenderer) -> Router<AppState> {
    let assertion_page = page.clone();
    Router::new()
        .route("/oembed", get(oembed))
        .route("/sitemap.xml", get(sitemap))
        .route("/robots.txt", get(robots))
        .route("/u/{handle}/photo", get(holder_photo))
        .route("/o/{sub}/issuer", get(issuer))
        .route("/o/{sub}/image", get(organisation_image))
        .route("/o/{sub}/keys", get(jwks))
        .route("/o/{sub}/keys/{kid}", get(key))
        .route("/o/{sub}/revocations", get(revocations))
        .route("/o/{sub}/revocations/ob3", get(revocations_ob3))
        .route("/o/{sub}/badges/{slug}", get(badge_class))
        .route("/o/{sub}/badges/{slug}/image", get(badge_image))
        .route("/o/{sub}/badges/{slug}/share/{file}", get(share_image))
        .route(
            "/o/{sub}/assertions/{file}",
            get(move |state, path, request| {
                assertion(state, path, request, assertion_page.clone())
            }),
        )
        .route("/o/{sub}/assertions/{slug}/credential", get(credential))
        .route("/o/{sub}/assertions/{slug}/share/{channel}", get(share))
        .route("/o/{sub}/assertions/{slug}/badge.png", get(baked_png))
        .route("/o/{sub}/assertions/{slug}/badge.svg", get(baked_svg))
}

/// What an endpoint answers when something is not there or failed.
enum Problem {
    NotFound,
    /// The database is unavailable (503, with a `Retry-After`).
    Unavailable,
    Internal,
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let (status, text) = match self {
            Problem::NotFound => (StatusCode::NOT_FOUND, "not found"),
            Problem::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Problem::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal error"),
        };
        let mut res = (status, axum::Json(serde_json::json!({"error": text}))).into_response();
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        res
    }
}

impl<E: std::fmt::Display> From<E> for Problem
where
    E: Into<laurel_service::ServiceError>,
{
    fn from(e: E) -> Self {
        match e.into() {
            laurel_service::ServiceError::Unavailable(_) => Problem::Unavailable,
            e => {
                tracing::error!(error = %e, "badge endpoint failed");
                Problem::Internal
            }
        }
    }
}

type Answer = Result<Response, Problem>;

async fn organisation(ctx: &ServerContext, sub: &str) -> Result<Organisation, Problem> {
    let sub = Subdomain::parse(sub).map_err(|_| Problem::NotFound)?;
    ctx.store
        .organisation_by_subdomain(&sub)
        .await?
        .ok_or(Problem::NotFound)
}

async fn class_of(
    ctx: &ServerContext,
    org: &Organisation,
    slug: &str,
) -> Result<BadgeClassRow, Problem> {
    ctx.store
        .badge_class_by_slug(org.id, slug)
        .await?
        .ok_or(Problem::NotFound)
}

async fn assertion_of(
    ctx: &ServerContext,
    org: &Organisation,
    slug: &str,
) -> Result<(AssertionRow, BadgeClassRow), Problem> {
    let a = ctx
        .store
        .assertion_by_slug(org.id, slug)
        .await?
        .ok_or(Problem::NotFound)?;
    let class = ctx
        .store
        .badge_class_by_id(a.badge_class_id)
        .await?
        .ok_or(Problem::Internal)?;
    Ok((a, class))
}

/// True when the client prefers HTML over JSON (a browser).
pub fn wants_html(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let quality = |wanted: &[&str]| -> f32 {
        accept
            .split(',')
            .filter_map(|part| {
                let mut fields = part.split(';');
                let media = fields.next()?.trim().to_ascii_lowercase();
                if !wanted.contains(&media.as_str()) {
                    return None;
                }
                let q = fields
                    .filter_map(|f| f.trim().strip_prefix("q="))
                    .find_map(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some(q)
            })
            .fold(0.0, f32::max)
    };
    let html = quality(&["text/html", "application/xhtml+xml"]);
    let json = quality(&["application/ld+json", "application/json"]);
    html > 0.0 && html > json
}

fn json_type(headers: &HeaderMap) -> &'static str {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains("application/ld+json") {
        "application/ld+json"
    } else {
        "application/json"
    }
}

/// A cacheable answer: strong ETag from the body, 304 on a match.
fn cached(
    request: &HeaderMap,
    status: StatusCode,
    content_type: &str,
    cache: &'static str,
    body: Vec<u8>,
) -> Response {
    let etag = hosted::etag(&body);
    tagged(
        request,
        status,
        content_type,
        cache,
        &etag,
        Body::from(body),
    )
}

/// [`cached`] with the ETag already known (a hosted document from the cache).
fn tagged(
    request: &HeaderMap,
    status: StatusCode,
    content_type: &str,
    cache: &'static str,
    etag: &str,
    body: Body,
) -> Response {
    let matches = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut builder = Response::builder()
        .header(header::ETAG, etag)
        .header(header::CACHE_CONTROL, cache)
        .header(header::VARY, "Accept")
        // Open Badges documents are meant to be read by verifiers anywhere.
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    if matches && status == StatusCode::OK {
        builder = builder.status(StatusCode::NOT_MODIFIED);
        return builder.body(Body::empty()).expect("valid response");
    }
    builder
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
        .expect("valid response")
}

fn json<T: Serialize>(
    request: &HeaderMap,
    status: StatusCode,
    cache: &'static str,
    doc: &T,
) -> Answer {
    let body = serde_json::to_vec_pretty(doc).map_err(|_| Problem::Internal)?;
    Ok(cached(request, status, json_type(request), cache, body))
}

async fn issuer(
    State(ctx): State<ServerContext>,
    Path(sub): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let org = organisation(&ctx, &sub).await?;
    let urls = ctx.urls(&org.subdomain);
    if wants_html(&headers) {
        return Ok(Redirect::to(&urls.home()).into_response());
    }
    let keys = published_keys(&ctx, &org).await?;
    let profile = ctx.store.organisation_profile(org.id).await?;
    json(
        &headers,
        StatusCode::OK,
        SHORT,
        &documents::issuer_profile(&org, profile.as_ref(), &urls, &keys),
    )
}

/// The organisation's keys, creating its first one if it has none yet, so a
/// profile always names a key to verify against.
async fn published_keys(
    ctx: &ServerContext,
    org: &Organisation,
) -> Result<Vec<IssuerKeyRow>, Problem> {
    let keys = ctx.store.issuer_keys(org.id).await?;
    if !keys.is_empty() {
        return Ok(keys);
    }
    laurel_service::issuing::active_key(&ctx.store, &ctx.master_key, org.id).await?;
    Ok(ctx.store.issuer_keys(org.id).await?)
}

async fn organisation_image(
    State(ctx): State<ServerContext>,
    Path(sub): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let org = organisation(&ctx, &sub).await?;
    let (content_type, bytes) = ctx
        .store
        .organisation_image(org.id)
        .await?
        .ok_or(Problem::NotFound)?;
    let mut res = image_response(&headers, &content_type, bytes);
    // Replaceable at the same URL: revalidate instead of caching for a year.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(SHORT));
    Ok(res)
}

/// A holder's profile photo: to visitors while the profile is on, and
/// always to its owner (their wallet shows it before the profile is on).
/// Anyone else gets 404, as for everything under a profile that is off.
async fn holder_photo(
    State(ctx): State<ServerContext>,
    Path(handle): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let handle = laurel::Handle::parse(&handle).map_err(|_| Problem::NotFound)?;
    let (owner, public, content_type, bytes) = ctx
        .store
        .holder_image_by_handle(handle.as_str())
        .await?
        .ok_or(Problem::NotFound)?;
    let cache = if public {
        SHORT
    } else {
        let viewer = match laurel_app::ssr::auth::session_token_in(&headers, ctx.https()) {
            Some(token) => ctx
                .store
                .session_user(&laurel_service::accounts::token_hash(&token))
                .await?
                .map(|u| u.user_id),
            None => None,
        };
        if viewer != Some(owner) {
            return Err(Problem::NotFound);
        }
        "private, no-store"
    };
    let mut res = image_response(&headers, &content_type, bytes);
    // Replaceable at the same URL: revalidate instead of caching for a year.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(res)
}

/// The public pages a search engine may list (`laurel_service::sitemap`).
async fn sitemap(State(ctx): State<ServerContext>, headers: HeaderMap) -> Answer {
    let body = laurel_service::sitemap::xml(&ctx).await?;
    Ok(cached(
        &headers,
        StatusCode::OK,
        "application/xml; charset=utf-8",
        SHORT,
        body,
    ))
}

/// Crawlers: the private areas are not for them; the sitemap is.
async fn robots(State(ctx): State<ServerContext>, headers: HeaderMap) -> Answer {
    let body = format!(
        "User-agent: *\nDisallow: /portal\nDisallow: /wallet\nDisallow: /account\n\
         Disallow: /api/\nDisallow: /verify/report/\nSitemap: {}\n",
        ctx.site().sitemap()
    );
    Ok(cached(
        &headers,
        StatusCode::OK,
        "text/plain; charset=utf-8",
        SHORT,
        body.into_bytes(),
    ))
}

async fn jwks(
    State(ctx): State<ServerContext>,
    Path(sub): Path<String>,
    headers: HeaderMap,
) -> Answer {
    let org = organisation(&ctx, &sub).await?;
    let urls = ctx.urls(&org.subdomain);
    let mut keys = Vec::new();
    for row in published_keys(&ctx, &org).await? {
        let public =
            laurel::crypto::PublicKey::from_pem(&row.public_pem).map_err(|_| Problem::Internal)?;
        keys.push(public.to_jwk(&urls.key(&row.kid)));
    }
    let body = serde_json::to_vec_pretty(&serde_json::json!({ "keys": keys }))
        .map_err(|_| Problem::Internal)?;
    Ok(cached(
        &headers,
        StatusCode::OK,
        "application/jwk-set+json",
        SHORT,
        body,
    ))
}

async fn key(
    State(ctx): State<ServerContext>,
    Path((sub, kid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    let org = organisation(&ctx, &sub).await?;
    let urls = ctx.urls(&org.subdomain);
    let row = ctx
        .store
        .issuer_key_by_kid(org.id, &kid)
        .await?
        .ok_or(Problem::NotFound)?;
    json(
        &headers,
        StatusCode::OK,
        IMMUTABLE,
        &documents::cryptographic_key(&urls, &row),
    )
}

/// `(assertion slug, revocation reason)`, as the store lists them.
type Revoked = (String, Option<String>);

/// An organisation's revocation list, as `document` lays it out (OB 2.0
/// `RevocationList` or OB 3.0 `1EdTechRevocationList`).
async fn revocation_document<T: Serialize>(
    ctx: &ServerContext,
    sub: &str,
    headers: &HeaderMap,
    document: fn(&laurel_service::urls::OrgUrls, &[Revoked]) -> T,
) -> Answer {
    let org = organisation(ctx, sub).await?;
    let revoked = ctx.store.revoked_assertions(org.id).await?;
    json(
        headers,
        StatusCode::OK,
        SHORT,
        &document(&ctx.urls(&org.subdomain), &revoked),
    )
}

async fn revocations(
    State(ctx): State<ServerContext>,
    Path(sub): Path<String>,
    headers: HeaderMap,
) -> Answer {
    revocation_document(&ctx, &sub, &headers, documents::revocation_list).await
}

async fn revocations_ob3(
    State(ctx): State<ServerContext>,
    Path(sub): Path<String>,
    headers: HeaderMap,
) -> Answer {
    revocation_document(&ctx, &sub, &headers, documents::revocation_list_ob3).await
}

async fn badge_class(
    State(ctx): State<ServerContext>,
    Path((sub, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    let org = organisation(&ctx, &sub).await?;
    let class = class_of(&ctx, &org, &slug).await?;
    json(
        &headers,
        StatusCode::OK,
        IMMUTABLE,
        &documents::badge_class(&ctx.urls(&org.subdomain), &class),
    )
}

async fn badge_image(
    State(ctx): State<ServerContext>,
    Path((sub, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    let org = organisation(&ctx, &sub).await?;
    let class = class_of(&ctx, &org, &slug).await?;
    Ok(image_response(&headers, &class.image_type, class.image))
}

/// A share click on a verification page (or in a wallet): counted for the
/// issuer's analytics (the badge, the network and the time; nothing about
/// the visitor), then redirected to the network. An unknown network is 404.
async fn share(
    State(ctx): State<ServerContext>,
    Path((sub, slug, channel)): Path<(String, String, String)>,
) -> Answer {
    let channel: laurel::ShareChannel = channel.parse().map_err(|_| Problem::NotFound)?;
    let org = organisation(&ctx, &sub).await?;
    let a = ctx
        .store
        .assertion_by_slug(org.id, &slug)
        .await?
        .ok_or(Problem::NotFound)?;
    let class = ctx
        .store
        .badge_class_by_id(a.badge_class_id)
        .await?
        .ok_or(Problem::NotFound)?;
    let page = ctx.urls(&org.subdomain).assertion(&a.slug);
    let linkedin_org_id = ctx.store.linkedin_org_id(org.id).await?;
    let target = laurel::share::Certification {
        name: &class.name,
        organisation_name: &org.name,
        organisation_id: linkedin_org_id.as_deref(),
        issued: a.issued_on.date_naive(),
        expires: a.expires_at.map(|e| e.date_naive()),
        cert_url: &page,
        cert_id: &a.slug,
    }
    .share_url(channel);
    ctx.events.record(
        &a,
        laurel::BadgeEventKind::Share,
        laurel::analytics::EventDetail::Channel(channel),
    );
    laurel_service::webhooks::emit_badge(
        &ctx,
        laurel::WebhookEvent::BadgeShared,
        &a,
        serde_json::json!({ "channel": channel.as_str() }),
    )
    .await;
    let mut res = (StatusCode::FOUND, [(header::LOCATION, target)]).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The oEmbed endpoint's query (<https://oembed.com>).
#[derive(serde::Deserialize)]
struct OembedQuery {
    url: Option<String>,
    format: Option<String>,
    maxwidth: Option<u32>,
}

/// oEmbed (type `rich`) for a public badge's verification page or a public
/// collection's page; 404 for anything else, including private badges and
/// collections (see `laurel_service::embed`); 501 for a format other than
/// JSON, as the specification asks.
async fn oembed(
    State(ctx): State<ServerContext>,
    Query(q): Query<OembedQuery>,
    headers: HeaderMap,
) -> Answer {
    use laurel_service::embed;
    if q.format.as_deref().is_some_and(|f| f != "json") {
        let mut res = (
            StatusCode::NOT_IMPLEMENTED,
            axum::Json(serde_json::json!({"error": "only format=json is answered"})),
        )
            .into_response();
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return Ok(res);
    }
    let target = q
        .url
        .as_deref()
        .and_then(|u| embed::target(&ctx, u))
        .ok_or(Problem::NotFound)?;
    let found = embed::embed(&ctx, &target)
        .await?
        .ok_or(Problem::NotFound)?;
    let mut res = json(
        &headers,
        StatusCode::OK,
        SHORT,
        &embed::oembed_json(&ctx, &found, q.maxwidth),
    )?;
    // Embedding sites fetch it from their servers or browsers.
    res.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(res)
}

/// A badge class's 1200×630 share image (link previews). The file name is
/// the key of what the picture shows; an old key (the organisation was
/// renamed) is 404, as the pages link the new one. Rendered once per key
/// and kept in the database for every instance.
async fn share_image(
    State(ctx): State<ServerContext>,
    Path((sub, slug, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Answer {
    use laurel_service::share_image::{self, ShareCard};
    let org = organisation(&ctx, &sub).await?;
    let class = class_of(&ctx, &org, &slug).await?;
    let host = ctx.host();
    let key = share_image::key(&class.slug, &org.name, &host);
    if file.strip_suffix(".png") != Some(key.as_str()) {
        return Err(Problem::NotFound);
    }
    if let Some(png) = ctx.store.share_image(&key).await? {
        return Ok(cached(
            &headers,
            StatusCode::OK,
            "image/png",
            IMMUTABLE,
            png,
        ));
    }
    let png = tokio::task::spawn_blocking(move || {
        share_image::render(&ShareCard {
            badge_name: &class.name,
            issuer_name: &org.name,
            image_type: &class.image_type,
            image: &class.image,
            host: &host,
        })
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "the share image task failed");
        Problem::Internal
    })?
    .map_err(|e| {
        tracing::error!(error = %e, "a share image could not be rendered");
        Problem::Internal
    })?;
    ctx.store.save_share_image(&key, &png).await?;
    Ok(cached(
        &headers,
        StatusCode::OK,
        "image/png",
        IMMUTABLE,
        png,
    ))
}

fn image_response(headers: &HeaderMap, content_type: &str, body: Vec<u8>) -> Response {
    let mut res = cached(headers, StatusCode::OK, content_type, IMMUTABLE, body);
    if content_type == "image/svg+xml" {
        // An SVG opened directly must not run anything, even if one slipped in.
        res.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
        );
    }
    res
}

/// The 410 body of a revoked assertion.
fn gone(urls_id: String, reason: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "@context": laurel::ob2::CONTEXT,
        "id": urls_id,
        "revoked": true,
        "revocationReason": reason.unwrap_or("Revoked by the issuer."),
    })
}

async fn assertion(
    State(ctx): State<ServerContext>,
    Path((sub, file)): Path<(String, String)>,
    request: Request,
    page: PageRenderer,
) -> Answer {
    let (slug, format) = match file.rsplit_once('.') {
        Some((slug, ext @ ("json" | "jws" | "jwt"))) => (slug.to_owned(), Some(ext)),
        Some(_) => return Err(Problem::NotFound),
        None => (file.clone(), None),
    };
    if format.is_none() && wants_html(request.headers()) {
        return Ok(page(request).await);
    }
    let headers = request.headers();
    // A verifier (not a browser: content negotiation sent those to the page).
    let (fetched, document) = match format {
        Some("jws") => (laurel::VerifyFormat::Jws, hosted::Format::Jws),
        Some("jwt") => (laurel::VerifyFormat::VcJwt, hosted::Format::VcJwt),
        _ => (laurel::VerifyFormat::Ob2Json, hosted::Format::Ob2Json),
    };
    let doc = hosted_document(&ctx, &sub, &slug, document).await?;
    ctx.events.record(
        doc.subject,
        laurel::BadgeEventKind::Verified,
        laurel::analytics::EventDetail::Format(fetched),
    );
    let (content_type, cache) = match document {
        hosted::Format::Jws => ("application/jose", SIGNED),
        hosted::Format::VcJwt => ("application/vc+jwt", SIGNED),
        _ => (json_type(headers), SHORT),
    };
    Ok(answer(headers, &doc, content_type, cache))
}

async fn credential(
    State(ctx): State<ServerContext>,
    Path((sub, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    let doc = hosted_document(&ctx, &sub, &slug, hosted::Format::Ob3Json).await?;
    ctx.events.record(
        doc.subject,
        laurel::BadgeEventKind::Verified,
        laurel::analytics::EventDetail::Format(laurel::VerifyFormat::Ob3Json),
    );
    Ok(answer(&headers, &doc, json_type(&headers), SHORT))
}

fn answer(
    headers: &HeaderMap,
    doc: &hosted::Hosted,
    content_type: &str,
    cache: &'static str,
) -> Response {
    let status = StatusCode::from_u16(doc.status).unwrap_or(StatusCode::OK);
    tagged(
        headers,
        status,
        content_type,
        cache,
        &doc.etag,
        Body::from(doc.body.clone()),
    )
}

/// One hosted document of an assertion: from this instance's cache while
/// the document generation stands, else built from the database and kept
/// (see `laurel_service::hosted`).
async fn hosted_document(
    ctx: &ServerContext,
    sub: &str,
    slug: &str,
    format: hosted::Format,
) -> Result<Arc<hosted::Hosted>, Problem> {
    let key = hosted::key(sub, slug, format);
    if let Some(doc) = ctx.documents.get(&key) {
        return Ok(doc);
    }
    // Taken before the database is read (see `hosted`).
    let generation = ctx.documents.generation();
    let org = organisation(ctx, sub).await?;
    let (a, class) = assertion_of(ctx, &org, slug).await?;
    let urls = ctx.urls(&org.subdomain);
    let (status, body) = match format {
        hosted::Format::Jws => (StatusCode::OK, a.signed_jws.clone().into_bytes()),
        hosted::Format::VcJwt => (StatusCode::OK, a.credential_jwt.clone().into_bytes()),
        hosted::Format::Ob2Json if a.revoked_at.is_some() => (
            StatusCode::GONE,
            pretty(&gone(urls.assertion(slug), a.revocation_reason.as_deref()))?,
        ),
        hosted::Format::Ob2Json => (
            StatusCode::OK,
            pretty(&documents::assertion(&urls, &class, &a, None))?,
        ),
        hosted::Format::Ob3Json => (
            StatusCode::OK,
            pretty(&documents::credential(
                &org,
                &urls,
                &class,
                &a.slug,
                &a.salt,
                &a.identity_hash,
                a.issued_on,
                a.expires_at,
                &documents::evidence(&a),
            ))?,
        ),
    };
    let doc = Arc::new(hosted::Hosted::new(
        status.as_u16(),
        body,
        (&a).into(),
        generation,
    ));
    ctx.documents.insert(key, doc.clone());
    Ok(doc)
}

fn pretty<T: Serialize>(doc: &T) -> Result<Vec<u8>, Problem> {
    serde_json::to_vec_pretty(doc).map_err(|_| Problem::Internal)
}

/// The badge image baked with the hosted assertion, in the image's own
/// format (`badge.png` for PNG classes, `badge.svg` for SVG ones).
async fn baked(
    ctx: &ServerContext,
    sub: &str,
    slug: &str,
    headers: &HeaderMap,
    image_type: &'static str,
) -> Answer {
    let org = organisation(ctx, sub).await?;
    let (a, class) = assertion_of(ctx, &org, slug).await?;
    if class.image_type != image_type {
        return Err(Problem::NotFound);
    }
    let (bytes, extension) = documents::baked(&ctx.urls(&org.subdomain), &class, &a)?;
    let mut res = image_response(headers, image_type, bytes);
    attachment(&mut res, &format!("{}.{extension}", a.slug));
    Ok(res)
}

async fn baked_png(
    State(ctx): State<ServerContext>,
    Path((sub, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    baked(&ctx, &sub, &slug, &headers, "image/png").await
}

async fn baked_svg(
    State(ctx): State<ServerContext>,
    Path((sub, slug)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer {
    baked(&ctx, &sub, &slug, &headers, "image/svg+xml").await
}

fn attachment(res: &mut Response, name: &str) {
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn negotiation_prefers_json_for_validators_and_html_for_browsers() {
        assert!(wants_html(&accept(
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        )));
        assert!(!wants_html(&accept(
            "application/ld+json, application/json, image/png, image/svg+xml"
        )));
        assert!(!wants_html(&accept("application/json")));
        assert!(!wants_html(&accept("*/*")));
        assert!(!wants_html(&HeaderMap::new()));
        assert!(!wants_html(&accept("text/html;q=0.5, application/json")));
    }
}
