//! One issued badge (`/portal/:subdomain/badges/:slug`): its links, revoke and resend.

use laurel::BadgeStatus;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::ActionError;
use crate::components::portal::{error_of, loaded, org_nav, subdomain_param};
use crate::components::style::{CARD, DANGER, INPUT, LABEL, NOTICE, SECONDARY};
use crate::server_fns::issuing::get_issued_badge::{get_issued_badge, IssuedBadgeView};
use crate::server_fns::issuing::resend_badge_mail::ResendBadgeMail;
use crate::server_fns::issuing::revoke_badge::RevokeBadge;

/// `/portal/:subdomain/badges/:slug`: one issued badge, its public links,
/// revoke (with confirmation) and resend.
#[component]
pub fn IssuedBadgePage() -> impl IntoView {
    let subdomain = subdomain_param();
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let revoke = ServerAction::<RevokeBadge>::new();
    let resend = ServerAction::<ResendBadgeMail>::new();
    let data = Resource::new(
        move || {
            (
                subdomain(),
                slug(),
                revoke.version().get(),
                resend.version().get(),
            )
        },
        |(s, slug, ..)| get_issued_badge(s, slug),
    );
    view! {
        <Title text="Issued badge" />
        {loaded(data, move |b| view! { <IssuedBadge b revoke resend /> })}
    }
}

#[component]
fn IssuedBadge(
    b: IssuedBadgeView,
    revoke: ServerAction<RevokeBadge>,
    resend: ServerAction<ResendBadgeMail>,
) -> impl IntoView {
    // Read reactively: hydrated, a form's redirect only changes the query.
    let query = use_query_map();
    let resent = move || query.read().get("resent").is_some();
    let active = b.status == BadgeStatus::Active;
    let (sub_resend, slug_resend) = (b.subdomain.clone(), b.slug.clone());
    let (sub_revoke, slug_revoke) = (b.subdomain.clone(), b.slug.clone());
    view! {
        <section class="space-y-6">
            <header class="space-y-2">
                <h1 class="text-2xl font-bold">{format!("{} — {}", b.badge, if b.name.is_empty() { &b.email } else { &b.name })}</h1>
                {org_nav(&b.subdomain, "Issued badges")}
            </header>
            {move || resent().then(|| view! { <p role="status" class=NOTICE>"The mail was sent again with a new claim link."</p> })}
            <div class="flex gap-4">
                <img src=b.image_url.clone() alt="" width="96" height="96" class="h-24 w-24 object-contain" />
                <dl class="grid grid-cols-[auto_1fr] gap-x-4 text-sm">
                    <dt class="font-semibold">"Status"</dt><dd data-testid="badge-status">{b.status.as_str()}</dd>
                    {(!b.revocation_reason.is_empty()).then(|| view! { <dt class="font-semibold">"Reason"</dt><dd>{b.revocation_reason.clone()}</dd> })}
                    <dt class="font-semibold">"Email"</dt><dd>{b.email.clone()}</dd>
                    <dt class="font-semibold">"Holder"</dt><dd>{format!("{}{}", b.name, if b.is_individual { "" } else { " (organisation)" })}</dd>
                    <dt class="font-semibold">"Achieved"</dt><dd>{b.issued_on.clone()}</dd>
                    <dt class="font-semibold">"Expires"</dt><dd>{b.expires.clone()}</dd>
                    <dt class="font-semibold">"Claimed"</dt><dd>{if b.claimed.is_empty() { "not yet".to_owned() } else { b.claimed.clone() }}</dd>
                    <dt class="font-semibold">"Issued"</dt><dd>{format!("by {}", b.source)}</dd>
                    {(!b.evidence_url.is_empty()).then(|| view! { <dt class="font-semibold">"Evidence"</dt><dd>{b.evidence_url.clone()}</dd> })}
                    {(!b.evidence_narrative.is_empty()).then(|| view! { <dt class="font-semibold">"Evidence note"</dt><dd>{b.evidence_narrative.clone()}</dd> })}
                </dl>
            </div>
            <section>
                <h2 class="text-lg font-semibold">"Public links"</h2>
                <ul class="list-disc pl-6 text-sm" data-testid="public-links">
                    {b.links.iter().map(|(label, url)| view! { <li><a href=url.clone() class="underline">{label.clone()}</a></li> }).collect_view()}
                </ul>
            </section>
            {active.then(|| view! {
                <div class="grid gap-4 md:grid-cols-2">
                    <section class=CARD>
                        <h2 class="text-lg font-semibold">"Resend the holder's mail"</h2>
                        <ActionForm action=resend>
                            <input type="hidden" name="subdomain" value=sub_resend />
                            <input type="hidden" name="slug" value=slug_resend />
                            <button type="submit" class=SECONDARY>"Resend mail"</button>
                        </ActionForm>
                        <ActionError error=error_of(resend.value()) />
                    </section>
                    <section class="space-y-3 rounded border border-red-200 bg-white p-4">
                        <h2 class="text-lg font-semibold text-red-900">"Revoke this badge"</h2>
                        <ActionForm action=revoke attr:class="space-y-3">
                            <input type="hidden" name="subdomain" value=sub_revoke />
                            <input type="hidden" name="slug" value=slug_revoke />
                            <div>
                                <label for="reason" class=LABEL>"Reason (shown to verifiers)"</label>
                                <input id="reason" name="reason" type="text" required=true class=INPUT />
                            </div>
                            <label class="flex items-center gap-2 text-sm">
                                <input type="checkbox" name="confirm" value="yes" />
                                "I understand that a revoked badge cannot be restored."
                            </label>
                            <ActionError error=error_of(revoke.value()) />
                            <button type="submit" class=DANGER>"Revoke badge"</button>
                        </ActionForm>
                    </section>
                </div>
            })}
        </section>
    }
}
