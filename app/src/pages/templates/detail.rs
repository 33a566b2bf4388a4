//! A template's page (`/portal/:subdomain/templates/:id`): preview, versions,
//! duplicate, archive and the issue-by-hand form.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::preview::BadgePreview;
use crate::components::form::ActionError;
use crate::components::portal::{
    error_of, id_param, loaded, org_nav, subdomain_param, BillingRefusal,
};
use crate::components::style::{BUTTON, CARD, INPUT, LABEL, NOTICE, SECONDARY};
use crate::paths::portal;
use crate::server_fns::issuing::issue_by_hand::IssueByHand;
use crate::server_fns::templates::archive_template::ArchiveTemplate;
use crate::server_fns::templates::duplicate_template::DuplicateTemplate;
use crate::server_fns::templates::get_template::{get_template, TemplateView};

/// `/portal/:subdomain/templates/:id`: preview, versions, actions and the
/// issue-by-hand form.
#[component]
pub fn TemplatePage() -> impl IntoView {
    let subdomain = subdomain_param();
    let id = id_param("id");
    let issue = ServerAction::<IssueByHand>::new();
    let archive = ServerAction::<ArchiveTemplate>::new();
    let duplicate = ServerAction::<DuplicateTemplate>::new();
    let data = Resource::new(
        move || (subdomain(), id(), archive.version().get()),
        |(s, id, _)| get_template(s, id),
    );
    view! {
        <Title text="Badge template" />
        {loaded(data, move |t| view! { <TemplateDetail t issue archive duplicate /> })}
    }
}

#[component]
fn TemplateDetail(
    t: TemplateView,
    issue: ServerAction<IssueByHand>,
    archive: ServerAction<ArchiveTemplate>,
    duplicate: ServerAction<DuplicateTemplate>,
) -> impl IntoView {
    // Read reactively: hydrated, a form's redirect only changes the query.
    let query = use_query_map();
    let q = move |k: &str| query.read().get(k);
    let sub = t.subdomain.clone();
    let edit = portal(&t.subdomain).edit_template(t.id);
    let (sub_duplicate, sub_archive, sub_issue) = (
        t.subdomain.clone(),
        t.subdomain.clone(),
        t.subdomain.clone(),
    );
    let f = t.fields.clone();
    view! {
        <section class="space-y-6">
            <header class="space-y-2">
                <h1 class="text-2xl font-bold">{f.name.clone()}</h1>
                {org_nav(&sub, "Templates")}
            </header>
            {move || q("saved").map(|_| view! { <p role="status" class=NOTICE>"Template saved."</p> })}
            {move || q("issued").map(|n| {
                let skipped = q("skipped").filter(|s| s != "0");
                view! {
                    <p role="status" class=NOTICE data-testid="issued-notice">
                        {format!("Issued {n} badge(s)")}
                        {skipped.map(|s| format!("; {s} skipped (already issued for that date)"))}
                        ". " <a href=format!("{}?template={}", portal(&sub).badges(), t.id) class="underline">"See them in the register"</a>
                    </p>
                }
            })}
            {t.archived.then(|| view! { <p class="rounded bg-stone-200 px-3 py-2 text-sm">"This template is archived: it cannot be issued until it is restored. Badges issued from it stay valid."</p> })}
            <div class="grid gap-6 md:grid-cols-2">
                <div class="space-y-4">
                    <BadgePreview
                        name=f.name.clone() description=f.description.clone() criteria=f.criteria_narrative.clone()
                        criteria_url=f.criteria_url.clone() tags=f.tags.clone() validity=f.validity_years.clone()
                        image_url=Some(t.image_url.clone()) issuer=t.organisation_name.clone()
                    />
                    <div class="flex flex-wrap gap-3">
                        <a href=edit class=BUTTON>"Edit"</a>
                        <ActionForm action=duplicate>
                            <input type="hidden" name="subdomain" value=sub_duplicate />
                            <input type="hidden" name="id" value=t.id />
                            <button type="submit" class=SECONDARY>"Duplicate"</button>
                        </ActionForm>
                        <ActionForm action=archive>
                            <input type="hidden" name="subdomain" value=sub_archive />
                            <input type="hidden" name="id" value=t.id />
                            <input type="hidden" name="archive" value=(!t.archived).to_string() />
                            <button type="submit" class=SECONDARY>{if t.archived { "Restore" } else { "Archive" }}</button>
                        </ActionForm>
                    </div>
                    <ActionError error=error_of(duplicate.value()) />
                    <ActionError error=error_of(archive.value()) />
                    <details class="text-sm">
                        <summary>{format!("Versions ({})", t.versions.len())}</summary>
                        <p class="text-stone-600">"Every save is a new version with its own public badge class; badges keep the version they were issued with."</p>
                        <ul class="list-disc pl-6">
                            {t.versions.into_iter().map(|v| view! {
                                <li><a href=v.badge_class_url class="underline">{format!("Version {}", v.version)}</a> {format!(" · {}", v.saved)}</li>
                            }).collect_view()}
                        </ul>
                    </details>
                    {(!f.external_id.is_empty()).then(|| view! { <p class="text-sm">"External template ID: " <code>{f.external_id.clone()}</code></p> })}
                </div>
                <IssueForm subdomain=sub_issue template_id=t.id today=t.today.clone() issue disabled=t.archived refusal=t.billing_refusal.clone() />
            </div>
        </section>
    }
}

#[component]
fn IssueForm(
    subdomain: String,
    template_id: i64,
    today: String,
    issue: ServerAction<IssueByHand>,
    disabled: bool,
    refusal: Option<String>,
) -> impl IntoView {
    let subscription = portal(&subdomain).subscription();
    view! {
        <section class=CARD aria-labelledby="issue-heading">
            <h2 id="issue-heading" class="text-lg font-semibold">"Issue by hand"</h2>
            <BillingRefusal refusal subscription />
            <ActionForm action=issue attr:class="space-y-3">
                <input type="hidden" name="subdomain" value=subdomain />
                <input type="hidden" name="template_id" value=template_id />
                <div>
                    <label for="recipients" class=LABEL>"Recipients, one per line"</label>
                    <textarea id="recipients" name="recipients" rows="4" required=true class=INPUT
                        placeholder="ada@example.com, Ada, Lovelace\njan@example.nl, Jan, Dijk, van"></textarea>
                    <p class="mt-1 text-xs text-stone-600">
                        "email, first name, last name — and optionally the last-name prefix (“van”, “de”). For an organisation: email, organisation name."
                    </p>
                </div>
                <label class="flex items-center gap-2 text-sm">
                    <input type="checkbox" name="is_individual" value="on" checked=true />
                    "The holders are individuals (untick when they are organisations)"
                </label>
                <div>
                    <label for="achieved_on" class=LABEL>"Exam or achievement date"</label>
                    <input id="achieved_on" name="achieved_on" type="date" required=true value=today class=INPUT />
                </div>
                <div>
                    <label for="evidence_url" class=LABEL>"Evidence URL (optional)"</label>
                    <input id="evidence_url" name="evidence_url" type="url" class=INPUT />
                </div>
                <div>
                    <label for="evidence_narrative" class=LABEL>"Evidence narrative (optional)"</label>
                    <textarea id="evidence_narrative" name="evidence_narrative" rows="2" class=INPUT></textarea>
                </div>
                <ActionError error=error_of(issue.value()) />
                <button type="submit" class=BUTTON disabled=disabled>"Issue badges"</button>
            </ActionForm>
        </section>
    }
}
