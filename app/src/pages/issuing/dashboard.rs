//! The dashboard (`/portal/:subdomain`): this month, pending claims, recent badges.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::portal::{loaded, org_nav, subdomain_param};
use crate::components::style::{CARD, NOTICE};
use crate::paths::portal;
use crate::server_fns::issuing::get_dashboard::{get_dashboard, DashboardView};

/// `/portal/:subdomain`: the organisation's dashboard.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let subdomain = subdomain_param();
    let data = Resource::new(subdomain, get_dashboard);
    view! {
        <Title text="Dashboard" />
        {loaded(data, move |d| view! { <Dashboard d /> })}
    }
}

#[component]
fn Dashboard(d: DashboardView) -> impl IntoView {
    let sub = d.subdomain.clone();
    let figure = |label: &'static str, value: i64, id: &'static str| {
        view! {
            <div class="rounded border border-stone-200 bg-white p-4">
                <p class="text-2xl font-bold" data-testid=id>{value}</p>
                <p class="text-sm text-stone-600">{label}</p>
            </div>
        }
    };
    let new_org = d.issued_all_time == 0;
    let first_step = if d.templates > 0 {
        "line-through text-stone-500"
    } else {
        ""
    };
    view! {
        <section class="space-y-6">
            <header class="space-y-2">
                <h1 class="text-2xl font-bold">{d.organisation_name.clone()}</h1>
                {org_nav(&d.subdomain, "Dashboard")}
            </header>
            <div class="grid grid-cols-2 gap-4 md:grid-cols-4">
                {figure("badges issued this month", d.issued_this_month, "issued-month")}
                {figure("badges issued in all", d.issued_all_time, "issued-all")}
                {figure("waiting to be claimed", d.pending_claims, "pending-claims")}
                {figure("templates", d.templates, "templates-count")}
            </div>
            {d.sending_limit.clone().map(|l| view! {
                <p class=NOTICE data-testid="sending-limit">
                    {format!(
                        "Until Laurel verifies your organisation, it can issue {} badges and send {} mails a day. Left today: {} badges, {} mails. \
                         The limit ends when the operator of this Laurel verifies your organisation, or once it has paid an invoice.",
                        l.badges_per_day, l.mails_per_day, l.badges_left, l.mails_left
                    )}
                </p>
            })}
            {(d.running_batches > 0).then(|| view! {
                <p class=NOTICE>{format!("{} CSV batch(es) issuing now. ", d.running_batches)}
                    <a href=portal(&sub).batches() class="underline">"Follow them"</a></p>
            })}
            {new_org.then(|| view! {
                <section class=CARD aria-labelledby="next-steps">
                    <h2 id="next-steps" class="text-lg font-semibold">"Get started"</h2>
                    <ol class="list-decimal space-y-1 pl-6">
                        <li class=first_step>
                            <a href=portal(&d.subdomain).new_template() class="underline">"Design your first badge template"</a>
                            " — name, criteria and a square PNG or SVG image."
                        </li>
                        <li>"Issue a first badge: by hand on the template's page, or many at once with a "
                            <a href=portal(&d.subdomain).batches() class="underline">"CSV batch"</a>"."</li>
                        <li><a href=portal(&d.subdomain).settings() class="underline">"Complete your public profile"</a>" so holders and verifiers know who you are."</li>
                    </ol>
                </section>
            })}
            <section class="space-y-2">
                <h2 class="text-lg font-semibold">"Recently issued"</h2>
                {if d.recent.is_empty() {
                    view! { <p class="text-sm text-stone-600">"No badges yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="space-y-1 text-sm">
                            {d.recent.into_iter().map(|r| view! {
                                <li>
                                    <a href=portal(&d.subdomain).badge(r.slug) class="underline">{r.badge}</a>
                                    {format!(" — {} · {}", r.recipient, r.issued_on)}
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </section>
    }
}
