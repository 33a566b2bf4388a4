//! The issuer workspace around templates: the dashboard, CSV batches
//! (upload → preview → confirm → progress → result file), the issued-badge
//! register with its detail page (revoke, resend), and the holder's claim
//! page. Every page renders whole on the server and works without
//! JavaScript; hydrated, the batch page follows progress live.

use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::{ActionError, BUTTON};
use crate::components::portal::{
    error_of, id_param, org_nav, refusal, subdomain_param, ALERT, CARD, CELL, INPUT, LABEL, NOTICE,
    SECONDARY, TABLE,
};
use crate::error::AppError;
use crate::server_fns::accept_badge::AcceptBadge;
use crate::server_fns::batch_results::BatchResults;
use crate::server_fns::confirm_batch::ConfirmBatch;
use crate::server_fns::export_register::ExportRegister;
use crate::server_fns::get_batch::{get_batch, BatchView};
use crate::server_fns::get_batches::{get_batches, BatchesView};
use crate::server_fns::get_claim::get_claim;
use crate::server_fns::get_dashboard::{get_dashboard, DashboardView};
use crate::server_fns::get_issued_badge::{get_issued_badge, IssuedBadgeView};
use crate::server_fns::get_register::{get_register, RegisterFilters, RegisterView};
use crate::server_fns::resend_badge_mail::ResendBadgeMail;
use crate::server_fns::revoke_badge::RevokeBadge;
use crate::server_fns::upload_batch::UploadBatch;

/// `/portal/:subdomain`: the organisation's dashboard.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let subdomain = subdomain_param();
    let data = Resource::new(subdomain, get_dashboard);
    view! {
        <Title text="Dashboard" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <Dashboard d /> }.into_any(),
                    Err(e) => refusal(e),
                }
            })}
        </Suspense>
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
            {(d.running_batches > 0).then(|| view! {
                <p class=NOTICE>{format!("{} CSV batch(es) issuing now. ", d.running_batches)}
                    <a href=format!("/portal/{sub}/batches") class="underline">"Follow them"</a></p>
            })}
            {new_org.then(|| view! {
                <section class=CARD aria-labelledby="next-steps">
                    <h2 id="next-steps" class="text-lg font-semibold">"Get started"</h2>
                    <ol class="list-decimal space-y-1 pl-6">
                        <li class=first_step>
                            <a href=format!("/portal/{}/templates/new", d.subdomain) class="underline">"Design your first badge template"</a>
                            " — name, criteria and a square PNG or SVG image."
                        </li>
                        <li>"Issue a first badge: by hand on the template's page, or many at once with a "
                            <a href=format!("/portal/{}/batches", d.subdomain) class="underline">"CSV batch"</a>"."</li>
                        <li><a href=format!("/portal/{}/settings", d.subdomain) class="underline">"Complete your public profile"</a>" so holders and verifiers know who you are."</li>
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
                                    <a href=format!("/portal/{}/badges/{}", d.subdomain, r.slug) class="underline">{r.badge}</a>
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

/// `/portal/:subdomain/batches`: upload a CSV, the format, recent batches.
#[component]
pub fn BatchesPage() -> impl IntoView {
    let subdomain = subdomain_param();
    let data = Resource::new(subdomain, get_batches);
    view! {
        <Title text="CSV batches" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => view! { <Batches v /> }.into_any(),
                    Err(e) => refusal(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Batches(v: BatchesView) -> impl IntoView {
    let upload_error = use_context::<leptos::server::ServerActionError>()
        .filter(|e| e.path() == <UploadBatch as ServerFn>::PATH)
        .map(|e| ServerFnUrlError::<AppError>::decode_err(e.err()));
    let sub = v.subdomain.clone();
    let upload_url = <UploadBatch as ServerFn>::url();
    view! {
        <section class="space-y-6">
            <header class="space-y-2">
                <h1 class="text-2xl font-bold">"Issue badges by CSV batch"</h1>
                {org_nav(&v.subdomain, "CSV batches")}
            </header>
            {if v.templates.is_empty() {
                view! { <p class=NOTICE>"Create a " <a href=format!("/portal/{sub}/templates/new") class="underline">"badge template"</a> " first."</p> }.into_any()
            } else {
                view! {
                    <form method="post" enctype="multipart/form-data" action=upload_url class=CARD>
                        <input type="hidden" name="subdomain" value=v.subdomain.clone() />
                        <div>
                            <label for="template_id" class=LABEL>"Template"</label>
                            <select id="template_id" name="template_id" class=INPUT>
                                {v.templates.iter().map(|t| view! { <option value=t.id>{t.name.clone()}</option> }).collect_view()}
                            </select>
                            <p class="mt-1 text-xs text-stone-600">"Rows with a template column use the template with that external ID instead."</p>
                        </div>
                        <div>
                            <label for="file" class=LABEL>"CSV file (UTF-8, at most 100,000 rows)"</label>
                            <input id="file" name="file" type="file" accept=".csv,text/csv" required=true class="mt-1" />
                        </div>
                        <ActionError error=Signal::stored(upload_error) />
                        <button type="submit" class=BUTTON>"Upload and preview"</button>
                        <p class="text-xs text-stone-600">"Nothing is issued until you confirm the preview."</p>
                    </form>
                }.into_any()
            }}
            <section class="space-y-2">
                <h2 class="text-lg font-semibold">"The file's columns"</h2>
                <p class="text-sm"><a href="/samples/laurel-batch-sample.csv" download="laurel-batch-sample.csv" class="underline">"Download a sample CSV"</a>
                    " — the first line names the columns (any order; only email, last_name and achievement_date are required)."</p>
                <table class=TABLE>
                    <tbody>
                        {v.columns.into_iter().map(|(c, d)| view! {
                            <tr><td class=CELL><code>{c}</code></td><td class=CELL>{d}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            <section class="space-y-2">
                <h2 class="text-lg font-semibold">"Recent batches"</h2>
                <ul class="space-y-1 text-sm" data-testid="batches">
                    {v.batches.into_iter().map(|b| view! {
                        <li>
                            <a href=format!("/portal/{sub}/batches/{}", b.id) class="underline">{b.file_name}</a>
                            {format!(" — {} rows · {} · {}", b.rows, b.status, b.uploaded)}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        </section>
    }
}

/// `/portal/:subdomain/batches/:id`: preview and confirmation, then the
/// progress (live when hydrated, a refreshing page without JavaScript),
/// then the result file.
#[component]
pub fn BatchPage() -> impl IntoView {
    let subdomain = subdomain_param();
    let id = id_param("id");
    let confirm = ServerAction::<ConfirmBatch>::new();
    let tick = RwSignal::new(0u32);
    let data = Resource::new(
        move || (subdomain(), id(), confirm.version().get(), tick.get()),
        |(s, id, ..)| get_batch(s, id),
    );
    // Hydrated: poll once a second while the batch runs.
    #[cfg(feature = "hydrate")]
    {
        let handle = set_interval_with_handle(
            move || {
                let running = data
                    .get_untracked()
                    .and_then(Result::ok)
                    .is_some_and(|b| b.status == "running");
                if running {
                    tick.update(|n| *n += 1);
                }
            },
            std::time::Duration::from_secs(1),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
    view! {
        <Title text="CSV batch" />
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(b) => view! { <Batch b confirm /> }.into_any(),
                    Err(e) => refusal(e),
                }
            })}
        </Transition>
    }
}

#[component]
fn Batch(b: BatchView, confirm: ServerAction<ConfirmBatch>) -> impl IntoView {
    let results = format!(
        "{}?subdomain={}&id={}",
        <BatchResults as ServerFn>::url(),
        b.subdomain,
        b.id
    );
    let running = b.status == "running";
    let (sub_confirm, sub_cancel) = (b.subdomain.clone(), b.subdomain.clone());
    let hidden =
        |name: &'static str, value: String| view! { <input type="hidden" name=name value=value /> };
    view! {
        <section class="space-y-6" data-testid="batch" data-status=b.status.clone()>
            <header class="space-y-2">
                <h1 class="text-2xl font-bold">{format!("Batch: {}", b.file_name)}</h1>
                {org_nav(&b.subdomain, "CSV batches")}
                <p class="text-sm text-stone-600">{format!("Template: {} · status: {}", b.template_name, b.status)}</p>
            </header>
            <dl class="grid grid-cols-2 gap-2 text-sm md:grid-cols-6" data-testid="counts">
                <div><dt>"Rows"</dt><dd class="font-bold" data-testid="count-total">{b.total}</dd></div>
                <div><dt>"To issue"</dt><dd class="font-bold" data-testid="count-pending">{b.pending}</dd></div>
                <div><dt>"Issued"</dt><dd class="font-bold" data-testid="count-issued">{b.issued}</dd></div>
                <div><dt>"With errors"</dt><dd class="font-bold" data-testid="count-invalid">{b.invalid}</dd></div>
                <div><dt>"Already issued"</dt><dd class="font-bold" data-testid="count-skipped">{b.skipped}</dd></div>
                <div><dt>"Failed"</dt><dd class="font-bold" data-testid="count-failed">{b.failed}</dd></div>
            </dl>
            {(b.status == "preview").then(|| view! {
                <div class=CARD>
                    <p>{format!("{} row(s) will be issued when you confirm; rows with errors or issued before are left out.", b.pending)}</p>
                    <div class="flex gap-3">
                        <ActionForm action=confirm>
                            {hidden("subdomain", sub_confirm)}
                            {hidden("id", b.id.to_string())}
                            {hidden("action", "confirm".into())}
                            <button type="submit" class=BUTTON disabled=b.pending == 0>{format!("Issue {} badge(s)", b.pending)}</button>
                        </ActionForm>
                        <ActionForm action=confirm>
                            {hidden("subdomain", sub_cancel)}
                            {hidden("id", b.id.to_string())}
                            {hidden("action", "cancel".into())}
                            <button type="submit" class=SECONDARY>"Discard"</button>
                        </ActionForm>
                    </div>
                    <ActionError error=error_of(confirm.value()) />
                </div>
            })}
            {(b.status != "preview").then(|| view! {
                <div class="space-y-1">
                    <label for="progress" class=LABEL>"Progress"</label>
                    <progress id="progress" max="100" value=b.percent class="h-4 w-full" aria-valuetext=format!("{} %", b.percent)></progress>
                    <p class="text-sm" data-testid="progress">{format!("{} %", b.percent)}</p>
                </div>
            })}
            {running.then(|| view! {
                // Without JavaScript the page reloads itself while the batch runs.
                <noscript><meta http-equiv="refresh" content="2" /></noscript>
            })}
            {(b.status == "done").then(|| view! {
                <p><a href=results.clone() class=BUTTON download=format!("batch-{}-results.csv", b.id)>"Download the result file (CSV)"</a></p>
            })}
            {(!b.problems.is_empty()).then(|| view! {
                <section class="space-y-2">
                    <h2 class="text-lg font-semibold">"Rows not issued"</h2>
                    <table class=TABLE data-testid="problems">
                        <thead><tr><th class=CELL>"Line"</th><th class=CELL>"Email"</th><th class=CELL>"Status"</th><th class=CELL>"Why"</th></tr></thead>
                        <tbody>
                            {b.problems.into_iter().map(|p| view! {
                                <tr><td class=CELL>{p.line}</td><td class=CELL>{p.email}</td><td class=CELL>{p.status}</td><td class=CELL>{p.message}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            })}
        </section>
    }
}

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
                        <tr data-status=i.status.clone() data-email=email>
                            <td class=CELL>
                                <a href=format!("/portal/{sub}/badges/{}", i.slug) class="underline">{if i.name.is_empty() { i.email.clone() } else { i.name.clone() }}</a>
                                <span class="block text-xs text-stone-500">{i.email}</span>
                            </td>
                            <td class=CELL>{i.badge}</td>
                            <td class=CELL>{i.issued_on}</td>
                            <td class=CELL>{i.expires}</td>
                            <td class=CELL>{i.status.clone()}</td>
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
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(b) => view! { <IssuedBadge b revoke resend /> }.into_any(),
                    Err(e) => refusal(e),
                }
            })}
        </Suspense>
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
    let active = b.status == "active";
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
                    <dt class="font-semibold">"Status"</dt><dd data-testid="badge-status">{b.status.clone()}</dd>
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
                            <button type="submit" class="rounded bg-red-700 px-4 py-2 font-medium text-white">"Revoke badge"</button>
                        </ActionForm>
                    </section>
                </div>
            })}
        </section>
    }
}

/// `/claim?token=…`: the holder's badge and how to keep it.
#[component]
pub fn ClaimPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let accept = ServerAction::<AcceptBadge>::new();
    let data = Resource::new(
        move || (token(), accept.version().get()),
        |(t, _)| get_claim(t),
    );
    view! {
        <Title text="Your badge" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! {
                        <section class="mx-auto max-w-md space-y-3">
                            <h1 class="text-2xl font-bold">"Your badge"</h1>
                            <p role="alert" class=ALERT>{e.to_string()}</p>
                        </section>
                    }.into_any(),
                    Ok(c) => view! {
                        <section class="mx-auto max-w-xl space-y-4">
                            <h1 class="text-2xl font-bold">{format!("{}, you earned “{}”", c.holder, c.badge)}</h1>
                            <div class="flex gap-4">
                                <img src=c.image_url alt="" width="128" height="128" class="h-32 w-32 object-contain" />
                                <div class="space-y-1 text-sm">
                                    <p>{c.description}</p>
                                    <p>{format!("Issued by {} · achieved {}", c.issuer, c.issued_on)}</p>
                                    <p><a href=c.verify_url class="underline">"Its public verification page"</a></p>
                                </div>
                            </div>
                            {if c.revoked {
                                view! { <p role="alert" class=ALERT>"This badge was revoked by its issuer."</p> }.into_any()
                            } else {
                                view! {
                                    <section class=CARD>
                                        <h2 class="text-lg font-semibold">"Keep it"</h2>
                                        <ol class="list-decimal space-y-1 pl-6 text-sm">
                                            <li><a href=c.download_url class="underline">"Download the badge image"</a>
                                                " — the credential is baked into it, so any Open Badges verifier can check it."</li>
                                            <li>"Share the verification page's address on LinkedIn, X or your site."</li>
                                            <li>"Laurel's wallet, where you will collect and publish your badges, is coming; this link will take you there."</li>
                                        </ol>
                                        {if c.claimed {
                                            view! { <p role="status" class=NOTICE data-testid="claimed">"You have accepted this badge."</p> }.into_any()
                                        } else {
                                            view! {
                                                <ActionForm action=accept>
                                                    <input type="hidden" name="token" value=token() />
                                                    <button type="submit" class=BUTTON>"Accept this badge"</button>
                                                </ActionForm>
                                            }.into_any()
                                        }}
                                        <ActionError error=error_of(accept.value()) />
                                    </section>
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
