//! The public verifier: anyone, without an account, checks any Open Badge
//! (`/verify`) and reads the report check by check
//! (`/verify/report/:token`). Visitor pages: server HTML only, no script.
//! The form is a plain multipart form; the server verifies, keeps the report
//! for a day and redirects to it, and a refusal comes back in the URL.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::components::form::{url_error, ActionError};
use crate::components::style::{BUTTON, CARD, INPUT, LABEL};
use crate::pages::not_found::NotFound;
use crate::server_fns::public::get_report::{get_report, CheckView, ReportView};
use crate::server_fns::public::verify_badge::VerifyBadge;

/// `/verify`: drop a badge image or paste a URL, JSON, JWS or VC-JWT.
#[component]
pub fn VerifierPage() -> impl IntoView {
    let error = Signal::stored(url_error::<VerifyBadge>());
    let action = <VerifyBadge as leptos::server_fn::ServerFn>::url();
    view! {
        <Title text="Verify an Open Badge" />
        <Meta name="description" content="Check any Open Badge (2.0 or 3.0), from any issuer: authenticity, revocation, expiry and recipient, in plain words." />
        <section class="mx-auto max-w-2xl space-y-6">
            <header class="space-y-2">
                <h1 class="text-2xl font-bold">"Verify an Open Badge"</h1>
                <p class="text-stone-700">
                    "Check any Open Badges 2.0 or 3.0 credential, from any issuer: whether it is authentic, "
                    "still in force, within its dates and awarded to whom it says. No account needed."
                </p>
            </header>
            <form method="post" enctype="multipart/form-data" action=action class=CARD data-testid="verifier-form">
                <div>
                    <label for="image" class=LABEL>"A badge image (baked PNG or SVG)"</label>
                    <input id="image" name="image" type="file" accept="image/png,image/svg+xml" class="mt-1 block text-sm" />
                </div>
                <p class="text-sm text-stone-600">"or"</p>
                <div>
                    <label for="text" class=LABEL>"The badge's URL, its JSON, a JWS or a VC-JWT"</label>
                    <textarea
                        id="text"
                        name="text"
                        rows="5"
                        spellcheck="false"
                        aria-describedby="text-hint"
                        class=format!("{INPUT} font-mono text-xs")
                    ></textarea>
                    <p id="text-hint" class="mt-1 text-xs text-stone-600">
                        "An image, when chosen, is verified instead of the text."
                    </p>
                </div>
                <div>
                    <label for="recipient" class=LABEL>"Awarded to (optional)"</label>
                    <input
                        id="recipient"
                        name="recipient"
                        type="text"
                        autocomplete="off"
                        aria-describedby="recipient-hint"
                        class=INPUT
                    />
                    <p id="recipient-hint" class="mt-1 text-xs text-stone-600">
                        "An email address, URL or phone number: Laurel checks the badge was awarded to it (badges usually store it hashed)."
                    </p>
                </div>
                <ActionError error />
                <button type="submit" class=BUTTON>"Verify"</button>
            </form>
            <p class="text-sm text-stone-600">
                "Laurel fetches what the badge points to (its hosted copy, issuer, keys and revocation list) "
                "from public addresses only. The report stays at its own unguessable address for a day."
            </p>
        </section>
    }
}

/// `/verify/report/:token`: one report, check by check.
#[component]
pub fn ReportPage() -> impl IntoView {
    let params = use_params_map();
    let report = Resource::new(
        move || params.read().get("token").unwrap_or_default(),
        get_report,
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(r) => view! { <Report r /> }.into_any(),
                    Err(_) => view! { <NotFound /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Report(r: ReportView) -> impl IntoView {
    let verdict = if r.valid { "Valid" } else { "Not valid" };
    view! {
        <Title text=format!("Verification report: {verdict}") />
        <Meta name="robots" content="noindex" />
        <section class="mx-auto max-w-2xl space-y-6">
            <h1 class="text-2xl font-bold">"Verification report"</h1>
            <Verdict r />
            <p><a href=crate::paths::VERIFIER class="underline">"Verify another badge"</a></p>
        </section>
    }
}

/// A report's verdict and its checks, in plain words (the public verifier's
/// report page, and an imported badge's page in the wallet).
#[component]
pub fn Verdict(r: ReportView) -> impl IntoView {
    let (verdict, verdict_class) = if r.valid {
        (
            "Valid",
            "rounded border border-emerald-300 bg-emerald-50 p-4 text-emerald-900",
        )
    } else {
        (
            "Not valid",
            "rounded border border-red-300 bg-red-50 p-4 text-red-900",
        )
    };
    let what = match (&r.badge_name, &r.issuer_name) {
        (Some(b), Some(i)) => format!("“{b}”, issued by {i}"),
        (Some(b), None) => format!("“{b}”"),
        _ => "The badge".to_owned(),
    };
    let version = r
        .version
        .clone()
        .map(|v| format!("Open Badges {v}"))
        .unwrap_or_else(|| "Not recognised as an Open Badge".to_owned());
    view! {
        <div class=verdict_class data-testid="verdict" data-valid=r.valid.to_string()>
            <p class="text-xl font-bold">{verdict}</p>
            <p>{what}</p>
            <p class="text-sm">{format!("{version} · checked {}", r.checked_at)}</p>
            {r.issuer_url.clone().map(|u| view! {
                <p class="text-sm">"Issuer profile: " <span class="break-all font-mono">{u}</span></p>
            })}
        </div>
        <ol class="space-y-3" data-testid="checks">
            {r.checks.into_iter().map(|c| view! { <CheckItem c /> }).collect_view()}
        </ol>
    }
}

#[component]
fn CheckItem(c: CheckView) -> impl IntoView {
    let (mark, label, class) = match c.outcome.as_str() {
        "passed" => ("✓", "Passed", "text-emerald-800"),
        "failed" => ("✗", "Failed", "text-red-800"),
        "warning" => ("!", "Warning", "text-amber-800"),
        _ => ("–", "Not checked", "text-stone-600"),
    };
    view! {
        <li class="rounded border border-stone-200 bg-white p-3" data-testid="check" data-outcome=c.outcome.clone()>
            <p class="font-semibold">
                <span aria-hidden="true" class=class>{mark}" "</span>
                {c.question}
                " "
                <span class=format!("text-sm font-normal {class}")>{format!("({label})")}</span>
            </p>
            <p class="text-sm text-stone-700 break-words">{c.message}</p>
        </li>
    }
}
