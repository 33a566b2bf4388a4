//! `laurel demo`: a demonstration organisation with badges in every state, so
//! a newcomer sees a populated site at once and scripts get stable URLs.
//! Idempotent: a second run finds what the first made.

use std::path::{Path, PathBuf};

use chrono::{Duration, Utc};
use laurel::award::{Award, Holder};
use laurel::crypto::SigningKey;
use laurel::{Email, KeyOrigin, Subdomain};
use laurel_service::issuing::{Issuer, Source};
use laurel_service::ServerContext;
use laurel_service::ServiceError;
use laurel_store::{
    AssertionRow, BadgeClassRow, CollectionFields, NewBadgeClass, Organisation, ProfileUpdate,
    TemplateDesign,
};

static NO_LINKS: laurel::SocialLinks = laurel::SocialLinks::NONE;

/// The demo recipient (README says so).
pub const HOLDER: &str = "holder@example.com";

/// The demo holder's public collection: `/u/demo-holder/c/rust-path`.
const COLLECTION_ID: &str = "rust-path";

/// The demo holder's public profile: `/u/demo-holder`.
const PROFILE_HANDLE: &str = "demo-holder";

/// The demo template remote-issue requests name (`externalTemplateId`).
const EXTERNAL_TEMPLATE_ID: &str = "DEMO-EXAM";

/// The demo integration's private key, in the data directory.
const KEY_XML: &str = "demo-integration-key.xml";
const KEY_PEM: &str = "demo-integration-key.pem";

const PNG: &[u8] = include_bytes!("../assets/demo-badge.png");
const SVG: &[u8] = include_bytes!("../assets/demo-badge.svg");

struct ClassSpec {
    slug: &'static str,
    name: &'static str,
    description: &'static str,
    criteria: &'static str,
    image_type: &'static str,
    image: &'static [u8],
    validity_years: i32,
}

const RUST: ClassSpec = ClassSpec {
    slug: "demo-rust-fundamentals",
    name: "Rust Fundamentals",
    description: "Writes safe, idiomatic Rust: ownership, borrowing, traits and error handling.",
    criteria: "Passed the Rust Fundamentals exam with at least 70 %.",
    image_type: "image/png",
    image: PNG,
    validity_years: 3,
};

const FIRST_AID: ClassSpec = ClassSpec {
    slug: "demo-first-aid",
    name: "First Aid Refresher",
    description: "Completed the yearly first-aid refresher course.",
    criteria: "Attended the full course and passed the practical assessment.",
    image_type: "image/png",
    image: PNG,
    validity_years: 1,
};

const OPEN_SOURCE: ClassSpec = ClassSpec {
    slug: "demo-open-source-contributor",
    name: "Open Source Contributor",
    description: "Had a contribution merged into an open-source project.",
    criteria: "A merged pull request reviewed by a maintainer.",
    image_type: "image/svg+xml",
    image: SVG,
    validity_years: 0,
};

async fn class(
    ctx: &ServerContext,
    org: &Organisation,
    spec: &ClassSpec,
) -> Result<BadgeClassRow, ServiceError> {
    if let Some(existing) = ctx.store.badge_class_by_slug(org.id, spec.slug).await? {
        return Ok(existing);
    }
    Ok(ctx
        .store
        .create_badge_class(&NewBadgeClass {
            organisation_id: org.id,
            slug: spec.slug,
            name: spec.name,
            description: spec.description,
            criteria_narrative: Some(spec.criteria),
            criteria_url: None,
            image_type: spec.image_type,
            image: spec.image,
            tags: r#"["demo"]"#,
            alignment: "[]",
            validity_years: spec.validity_years,
        })
        .await?)
}

/// The holder's badge of `class` in the wanted state, issued when missing.
async fn award(
    ctx: &ServerContext,
    org: &Organisation,
    class: &BadgeClassRow,
    revoked: bool,
    issued_days_ago: i64,
) -> Result<AssertionRow, ServiceError> {
    let existing = ctx
        .store
        .assertions_for_recipient(org.id, class.id, HOLDER)
        .await?
        .into_iter()
        .find(|a| a.revoked_at.is_some() == revoked);
    if let Some(a) = existing {
        return Ok(a);
    }
    let award = Award {
        holder: Holder {
            email: Email::parse(HOLDER).expect("valid constant"),
            first_name: "Demo".into(),
            last_name: "Holder".into(),
            last_name_prefix: String::new(),
            is_individual: true,
        },
        achieved_on: (Utc::now() - Duration::days(issued_days_ago)).date_naive(),
        evidence_url: None,
        evidence_narrative: Some("Assessed by the Laurel Demo Academy.".into()),
        template: None,
    };
    let issuer = Issuer::of(ctx, org).await?;
    let a = issuer
        .issue(None, class, &award, Source::Demo)
        .await?
        .assertion()
        .clone();
    if revoked {
        ctx.store
            .revoke_assertion(org.id, &a.slug, "Issued in error.")
            .await?;
    }
    Ok(a)
}

/// Remote issuing for the demo organisation: a template with an external
/// ID, the integration, and a key pair whose private half is written to the
/// data directory (as .NET XML and PKCS#8 PEM, owner-only) so a client can
/// sign requests at once. A second run keeps the key while its files are
/// there and it is still active; otherwise it makes a new one.
async fn remote(
    ctx: &ServerContext,
    org: &Organisation,
    data_dir: &Path,
) -> Result<Vec<(&'static str, String)>, ServiceError> {
    if ctx
        .store
        .template_by_external_id(org.id, EXTERNAL_TEMPLATE_ID)
        .await?
        .is_none()
    {
        ctx.store
            .create_template(
                org.id,
                Some(EXTERNAL_TEMPLATE_ID),
                "demo-remote-exam",
                &TemplateDesign {
                    name: "Remote Exam Passed",
                    description: "Passed the Laurel Demo Academy's online exam.",
                    criteria_narrative: Some(
                        "Pass the online exam; the exam system issues the badge.",
                    ),
                    criteria_url: None,
                    image_type: "image/png",
                    image: PNG,
                    tags: r#"["demo","api"]"#,
                    alignment: "[]",
                    validity_years: 0,
                },
            )
            .await?;
    }
    let integration = ctx
        .store
        .ensure_integration(org.id, &laurel::remote::new_integration_id())
        .await?;
    let (xml, pem) = (data_dir.join(KEY_XML), data_dir.join(KEY_PEM));
    let active = ctx.store.active_integration_keys(org.id).await?;
    let kept = std::fs::read_to_string(&pem)
        .ok()
        .and_then(|text| SigningKey::from_pkcs8_pem(&text).ok())
        .filter(|key| {
            let fingerprint = key.public_key().thumbprint();
            xml.exists() && active.iter().any(|k| k.fingerprint == fingerprint)
        });
    if kept.is_none() {
        let key = SigningKey::generate().map_err(|e| {
            tracing::error!(error = %e, "demo: key generation failed");
            ServiceError::Internal
        })?;
        let public = key.public_key();
        ctx.store
            .add_integration_key(
                org.id,
                &public.to_pem(),
                &public.thumbprint(),
                KeyOrigin::Generated,
            )
            .await?;
        write_secret(&xml, &key.to_dotnet_xml())?;
        write_secret(&pem, &key.to_pkcs8_pem())?;
    }
    let path = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p).display().to_string();
    Ok(vec![
        ("remote-api", ctx.site().remote_issue()),
        ("integration-id", integration.integration_id),
        ("domain-name", org.subdomain.clone()),
        ("external-template-id", EXTERNAL_TEMPLATE_ID.into()),
        ("integration-key-xml", path(xml)),
        ("integration-key-pem", path(pem)),
        ("openapi", ctx.site().openapi()),
    ])
}

/// Writes a private key readable by its owner only.
fn write_secret(path: &Path, text: &str) -> Result<(), ServiceError> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path).map_err(|e| {
        tracing::error!(path = %path.display(), error = %e, "demo: cannot write the key");
        ServiceError::Internal
    })?;
    file.write_all(text.as_bytes())
        .map_err(|_| ServiceError::Internal)
}

/// Makes (or finds) the demo data; returns `(kind, value)` lines: mostly
/// URLs, and the remote-issuing values (an ID, names, key file paths).
pub async fn run(
    ctx: &ServerContext,
    data_dir: &Path,
) -> Result<Vec<(&'static str, String)>, ServiceError> {
    let subdomain = Subdomain::parse("demo").expect("a valid constant");
    let org = ctx
        .store
        .ensure_organisation(&subdomain, "Laurel Demo Academy")
        .await?;
    // The operator's own organisation: verified (no new organisation's
    // daily limits), once.
    if org.verified_at.is_none() {
        ctx.store
            .set_verified(org.id, Some(ctx.clock.now()))
            .await?;
    }
    let billing = billing(ctx, &org).await?;
    let urls = ctx.urls(&org.subdomain);
    let rust = class(ctx, &org, &RUST).await?;
    let first_aid = class(ctx, &org, &FIRST_AID).await?;
    let open_source = class(ctx, &org, &OPEN_SOURCE).await?;

    let hosted = award(ctx, &org, &rust, false, 1).await?;
    let revoked = award(ctx, &org, &rust, true, 2).await?;
    let expired = award(ctx, &org, &first_aid, false, 800).await?;
    let svg = award(ctx, &org, &open_source, false, 1).await?;

    // The holder's side: an account for the demo recipient (its password is
    // random and never shown: sign in through "Forgot your password?"),
    // a public profile, one public and one private badge.
    let (password, _) = laurel_service::accounts::new_token();
    let holder = ctx
        .store
        .ensure_holder_account(
            HOLDER,
            "Demo Holder",
            &laurel_service::accounts::hash_password(&password).await?,
        )
        .await?;
    ctx.store
        .save_holder_profile(
            holder.id,
            ProfileUpdate {
                handle: PROFILE_HANDLE,
                display_name: "Demo Holder",
                summary: "Learns Rust and contributes to open source.",
                public: true,
                links: &NO_LINKS,
                default_public: false,
            },
        )
        .await?;
    ctx.store
        .set_wallet_visibility(holder.id, &hosted.slug, true)
        .await?;
    ctx.store
        .set_wallet_visibility(holder.id, &svg.slug, false)
        .await?;
    // A public collection holding both badges: its page shows only the
    // public one.
    if !ctx
        .store
        .collections(holder.id)
        .await?
        .iter()
        .any(|c| c.public_id == COLLECTION_ID)
    {
        ctx.store
            .create_collection(
                holder.id,
                COLLECTION_ID,
                CollectionFields {
                    name: "Rust path",
                    description: "What I learnt on the way to writing Rust for a living.",
                    public: true,
                },
            )
            .await?;
    }
    for slug in [&hosted.slug, &svg.slug] {
        ctx.store
            .add_to_collection(holder.id, COLLECTION_ID, slug)
            .await?;
    }

    let remote = remote(ctx, &org, data_dir).await?;
    analytics(ctx, &org, &[&hosted, &svg, &expired]).await?;
    let mut lines = vec![
        ("organisation", urls.home()),
        ("issuer", urls.issuer()),
        ("jwks", urls.jwks()),
        ("badgeclass", urls.badge(&rust.slug)),
        ("assertion-hosted", urls.assertion(&hosted.slug)),
        ("assertion-signed", urls.assertion_jws(&hosted.slug)),
        ("assertion-revoked", urls.assertion(&revoked.slug)),
        (
            "assertion-revoked-signed",
            urls.assertion_jws(&revoked.slug),
        ),
        ("assertion-expired", urls.assertion(&expired.slug)),
        ("baked-png", urls.baked_png(&hosted.slug)),
        ("baked-svg", urls.baked_svg(&svg.slug)),
        ("credential-ob3", urls.credential_jwt(&hosted.slug)),
        ("credential-ob3-json", urls.credential(&hosted.slug)),
        ("verify-page", urls.assertion(&hosted.slug)),
        ("profile", ctx.site().profile(PROFILE_HANDLE)),
        ("badge-public", urls.assertion(&hosted.slug)),
        ("badge-private", urls.assertion(&svg.slug)),
        (
            "collection",
            ctx.site().collection(PROFILE_HANDLE, COLLECTION_ID),
        ),
        ("verify", ctx.site().verifier()),
    ];
    lines.extend(remote);
    lines.extend(billing);
    lines.push(("analytics", ctx.site().analytics(&org.subdomain)));
    // The operator's metrics (with `Authorization: Bearer $LAUREL_METRICS_TOKEN`).
    lines.push(("metrics", ctx.site().metrics()));
    Ok(lines)
}

/// Two weeks of visits to the demo badges (views from each kind of
/// referrer, shares, verifications), once, then the rollup, so the
/// analytics page has something to chart. The badges' own events (issued,
/// revoked, expired) come from issuing itself.
async fn analytics(
    ctx: &ServerContext,
    org: &Organisation,
    badges: &[&AssertionRow],
) -> Result<(), ServiceError> {
    use laurel::analytics::{DateRange, EventDetail as D};
    use laurel::{BadgeEventKind as K, Referrer, ShareChannel, VerifyFormat};
    use laurel_service::analytics::{self, event};

    let now = ctx.clock.now();
    analytics::roll_up(ctx).await?;
    let seen = analytics::report(
        ctx,
        org.id,
        None,
        DateRange::last(365, now.date_naive()),
        false,
    )
    .await?
    .totals
    .views;
    if seen > 0 {
        return Ok(());
    }
    let referrers = [
        Referrer::Direct,
        Referrer::Search,
        Referrer::Social,
        Referrer::Embed,
        Referrer::Other,
    ];
    let mut events = Vec::new();
    for day in 0..14_i64 {
        let at = now - Duration::days(day) - Duration::hours(1);
        for (i, a) in badges.iter().enumerate() {
            let views = (day * 7 + i as i64 * 3) % 6 + 1;
            for v in 0..views {
                let mut e = event(
                    *a,
                    K::View,
                    D::Referrer(referrers[((day + v) % 5) as usize]),
                    at,
                );
                e.visitor = Some(format!("demo-{day}-{}", v % 3));
                events.push(e);
            }
            if (day + i as i64) % 3 == 0 {
                let channel = [ShareChannel::Linkedin, ShareChannel::X, ShareChannel::Email]
                    [(day % 3) as usize];
                events.push(event(*a, K::Share, D::Channel(channel), at));
            }
            if day % 2 == 0 {
                let format = [
                    VerifyFormat::Ob2Json,
                    VerifyFormat::Jws,
                    VerifyFormat::VcJwt,
                ][(day / 2 % 3) as usize];
                events.push(event(*a, K::Verified, D::Format(format), at));
            }
        }
    }
    ctx.store.record_events(&events).await?;
    analytics::roll_up(ctx).await?;
    Ok(())
}

/// The operator's offer (two plans) and the demo organisation on
/// "Starter", paid by bank transfer against the invoice. Its subscription
/// started 40 days ago, so the trial is over and the first cycle's invoice
/// is issued — and marked paid, as an operator does when the transfer
/// arrives.
async fn billing(
    ctx: &ServerContext,
    org: &laurel_store::Organisation,
) -> Result<Vec<(&'static str, String)>, ServiceError> {
    use laurel::billing::{Currency, VatRate};
    use laurel_service::billing;
    let eur = Currency::parse("EUR").map_err(|_| ServiceError::Internal)?;
    let vat = VatRate::parse("21").map_err(|_| ServiceError::Internal)?;
    let starter = billing::ensure_plan(
        &ctx.store,
        &laurel_store::NewPlan {
            name: "Starter",
            currency: eur,
            monthly_fee: 2900,
            per_badge_fee: 50,
            vat: Some(vat),
            trial_days: 30,
            trial_quota: 50,
        },
    )
    .await?;
    billing::ensure_plan(
        &ctx.store,
        &laurel_store::NewPlan {
            name: "Professional",
            currency: eur,
            monthly_fee: 9900,
            per_badge_fee: 25,
            vat: Some(vat),
            trial_days: 30,
            trial_quota: 500,
        },
    )
    .await?;
    let now = ctx.clock.now();
    let email = Email::parse("billing@demo.example.org")?;
    billing::grant(&ctx.store, org, &starter, &email, now - Duration::days(40)).await?;
    billing::run(ctx, now).await?;
    let invoice = ctx
        .store
        .invoices(org.id)
        .await?
        .into_iter()
        .last()
        .ok_or(ServiceError::Internal)?;
    if invoice.status == laurel::InvoiceStatus::Open {
        billing::mark_paid(ctx, invoice.number, "DEMO-TRANSFER", now).await?;
    }
    Ok(vec![
        ("subscription", ctx.site().subscription(&org.subdomain)),
        (
            "invoice",
            ctx.site().invoice(&org.subdomain, invoice.number),
        ),
    ])
}
