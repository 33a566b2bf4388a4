//! CSV batches (`/portal/:subdomain/batches[/:id]`): upload → preview → confirm →
//! progress → result file. The batch itself is an island ([`BatchLive`]):
//! hydrated, it follows the progress live.

use laurel::BatchStatus;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use crate::components::form::{url_error, ActionError};
use crate::components::portal::{id_param, loaded, org_nav, subdomain_param, BillingRefusal};
use crate::components::style::{BUTTON, CARD, CELL, INPUT, LABEL, NOTICE, SECONDARY, TABLE};
use crate::error::AppError;
use crate::paths::portal;
use crate::server_fns::issuing::batch_results::BatchResults;
use crate::server_fns::issuing::confirm_batch::ConfirmBatch;
use crate::server_fns::issuing::get_batch::{get_batch, BatchView};
use crate::server_fns::issuing::get_batches::{get_batches, BatchesView};
use crate::server_fns::issuing::upload_batch::UploadBatch;

/// `/portal/:subdomain/batches`: upload a CSV, the format, recent batches.
#[component]
pub fn BatchesPage() -> impl IntoView {
    let subdomain = subdomain_param();
    let data = Resource::new(subdomain, get_batches);
    view! {
        <Title text="CSV batches" />
        {loaded(data, move |v| view! { <Batches v /> })}
    }
}

#[component]
fn Batches(v: BatchesView) -> impl IntoView {
    let upload_error = url_error::<UploadBatch>();
    let sub = v.subdomain.clone();
    let upload_url = <UploadBatch as ServerFn>::url();
    view! {
        <section class="space-y-6">
            <header class="space-y-2">
                <h1 class="text-2xl font-bold">"Issue badges by CSV batch"</h1>
                {org_nav(&v.subdomain, "CSV batches")}
            </header>
            {if v.templates.is_empty() {
                view! { <p class=NOTICE>"Create a " <a href=portal(&sub).new_template() class="underline">"badge template"</a> " first."</p> }.into_any()
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
                            <a href=portal(&sub).batch(b.id) class="underline">{b.file_name}</a>
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
    let data = Resource::new(move || (subdomain(), id()), |(s, id)| get_batch(s, id));
    view! {
        <Title text="CSV batch" />
        {loaded(data, move |b| view! { <BatchLive b confirm_error={url_error::<ConfirmBatch>()} /> })}
    }
}

/// A batch as it goes (an island): hydrated, it asks the server for the
/// batch once a second while it runs and shows each answer, so the progress
/// counts up without a reload. `confirm_error` is the refusal of the last
/// confirmation, read from the URL by the page.
#[island]
fn BatchLive(b: BatchView, confirm_error: Option<AppError>) -> impl IntoView {
    let batch = RwSignal::new(b);
    #[cfg(feature = "hydrate")]
    browser::follow(batch);
    move || view! { <Batch b=batch.get() confirm_error=confirm_error.clone() /> }
}

/// What only the browser does: follow a running batch.
#[cfg(feature = "hydrate")]
mod browser {
    use laurel::BatchStatus;
    use leptos::prelude::*;

    use crate::server_fns::issuing::get_batch::{get_batch, BatchView};

    /// Polls the batch once a second while it runs (one request at a time),
    /// until it stops running or the island goes away.
    pub fn follow(batch: RwSignal<BatchView>) {
        let asking = StoredValue::new(false);
        let handle = set_interval_with_handle(
            move || {
                let b = batch.get_untracked();
                if b.status != BatchStatus::Running
                    || b.stalled_reason.is_some()
                    || asking.get_value()
                {
                    return;
                }
                asking.set_value(true);
                leptos::task::spawn_local(async move {
                    if let Ok(next) = get_batch(b.subdomain, b.id).await {
                        batch.set(next);
                    }
                    asking.set_value(false);
                });
            },
            std::time::Duration::from_secs(1),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    }
}

#[component]
fn Batch(b: BatchView, confirm_error: Option<AppError>) -> impl IntoView {
    let results = format!(
        "{}?subdomain={}&id={}",
        <BatchResults as ServerFn>::url(),
        b.subdomain,
        b.id
    );
    let running = b.status == BatchStatus::Running && b.stalled_reason.is_none();
    // Plain forms (in the island too): the server answers a confirmation
    // with the batch page again.
    let confirm_url = <ConfirmBatch as ServerFn>::url();
    let (sub_confirm, sub_cancel, sub_resume) = (
        b.subdomain.clone(),
        b.subdomain.clone(),
        b.subdomain.clone(),
    );
    let hidden =
        |name: &'static str, value: String| view! { <input type="hidden" name=name value=value /> };
    view! {
        <section class="space-y-6" data-testid="batch" data-status=b.status.as_str()>
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
            {(b.status == BatchStatus::Preview).then(|| view! {
                <div class=CARD>
                    <p>{format!("{} row(s) will be issued when you confirm; rows with errors or issued before are left out.", b.pending)}</p>
                    <BillingRefusal
                        refusal=b.billing_refusal.clone()
                        subscription=crate::paths::portal(&b.subdomain).subscription()
                    />
                    <div class="flex gap-3">
                        <form method="post" action=confirm_url>
                            {hidden("subdomain", sub_confirm)}
                            {hidden("id", b.id.to_string())}
                            {hidden("action", "confirm".into())}
                            <button type="submit" class=BUTTON disabled=b.pending == 0 || b.billing_refusal.is_some()>{format!("Issue {} badge(s)", b.pending)}</button>
                        </form>
                        <form method="post" action=confirm_url>
                            {hidden("subdomain", sub_cancel)}
                            {hidden("id", b.id.to_string())}
                            {hidden("action", "cancel".into())}
                            <button type="submit" class=SECONDARY>"Discard"</button>
                        </form>
                    </div>
                    <ActionError error=Signal::stored(confirm_error.clone()) />
                </div>
            })}
            {b.stalled_reason.clone().map(|reason| view! {
                <div class=CARD role="status" data-testid="stalled">
                    <p class="font-semibold">"This batch stopped before it finished."</p>
                    <p class="text-sm">{format!("Reason: {reason}")}</p>
                    <p class="text-sm">{format!("The {} badge(s) issued so far are kept. Resume to issue the {} row(s) left.", b.issued, b.pending)}</p>
                    <form method="post" action=confirm_url>
                        {hidden("subdomain", sub_resume)}
                        {hidden("id", b.id.to_string())}
                        {hidden("action", "resume".into())}
                        <button type="submit" class=BUTTON>"Resume"</button>
                    </form>
                    <ActionError error=Signal::stored(confirm_error) />
                </div>
            })}
            {(b.status != BatchStatus::Preview).then(|| view! {
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
            {(b.status == BatchStatus::Done).then(|| view! {
                <p><a href=results.clone() class=BUTTON download=format!("batch-{}-results.csv", b.id)>"Download the result file (CSV)"</a></p>
            })}
            {(!b.problems.is_empty()).then(|| view! {
                <section class="space-y-2">
                    <h2 class="text-lg font-semibold">"Rows not issued"</h2>
                    <table class=TABLE data-testid="problems">
                        <thead><tr><th class=CELL>"Line"</th><th class=CELL>"Email"</th><th class=CELL>"Status"</th><th class=CELL>"Why"</th></tr></thead>
                        <tbody>
                            {b.problems.into_iter().map(|p| view! {
                                <tr><td class=CELL>{p.line}</td><td class=CELL>{p.email}</td><td class=CELL>{p.status.as_str()}</td><td class=CELL>{p.message}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
            })}
        </section>
    }
}
