//! The issued-badge register (`/portal/:subdomain/badges`): search, filters,
//! sort, pages and the CSV export; the filters live in the query string.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::portal::{org_nav, refusal, subdomain_param};
use crate::components::style::{ALERT, BUTTON, CELL, INPUT, LABEL, TABLE};
use crate::error::AppError;
use crate::paths::portal;
use crate::server_fns::issuing::export_register::ExportRegister;
use crate::server_fns::issuing::get_register::{get_register, RegisterFilters, RegisterView};

/// `/portal/:subdomain/badges`: the issued-badge register.
#[component]
pub fn RegisterPage() -> impl IntoView {
    let subdomain = subdomain_param();
    let query = use_query_map();
    let filters = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).unwrap_or_default();
        RegisterFilters {
            q: get("q"),
            template: get("template"),
            status: get("status"),
            from: get("from"),
            to: get("to"),
            sort: get("sort"),
            page: get("page"),
        }
    };
    let data = Resource::new(
        move || (subdomain(), filters()),
        |(s, f)| get_register(s, f),
    );
    view! {
        <Title text="Issued badges" />
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let f = filters();
                match data.await {
                    Ok(v) => view! { <Register v f /> }.into_any(),
                    Err(AppError::Invalid(message)) => view! {
                        <p role="alert" class=ALERT>{message}</p>
                        <p><a href="?" class="underline">"Clear the filters"</a></p>
                    }.into_any(),
                    Err(e) => refusal(e),
                }
            })}
        </Transition>
    }
}

fn query_string(f: &RegisterFilters, page: Option<i64>) -> String {
    let pairs = [
        ("q", f.q.clone()),
        ("template", f.template.clone()),
        ("status", f.status.clone()),
        ("from", f.from.clone()),
        ("to", f.to.clone()),
        ("sort", f.sort.clone()),
        ("page", page.map(|p| p.to_string()).unwrap_or_default()),
    ];
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query value (everything but unreserved characters).
fn urlencode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
fn Register(v: RegisterView, f: RegisterFilters) -> impl IntoView {
    let sub = v.subdomain.clone();
    let export = format!(
        "{}?subdomain={}&{}",
        <ExportRegister as ServerFn>::url(),
        sub,
        query_string(&f, None)
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| format!("filters[{}", p.replacen('=', "]=", 1)))
            .collect::<Vec<_>>()
            .join("&")
    );
    let selected = |a: &str, b: &str| a == b;
    let page_link = |p: i64| format!("?{}", query_string(&f, Some(p)));
    let total = if v.capped {
        format!("more than {}", v.total)
    } else {
        v.total.to_string()
    };
    view! {
        <section class="space-y-6">
            <header class="space-y-2">
                <h1 class="text-2xl font-bold">"Issued badges"</h1>
                {org_nav(&v.subdomain, "Issued badges")}
            </header>
            <form method="get" class="grid gap-3 rounded border border-stone-200 bg-white p-4 md:grid-cols-6" role="search">
                <div class="md:col-span-2">
                    <label for="q" class=LABEL>"Recipient email or name"</label>
                    <input id="q" name="q" type="search" value=f.q.clone() class=INPUT />
                </div>
                <div>
                    <label for="template" class=LABEL>"Template"</label>
                    <select id="template" name="template" class=INPUT>
                        <option value="">"All"</option>
                        {v.templates.iter().map(|t| view! {
                            <option value=t.id selected=selected(&t.id.to_string(), &f.template)>{t.name.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="status" class=LABEL>"Status"</label>
                    <select id="status" name="status" class=INPUT>
                        {[("", "All"), ("active", "Active"), ("revoked", "Revoked"), ("expired", "Expired")].into_iter().map(|(val, label)| view! {
                            <option value=val selected=selected(val, &f.status)>{label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="from" class=LABEL>"Achieved from"</label>
                    <input id="from" name="from" type="date" value=f.from.clone() class=INPUT />
                </div>
                <div>
                    <label for="to" class=LABEL>"to"</label>
                    <input id="to" name="to" type="date" value=f.to.clone() class=INPUT />
                </div>
                <div>
                    <label for="sort" class=LABEL>"Sort"</label>
                    <select id="sort" name="sort" class=INPUT>
                        {[("newest", "Newest first"), ("oldest", "Oldest first"), ("name", "Name"), ("email", "Email")].into_iter().map(|(val, label)| view! {
                            <option value=val selected=selected(val, &f.sort)>{label}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="flex items-end gap-3 md:col-span-5">
                    <button type="submit" class=BUTTON>"Search"</button>
                    <a href=export class="underline" download="badges.csv">"Export these as CSV"</a>
                </div>
            </form>
            <p class="text-sm text-stone-600" data-testid="register-total">{format!("{total} badge(s)")}</p>
            <table class=TABLE data-testid="register">
                <thead><tr>
                    <th class=CELL>"Recipient"</th><th class=CELL>"Badge"</th><th class=CELL>"Achieved"</th>
                    <th class=CELL>"Expires"</th><th class=CELL>"Status"</th><th class=CELL>"Claimed"</th>
                </tr></thead>
                <tbody>
                    {v.items.into_iter().map(|i| { let email = i.email.clone(); view! {
                        <tr data-status=i.status.as_str() data-email=email>
                            <td class=CELL>
                                <a href=portal(&sub).badge(i.slug) class="underline">{if i.name.is_empty() { i.email.clone() } else { i.name.clone() }}</a>
                                <span class="block text-xs text-stone-500">{i.email}</span>
                            </td>
                            <td class=CELL>{i.badge}</td>
                            <td class=CELL>{i.issued_on}</td>
                            <td class=CELL>{i.expires}</td>
                            <td class=CELL>{i.status.as_str()}</td>
                            <td class=CELL>{if i.claimed { "yes" } else { "" }}</td>
                        </tr>
                    }}).collect_view()}
                </tbody>
            </table>
            <nav class="flex gap-4 text-sm" aria-label="Pages">
                {(v.page > 1).then(|| view! { <a href=page_link(v.page - 1) class="underline" rel="prev">"Previous"</a> })}
                <span>{format!("Page {} of {}", v.page, v.pages)}</span>
                {(v.page < v.pages).then(|| view! { <a href=page_link(v.page + 1) class="underline" rel="next">"Next"</a> })}
            </nav>
        </section>
    }
}
