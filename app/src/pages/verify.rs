//! The public verification page of an issued badge
//! (`/o/:subdomain/assertions/:slug`, for browsers; machines get JSON-LD at
//! the same URL).

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::pages::not_found::NotFound;
use laurel::BadgeStatus;

use crate::server_fns::public::get_assertion::{get_assertion, AssertionView, ShareView};

#[component]
pub fn VerifyPage() -> impl IntoView {
    let params = use_params_map();
    let assertion = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("subdomain").unwrap_or_default(),
                p.get("slug").unwrap_or_default(),
            )
        },
        |(subdomain, slug)| get_assertion(subdomain, slug),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                assertion
                    .await
                    .map(|found| match found {
                        Some(a) => view! { <Verification a /> }.into_any(),
                        None => view! { <NotFound /> }.into_any(),
                    })
            })}
        </Suspense>
    }
}

#[component]
fn StatusBanner(
    status: BadgeStatus,
    reason: Option<String>,
    expires: Option<String>,
) -> impl IntoView {
    let (class, title, detail) = match status {
        BadgeStatus::Active => (
            "border-emerald-300 bg-emerald-50 text-emerald-900",
            "Valid".to_owned(),
            match expires {
                Some(e) => format!("This badge was issued by its issuer and is valid until {e}."),
                None => "This badge was issued by its issuer and does not expire.".to_owned(),
            },
        ),
        BadgeStatus::Revoked => (
            "border-red-300 bg-red-50 text-red-900",
            "Revoked".to_owned(),
            format!(
                "The issuer revoked this badge: {}",
                reason.unwrap_or_else(|| "no reason given.".into())
            ),
        ),
        BadgeStatus::Expired => (
            "border-amber-300 bg-amber-50 text-amber-900",
            "Expired".to_owned(),
            format!("This badge expired on {}.", expires.unwrap_or_default()),
        ),
    };
    let key = title.to_lowercase();
    view! {
        <div class=format!("rounded-lg border p-4 {class}") role="status" data-status=key>
            <p class="text-lg font-semibold">{title}</p>
            <p class="text-sm">{detail}</p>
        </div>
    }
}

#[component]
fn Verification(a: AssertionView) -> impl IntoView {
    let description = a.badge_description.clone();
    let title = format!("{} — awarded by {}", a.badge_name, a.issuer_name);
    view! {
        <Title text=title.clone() />
        <Meta name="description" content=description.clone() />
        <Meta property="og:type" content="website" />
        <Meta property="og:title" content=title.clone() />
        <Meta property="og:description" content=description.clone() />
        <Meta property="og:image" content=a.share_image_url.clone() />
        <Meta property="og:image:width" content="1200" />
        <Meta property="og:image:height" content="630" />
        <Meta property="og:image:alt" content=format!("{} badge", a.badge_name) />
        <Meta property="og:url" content=a.page_url.clone() />
        {a.oembed_url.clone().map(|href| view! {
            <Link rel="alternate" type_="application/json+oembed" href=href title=title.clone() />
        })}
        <Meta name="twitter:card" content="summary_large_image" />
        <Meta name="twitter:title" content=title />
        <Meta name="twitter:description" content=description />
        <Meta name="twitter:image" content=a.share_image_url.clone() />
        <BadgeDetails a heading="Verify it yourself" />
    }
}

/// One issued badge in full: status, issuer, criteria (rendered from
/// Markdown), evidence, dates, sharing and its documents. The public
/// verification page and the holder's own badge page in the wallet.
#[component]
pub fn BadgeDetails(a: AssertionView, heading: &'static str) -> impl IntoView {
    view! {
        <article class="grid gap-8 md:grid-cols-[200px_1fr]">
            <img
                src=a.image_url.clone()
                alt=format!("{} badge", a.badge_name)
                width="200"
                height="200"
                class="rounded-lg"
            />
            <div class="space-y-5">
                <StatusBanner status=a.status reason=a.revocation_reason.clone() expires=a.expires.clone() />
                <header>
                    <h1 class="text-3xl font-bold">{a.badge_name.clone()}</h1>
                    <p class="mt-1 text-stone-600">
                        "Issued by "
                        <a href=a.issuer_url.clone() class="text-emerald-800 underline">
                            {a.issuer_name.clone()}
                        </a>
                    </p>
                </header>
                <p>{a.badge_description.clone()}</p>
                <dl class="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
                    <dt class="font-semibold">"Awarded to"</dt>
                    <dd>{a.recipient_masked.clone()}</dd>
                    <dt class="font-semibold">"Issued on"</dt>
                    <dd>{a.issued_on.clone()}</dd>
                    <dt class="font-semibold">"Expires"</dt>
                    <dd>{a.expires.clone().unwrap_or_else(|| "Never".into())}</dd>
                </dl>
                <section>
                    <h2 class="font-semibold">"Criteria"</h2>
                    // Sanitised on the server by `laurel::markdown::render`.
                    <div class="prose-sm text-sm text-stone-700" data-testid="criteria" inner_html=a.criteria_html.clone().unwrap_or_default()></div>
                    {a
                        .criteria_url
                        .as_deref()
                        .and_then(laurel::domain::web_link)
                        .map(|u| {
                            view! {
                                <a href=u class="text-sm text-emerald-800 underline">
                                    "Full criteria"
                                </a>
                            }
                        })}
                </section>
                {(a.evidence_url.is_some() || a.evidence_narrative.is_some())
                    .then(|| {
                        view! {
                            <section>
                                <h2 class="font-semibold">"Evidence"</h2>
                                <p class="text-sm text-stone-700">
                                    {a.evidence_narrative.clone().unwrap_or_default()}
                                </p>
                                {a
                                    .evidence_url
                                    .as_deref()
                                    .and_then(laurel::domain::web_link)
                                    .map(|u| {
                                        view! {
                                            <a href=u rel="nofollow noopener" class="text-sm text-emerald-800 underline">
                                                "View evidence"
                                            </a>
                                        }
                                    })}
                            </section>
                        }
                    })}
                <Share share=a.share.clone() />
                <section>
                    <h2 class="font-semibold">{heading}</h2>
                    <ul class="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm text-emerald-800 underline" data-testid="documents">
                        <li><a href=a.json_url.clone()>"Open Badges 2.0 (JSON-LD)"</a></li>
                        <li><a href=a.jws_url.clone()>"Signed (JWS)"</a></li>
                        <li><a href=a.credential_url.clone()>"Open Badges 3.0 credential"</a></li>
                        <li><a href=a.jwt_url.clone()>"VC-JWT"</a></li>
                        <li><a href=a.baked_url.clone()>"Baked badge image"</a></li>
                    </ul>
                </section>
            </div>
        </article>
    }
}

/// Share links, and LinkedIn's fields to copy for people who add the
/// certification by hand (plain links and read-only fields: no script).
#[component]
fn Share(share: ShareView) -> impl IntoView {
    let label = |k: &str| match k {
        "name" => "Name",
        "organizationName" => "Issuing organisation",
        "organizationId" => "Issuing organisation (LinkedIn ID)",
        "issueYear" => "Issue year",
        "issueMonth" => "Issue month",
        "expirationYear" => "Expiration year",
        "expirationMonth" => "Expiration month",
        "certUrl" => "Credential URL",
        "certId" => "Credential ID",
        _ => "",
    };
    view! {
        <section class="space-y-2" aria-labelledby="share-heading">
            <h2 id="share-heading" class="font-semibold">"Share"</h2>
            <ul class="flex flex-wrap gap-x-4 gap-y-1 text-sm text-emerald-800 underline">
                <li><a href=share.linkedin rel="noopener" target="_blank" data-testid="share-linkedin">"Add to LinkedIn profile"</a></li>
                <li><a href=share.x rel="noopener" target="_blank">"Post on X"</a></li>
                <li><a href=share.facebook rel="noopener" target="_blank">"Share on Facebook"</a></li>
                <li><a href=share.email>"E-mail"</a></li>
            </ul>
            <details class="text-sm">
                <summary class="cursor-pointer">"LinkedIn's fields, to copy by hand"</summary>
                <div class="mt-2 grid gap-2 sm:grid-cols-2">
                    {share.fields.into_iter().map(|(k, v)| {
                        let id = format!("share-{k}");
                        view! {
                            <div>
                                <label for=id.clone() class="block text-xs font-semibold">{label(&k)}</label>
                                <input id=id readonly=true value=v class="w-full rounded border border-stone-300 px-2 py-1 font-mono text-xs" />
                            </div>
                        }
                    }).collect_view()}
                </div>
            </details>
        </section>
    }
}
