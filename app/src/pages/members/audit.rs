//! The audit log (`/portal/:subdomain/audit`): security events, newest first.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::portal::{org_nav, reloaded, subdomain_param};
use crate::components::style::{CELL, TABLE};
use crate::paths::portal;
use crate::server_fns::members::get_audit_log::{get_audit_log, AuditView};

/// `/portal/:subdomain/audit`: the organisation's security events, newest
/// first, fifty to a page (`?before=` the last id seen).
#[component]
pub fn AuditPage() -> impl IntoView {
    let subdomain = subdomain_param();
    let query = use_query_map();
    let before = move || {
        query
            .read()
            .get("before")
            .and_then(|b| b.parse::<i64>().ok())
    };
    let log = Resource::new(
        move || (subdomain(), before()),
        |(subdomain, before)| get_audit_log(subdomain, before),
    );
    view! {
        <Title text="Audit log" />
        {reloaded(log, audit_view)}
    }
}

fn audit_view(v: AuditView) -> impl IntoView {
    let AuditView {
        subdomain,
        organisation_name,
        entries,
        older,
    } = v;
    let empty = entries.is_empty();
    let rows = entries
        .into_iter()
        .map(|e| {
            let row_event = e.event.clone();
            view! {
                <tr data-event=row_event>
                    <td class=CELL><time>{e.time}</time></td>
                    <td class=CELL>{e.actor}</td>
                    <td class=CELL><code>{e.event}</code></td>
                    <td class=CELL>{e.detail}</td>
                    <td class=CELL><span class="font-mono">{e.ip}</span></td>
                </tr>
            }
        })
        .collect_view();
    let older_link = older.map(|id| {
        view! {
            <p>
                <a href=format!("{}?before={}", portal(&subdomain).audit(), id) class="underline">
                    "Older entries"
                </a>
            </p>
        }
    });
    view! {
        <section class="space-y-6">
            <header class="space-y-2">
                {org_nav(&subdomain, "Audit log")}
                <h1 class="text-2xl font-bold">"Audit log of " {organisation_name}</h1>
                <p class="text-sm text-stone-600">
                    "Security events of the organisation and its members' sign-ins, newest first. Times are UTC."
                </p>
            </header>
            {if empty {
                view! { <p>"No entries."</p> }.into_any()
            } else {
                view! {
                    <table class=TABLE>
                        <thead>
                            <tr>
                                <th class=CELL>"Time"</th>
                                <th class=CELL>"Actor"</th>
                                <th class=CELL>"Event"</th>
                                <th class=CELL>"Detail"</th>
                                <th class=CELL>"IP"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }}
            {older_link}
        </section>
    }
}
