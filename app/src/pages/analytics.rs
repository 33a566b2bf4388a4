//! Issuer analytics (`/portal/:subdomain/analytics`): the range's figures,
//! SVG charts drawn on the server (each with its table and a CSV export),
//! the claim → share → view funnel, top templates and their metadata
//! completeness.
//!
//! Without JavaScript the range form is a plain GET form and the page comes
//! back whole. Hydrated, [`AnalyticsRange`] (an island around the
//! server-rendered board) fetches the new range's report through
//! `get_analytics` and shows it in place, updating the address bar.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use laurel::analytics::{Bar, Export, CUSTOM, PRESET_DAYS};

use crate::components::portal::{org_nav, refusal, subdomain_param};
use crate::components::style::{ALERT, BUTTON, CARD, CELL, INPUT, LABEL, TABLE};
use crate::error::AppError;
use crate::paths::portal;
use crate::server_fns::analytics::export_analytics::ExportAnalytics;
use crate::server_fns::analytics::get_analytics::{get_analytics, AnalyticsView};
use crate::server_fns::analytics::AnalyticsQuery;

/// `/portal/:subdomain/analytics`.
#[component]
pub fn AnalyticsPage() -> impl IntoView {
    let subdomain = subdomain_param();
    let query = use_query_map();
    let asked = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        AnalyticsQuery {
            days: get("days"),
            from: get("from"),
            to: get("to"),
            template: get("template"),
        }
    };
    let data = Resource::new(move || (subdomain(), asked()), |(s, q)| get_analytics(s, q));
    view! {
        <Title text="Analytics" />
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let sub = subdomain();
                match data.await {
                    Ok(v) => {
                        let query = query_of(&v);
                        let templates = v.report.templates.iter().map(|t| (t.id, t.name.clone())).collect::<Vec<_>>();
                        view! {
                            <Heading subdomain=sub.clone() />
                            <AnalyticsRange subdomain=sub query templates>
                                <Board v=v.clone() />
                            </AnalyticsRange>
                        }.into_any()
                    }
                    Err(AppError::Invalid(message)) => view! {
                        <Heading subdomain=sub.clone() />
                        <p role="alert" class=ALERT>{message}</p>
                        <p><a href=portal(&sub).analytics() class="underline">"Show the last 30 days"</a></p>
                    }.into_any(),
                    Err(e) => refusal(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn Heading(subdomain: String) -> impl IntoView {
    view! {
        <header class="mb-6 space-y-2">
            <h1 class="text-2xl font-bold">"Analytics"</h1>
            {org_nav(&subdomain, "Analytics")}
        </header>
    }
}

/// The query that shows `v`'s report again: its preset, or its dates.
fn query_of(v: &AnalyticsView) -> AnalyticsQuery {
    let r = &v.report;
    AnalyticsQuery {
        days: v
            .preset
            .map_or_else(|| CUSTOM.to_owned(), |d| d.to_string()),
        from: r.range.from.to_string(),
        to: r.range.to.to_string(),
        template: r.template.map(|t| t.to_string()).unwrap_or_default(),
    }
}

/// The query string of `q` (values are digits, dates and `custom`).
fn query_string(q: &AnalyticsQuery) -> String {
    let mut pairs = vec![format!("days={}", q.days)];
    if q.days == CUSTOM {
        pairs.push(format!("from={}", q.from));
        pairs.push(format!("to={}", q.to));
    }
    if !q.template.is_empty() {
        pairs.push(format!("template={}", q.template));
    }
    pairs.join("&")
}

/// The range form around the board (an island). `children` is the board
/// the server rendered; hydrated, a changed range replaces it in place.
#[island]
fn AnalyticsRange(
    subdomain: String,
    query: AnalyticsQuery,
    templates: Vec<(i64, String)>,
    children: Children,
) -> impl IntoView {
    let days = RwSignal::new(query.days.clone());
    let from = RwSignal::new(query.from.clone());
    let to = RwSignal::new(query.to.clone());
    let template = RwSignal::new(query.template.clone());
    let fresh: RwSignal<Option<Result<AnalyticsView, String>>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let asked = move || AnalyticsQuery {
        days: days.get_untracked(),
        from: from.get_untracked(),
        to: to.get_untracked(),
        template: template.get_untracked(),
    };
    let sub = StoredValue::new(subdomain.clone());
    let load = move || {
        #[cfg(feature = "hydrate")]
        browser::load(sub.get_value(), asked(), fresh, busy);
        #[cfg(not(feature = "hydrate"))]
        let _ = (sub, asked, busy);
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load();
    };
    let selected = |a: &str, b: &str| a == b;
    view! {
        <form method="get" class="mb-6 grid gap-3 rounded border border-stone-200 bg-white p-4 md:grid-cols-5"
            on:submit=on_submit data-testid="analytics-range">
            <div>
                <label for="days" class=LABEL>"Range"</label>
                <select id="days" name="days" class=INPUT
                    on:change=move |ev| { days.set(event_target_value(&ev)); if days.get_untracked() != CUSTOM { load(); } }>
                    {PRESET_DAYS.iter().map(|(d, label)| view! {
                        <option value=d.to_string() selected=selected(&d.to_string(), &query.days)>{*label}</option>
                    }).collect_view()}
                    <option value=CUSTOM selected=selected(CUSTOM, &query.days)>"Dates below"</option>
                </select>
            </div>
            <div>
                <label for="from" class=LABEL>"From"</label>
                <input id="from" name="from" type="date" value=query.from.clone() class=INPUT
                    on:change=move |ev| { from.set(event_target_value(&ev)); days.set(CUSTOM.into()); } />
            </div>
            <div>
                <label for="to" class=LABEL>"To"</label>
                <input id="to" name="to" type="date" value=query.to.clone() class=INPUT
                    on:change=move |ev| { to.set(event_target_value(&ev)); days.set(CUSTOM.into()); } />
            </div>
            <div>
                <label for="template" class=LABEL>"Template"</label>
                <select id="template" name="template" class=INPUT
                    on:change=move |ev| { template.set(event_target_value(&ev)); load(); }>
                    <option value="">"All templates"</option>
                    {templates.into_iter().map(|(id, name)| view! {
                        <option value=id.to_string() selected=selected(&id.to_string(), &query.template)>{name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="flex items-end">
                <button type="submit" class=BUTTON>"Show"</button>
            </div>
            <p class="text-xs text-stone-600 md:col-span-5" aria-live="polite" data-testid="analytics-status">
                {move || if busy.get() { "Loading…" } else { "" }}
            </p>
        </form>
        <div hidden=move || fresh.with(|f| f.is_some())>{children()}</div>
        {move || fresh.get().map(|f| match f {
            Ok(v) => view! { <Board v /> }.into_any(),
            Err(message) => view! { <p role="alert" class=ALERT>{message}</p> }.into_any(),
        })}
    }
}

/// What only the browser does: fetch a range's report and show it in place.
#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;

    use super::query_string;
    use crate::paths::portal;
    use crate::server_fns::analytics::get_analytics::{get_analytics, AnalyticsView};
    use crate::server_fns::analytics::AnalyticsQuery;

    pub fn load(
        subdomain: String,
        query: AnalyticsQuery,
        fresh: RwSignal<Option<Result<AnalyticsView, String>>>,
        busy: RwSignal<bool>,
    ) {
        busy.set(true);
        leptos::task::spawn_local(async move {
            let answer = get_analytics(subdomain.clone(), query.clone()).await;
            if answer.is_ok() {
                let url = format!(
                    "{}?{}",
                    portal(&subdomain).analytics(),
                    query_string(&query)
                );
                if let Ok(history) = window().history() {
                    let _ = history.replace_state_with_url(
                        &leptos::wasm_bindgen::JsValue::NULL,
                        "",
                        Some(&url),
                    );
                }
            }
            fresh.set(Some(answer.map_err(|e| e.to_string())));
            busy.set(false);
        });
    }
}

/// The figures, charts and tables of one report.
#[component]
fn Board(v: AnalyticsView) -> impl IntoView {
    let query = query_of(&v);
    let r = v.report;
    let t = r.totals;
    let subdomain = v.subdomain.clone();
    let csv = move |export: Export| {
        format!(
            "{}?subdomain={}&export={}&{}",
            <ExportAnalytics as ServerFn>::url(),
            subdomain,
            export.as_str(),
            query_string(&query)
                .split('&')
                .map(|p| format!("query[{}", p.replacen('=', "]=", 1)))
                .collect::<Vec<_>>()
                .join("&")
        )
    };
    let rate = |p: Option<i64>| p.map_or_else(|| "—".to_owned(), |p| format!("{p} %"));
    let figure = |label: &'static str, value: String, note: String, id: &'static str| {
        view! {
            <div class=CARD>
                <p class="text-sm text-stone-600">{label}</p>
                <p class="text-2xl font-bold" data-testid=format!("figure-{id}")>{value}</p>
                <p class="text-xs text-stone-600">{note}</p>
            </div>
        }
    };
    let templates_csv = csv(Export::Templates);
    let tables = StoredValue::new(r.clone());
    let chart = move |title: &'static str, svg: String, export: Export| {
        let (header, rows) = tables.with_value(|r| r.table(export));
        view! {
            <figure class="space-y-2 rounded border border-stone-200 bg-white p-4" data-testid=format!("chart-{}", export.as_str())>
                <figcaption class="font-semibold">{title}</figcaption>
                <div class="overflow-x-auto [&>svg]:h-auto [&>svg]:max-w-full" inner_html=svg></div>
                <details>
                    <summary class="cursor-pointer text-sm underline">{format!("{title}: the numbers")}</summary>
                    <table class=TABLE data-testid=format!("table-{}", export.as_str())>
                        <thead><tr>{header.into_iter().map(|h| view! { <th class=CELL scope="col">{h}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {rows.into_iter().map(|row| view! {
                                <tr>{row.into_iter().map(|c| view! { <td class=CELL>{c}</td> }).collect_view()}</tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </details>
                <p class="text-sm"><a href=csv(export) class="underline" download=format!("{}.csv", export.as_str())>
                    {format!("Export “{title}” as CSV")}
                </a></p>
            </figure>
        }
    };
    let range = format!("{} to {}", r.range.from, r.range.to);
    let funnel_note = |bars: &[Bar]| {
        bars.windows(2)
            .map(|w| {
                format!(
                    "{} → {}: {}",
                    w[0].label,
                    w[1].label,
                    rate(laurel::analytics::percent(w[1].value, w[0].value))
                )
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };
    let mean = t
        .mean_delay()
        .map_or_else(|| "—".to_owned(), |d| format!("{d:.1} days"));
    view! {
        <div class="space-y-6" data-testid="analytics" data-from=r.range.from.to_string() data-to=r.range.to.to_string()>
            <p class="text-sm text-stone-600">{format!("{range} (UTC). Figures are updated every minute.")}</p>
            <div class="grid gap-4 md:grid-cols-3">
                {figure("Badges issued", t.issued.to_string(), format!("{} revoked · {} expired", t.revoked, t.expired), "issued")}
                {figure("Claim rate", rate(t.claim_rate()), format!("{} claimed", t.claimed), "claim-rate")}
                {figure("Share rate", rate(t.share_rate()), format!("{} shares of claimed badges", t.shares), "share-rate")}
                {figure("Page views", t.views.to_string(), format!("{} unique visitors (per day) · {} embeds", t.visitors, t.embeds), "views")}
                {figure("Verifications", t.verified.to_string(), format!("signed documents fetched · {} imported into wallets", t.imported), "verified")}
                {figure("Achievement to issue", mean, "mean delay: lower is more automated".to_owned(), "delay")}
            </div>
            {chart("Activity per day", r.charts.activity.clone(), Export::Activity)}
            <div class="grid gap-4 lg:grid-cols-2">
                <div class="space-y-1">
                    {chart("From issue to view", r.charts.funnel.clone(), Export::Funnel)}
                    <p class="text-sm text-stone-600" data-testid="funnel-rates">{funnel_note(&r.funnel)}</p>
                </div>
                {chart("Shares per network", r.charts.shares.clone(), Export::Shares)}
                {chart("Where visitors came from", r.charts.referrers.clone(), Export::Referrers)}
                {chart("Verifications per document", r.charts.verifications.clone(), Export::Verifications)}
                {chart("Days from achievement to issue", r.charts.delays.clone(), Export::Delays)}
            </div>
            <section class="space-y-2">
                <h2 class="text-lg font-semibold">"Templates"</h2>
                <p class="text-sm text-stone-600">"Most issued first. Completeness counts criteria, description, image, alignments, tags and expiry."</p>
                <table class=TABLE data-testid="table-templates">
                    <thead><tr>
                        <th class=CELL scope="col">"Template"</th><th class=CELL scope="col">"Issued"</th>
                        <th class=CELL scope="col">"Claimed"</th><th class=CELL scope="col">"Shares"</th>
                        <th class=CELL scope="col">"Views"</th><th class=CELL scope="col">"Verifications"</th>
                        <th class=CELL scope="col">"Completeness"</th>
                    </tr></thead>
                    <tbody>
                        {r.templates.iter().map(|l| {
                            let missing = l.completeness.missing.clone();
                            view! {
                                <tr>
                                    <td class=CELL><a href=portal(&v.subdomain).template(l.id) class="underline">{l.name.clone()}</a>
                                        {l.archived.then_some(" (archived)")}</td>
                                    <td class=CELL>{l.issued}</td><td class=CELL>{l.claimed}</td><td class=CELL>{l.shares}</td>
                                    <td class=CELL>{l.views}</td><td class=CELL>{l.verified}</td>
                                    <td class=CELL>
                                        <span class="font-semibold">{format!("{} %", l.completeness.score)}</span>
                                        {(!missing.is_empty()).then(|| view! {
                                            <ul class="list-disc pl-5 text-xs text-stone-600">
                                                {missing.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                                            </ul>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="text-sm"><a href=templates_csv class="underline" download="templates.csv">"Export the templates as CSV"</a></p>
            </section>
        </div>
    }
}
