//! Badge templates (`/portal/:subdomain/templates…`): the list, a template's
//! page (preview, versions, issue by hand) and the designer with its live
//! preview. Every form works without JavaScript; hydrated, the designer
//! previews as you type and keeps your input when the server refuses it.

use laurel::template::TemplateFields;
use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::{ActionError, BUTTON};
use crate::components::portal::{
    error_of, id_param, org_nav, refusal, subdomain_param, CARD, INPUT, LABEL, NOTICE, SECONDARY,
};
use crate::error::AppError;
use crate::server_fns::archive_template::ArchiveTemplate;
use crate::server_fns::duplicate_template::DuplicateTemplate;
use crate::server_fns::get_dashboard::get_dashboard;
use crate::server_fns::get_template::{get_template, TemplateView};
use crate::server_fns::get_templates::{get_templates, TemplatesView};
use crate::server_fns::issue_by_hand::IssueByHand;
use crate::server_fns::save_template::SaveTemplate;

/// `/portal/:subdomain/templates`: every template, archived ones on request.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    let subdomain = subdomain_param();
    let query = use_query_map();
    let archived = move || query.read().get("archived").is_some();
    let list = Resource::new(
        move || (subdomain(), archived()),
        |(s, a)| get_templates(s, a),
    );
    view! {
        <Title text="Badge templates" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(v) => view! { <TemplateList v archived=archived() /> }.into_any(),
                    Err(e) => refusal(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TemplateList(v: TemplatesView, archived: bool) -> impl IntoView {
    let sub = v.subdomain.clone();
    let empty = v.templates.is_empty();
    view! {
        <section class="space-y-6">
            <header class="space-y-2">
                <h1 class="text-2xl font-bold">"Badge templates"</h1>
                {org_nav(&v.subdomain, "Templates")}
            </header>
            <p class="flex gap-4">
                <a href=format!("/portal/{sub}/templates/new") class=BUTTON>"New template"</a>
                {if archived {
                    view! { <a href=format!("/portal/{sub}/templates") class="self-center underline">"Hide archived"</a> }.into_any()
                } else {
                    view! { <a href=format!("/portal/{sub}/templates?archived=1") class="self-center underline">"Show archived"</a> }.into_any()
                }}
            </p>
            {empty.then(|| view! {
                <p class=NOTICE>"No templates yet. Design your first badge: name, criteria and a square PNG or SVG image."</p>
            })}
            <ul class="grid gap-4 sm:grid-cols-2" data-testid="templates">
                {v.templates.into_iter().map(|t| {
                    let href = format!("/portal/{sub}/templates/{}", t.id);
                    view! {
                        <li class=CARD>
                            <div class="flex gap-4">
                                <img src=t.image_url alt="" width="64" height="64" class="h-16 w-16 object-contain" />
                                <div>
                                    <a href=href class="font-semibold underline">{t.name.clone()}</a>
                                    {t.archived.then(|| view! { <span class="ml-2 rounded bg-stone-200 px-2 text-xs">"archived"</span> })}
                                    <p class="text-sm text-stone-600">{t.description}</p>
                                    <p class="text-xs text-stone-500">
                                        {format!("Version {} · {} issued · ", t.version, t.issued)}
                                        {if t.validity_years == 0 { "never expires".to_owned() } else { format!("valid {} year(s)", t.validity_years) }}
                                        {t.external_id.map(|e| format!(" · external ID {e}"))}
                                    </p>
                                </div>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The badge as holders and visitors see it (the designer's live preview
/// and the template page).
#[component]
pub fn BadgePreview(
    #[prop(into)] name: Signal<String>,
    #[prop(into)] description: Signal<String>,
    #[prop(into)] criteria: Signal<String>,
    #[prop(into)] criteria_url: Signal<String>,
    #[prop(into)] tags: Signal<String>,
    #[prop(into)] validity: Signal<String>,
    #[prop(into)] image_url: Signal<Option<String>>,
    issuer: String,
) -> impl IntoView {
    view! {
        <figure class="space-y-3 rounded-lg border border-stone-200 bg-white p-5 shadow-sm" data-testid="preview">
            <figcaption class="text-xs uppercase tracking-wide text-stone-500">
                "Preview: how holders and visitors see this badge"
            </figcaption>
            <div class="flex items-start gap-4">
                {move || match image_url.get() {
                    Some(u) => view! { <img src=u alt="Badge image" width="96" height="96" class="h-24 w-24 object-contain" /> }.into_any(),
                    None => view! { <div class="flex h-24 w-24 items-center justify-center rounded-full bg-stone-100 text-xs text-stone-700">"No image yet"</div> }.into_any(),
                }}
                <div class="min-w-0 space-y-1">
                    <p class="text-lg font-semibold" data-testid="preview-name">
                        {move || { let n = name.get(); if n.trim().is_empty() { "Badge name".to_owned() } else { n } }}
                    </p>
                    <p class="text-sm text-stone-600">"Issued by " {issuer}</p>
                    <p class="text-sm" data-testid="preview-description">{move || description.get()}</p>
                </div>
            </div>
            <div class="prose prose-sm max-w-none text-sm" data-testid="preview-criteria"
                inner_html=move || laurel::markdown::render(&criteria.get())
            ></div>
            {move || {
                let u = criteria_url.get();
                (!u.trim().is_empty()).then(|| view! { <p class="text-sm">"Criteria: " <span class="underline">{u}</span></p> })
            }}
            <p class="text-xs text-stone-500">
                {move || match validity.get().trim().parse::<i32>() {
                    Ok(y) if y > 0 => format!("Expires {y} year(s) after it is earned."),
                    _ => "Never expires.".to_owned(),
                }}
                {move || {
                    let t = tags.get();
                    (!t.trim().is_empty()).then(|| format!(" · Tags: {t}"))
                }}
            </p>
        </figure>
    }
}

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
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(t) => view! { <TemplateDetail t issue archive duplicate /> }.into_any(),
                    Err(e) => refusal(e),
                }
            })}
        </Suspense>
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
    let edit = format!("/portal/{}/templates/{}/edit", t.subdomain, t.id);
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
                        ". " <a href=format!("/portal/{}/badges?template={}", sub, t.id) class="underline">"See them in the register"</a>
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
                <IssueForm subdomain=sub_issue template_id=t.id today=t.today.clone() issue disabled=t.archived />
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
) -> impl IntoView {
    view! {
        <section class=CARD aria-labelledby="issue-heading">
            <h2 id="issue-heading" class="text-lg font-semibold">"Issue by hand"</h2>
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

/// `/portal/:subdomain/templates/new` and `…/:id/edit`: the designer.
#[component]
pub fn TemplateEditorPage() -> impl IntoView {
    let subdomain = subdomain_param();
    let id = id_param("id");
    let data = Resource::new(
        move || (subdomain(), id()),
        |(s, id)| async move {
            if id == 0 {
                // A new template: only the membership needs checking.
                get_dashboard(s.clone())
                    .await
                    .map(|d| (d.subdomain, d.organisation_name, None))
            } else {
                get_template(s, id)
                    .await
                    .map(|t| (t.subdomain.clone(), t.organisation_name.clone(), Some(t)))
            }
        },
    );
    view! {
        <Title text="Badge designer" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((subdomain, organisation, template)) => view! { <Designer subdomain organisation template /> }.into_any(),
                    Err(e) => refusal(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Designer(
    subdomain: String,
    organisation: String,
    template: Option<TemplateView>,
) -> impl IntoView {
    let f: TemplateFields = template
        .as_ref()
        .map(|t| t.fields.clone())
        .unwrap_or_default();
    let name = RwSignal::new(f.name.clone());
    let description = RwSignal::new(f.description.clone());
    let criteria = RwSignal::new(f.criteria_narrative.clone());
    let criteria_url = RwSignal::new(f.criteria_url.clone());
    let tags = RwSignal::new(f.tags.clone());
    let validity = RwSignal::new(if f.validity_years.is_empty() {
        "0".to_owned()
    } else {
        f.validity_years.clone()
    });
    let image_url = RwSignal::new(template.as_ref().map(|t| t.image_url.clone()));
    // Without JavaScript a refusal comes back in the URL; hydrated, the form
    // is sent in the page and the refusal lands here, the input kept.
    let url_error = use_context::<leptos::server::ServerActionError>()
        .filter(|e| e.path() == <SaveTemplate as ServerFn>::PATH)
        .map(|e| ServerFnUrlError::<AppError>::decode_err(e.err()));
    let error = RwSignal::new(url_error);
    let pending = RwSignal::new(false);
    // Effects run only in the browser, once hydrated: the marker lets tests
    // (and styles) know the preview is live.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let editing = template.as_ref().map(|t| t.id);
    let save_url = <SaveTemplate as ServerFn>::url();
    let title = if editing.is_some() {
        "Edit badge template"
    } else {
        "New badge template"
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        browser::submit(ev, error, pending);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let on_image = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        browser::preview_image(ev, image_url);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let text = |label: &'static str,
                field: &'static str,
                signal: RwSignal<String>,
                kind: &'static str,
                hint: &'static str| {
        view! {
            <div>
                <label for=field class=LABEL>{label}</label>
                <input id=field name=field type=kind class=INPUT
                    value=signal.get_untracked()
                    on:input=move |ev| signal.set(event_target_value(&ev)) />
                {(!hint.is_empty()).then(|| view! { <p class="mt-1 text-xs text-stone-600">{hint}</p> })}
            </div>
        }
        .into_any()
    };
    let form = view! {
                <form
                    method="post"
                    enctype="multipart/form-data"
                    action=save_url
                    class="space-y-4"
                    on:submit=on_submit
                    data-testid="designer"
                    data-live=move || live.get().to_string()
                >
                    <input type="hidden" name="subdomain" value=subdomain.clone() />
                    <input type="hidden" name="template_id" value=editing.map(|i| i.to_string()).unwrap_or_default() />
                    {text("Name", "name", name, "text", "")}
                    <div>
                        <label for="description" class=LABEL>"Description"</label>
                        <textarea id="description" name="description" rows="3" class=INPUT
                            on:input=move |ev| description.set(event_target_value(&ev))>{f.description.clone()}</textarea>
                    </div>
                    <div>
                        <label for="criteria_narrative" class=LABEL>"Criteria (Markdown)"</label>
                        <textarea id="criteria_narrative" name="criteria_narrative" rows="5" class=INPUT
                            on:input=move |ev| criteria.set(event_target_value(&ev))>{f.criteria_narrative.clone()}</textarea>
                    </div>
                    {text("Criteria URL (optional)", "criteria_url", criteria_url, "url", "A page that explains how the badge is earned.")}
                    {text("Validity in years", "validity_years", validity, "number", "0 = never expires; a badge expires this many years after its achievement date.")}
                    {text("Tags (comma-separated)", "tags", tags, "text", "")}
                    <div>
                        <label for="alignments" class=LABEL>"Alignments (optional), one per line"</label>
                        <textarea id="alignments" name="alignments" rows="3" class=INPUT
                            placeholder="targetName | targetUrl | targetDescription | targetFramework | targetCode">{f.alignments.clone()}</textarea>
                        <p class="mt-1 text-xs text-stone-600">"Name and URL are required; description, framework and code may be left out."</p>
                    </div>
                    <div>
                        <label for="external_id" class=LABEL>"External template ID (optional)"</label>
                        <input id="external_id" name="external_id" type="text" value=f.external_id.clone() class=INPUT />
                        <p class="mt-1 text-xs text-stone-600">"Your own reference, unique in your organisation; the remote API and CSV files name templates by it."</p>
                    </div>
                    <div>
                        <label for="image" class=LABEL>{if editing.is_some() { "New image (optional: leave empty to keep the current one)" } else { "Image" }}</label>
                        <input id="image" name="image" type="file" accept="image/png,image/svg+xml" class="mt-1" required=editing.is_none()
                            on:change=on_image />
                        <p class="mt-1 text-xs text-stone-600">"PNG or SVG, square, at least 90 × 90 px, at most 256 KB."</p>
                    </div>
                    <ActionError error=error.into() />
                    <button type="submit" class=BUTTON disabled=move || pending.get()>
                        {move || if pending.get() { "Saving…" } else { "Save template" }}
                    </button>
                </form>
    }
    .into_any();
    view! {
        <section class="space-y-6">
            <header class="space-y-2">
                <h1 class="text-2xl font-bold">{title}</h1>
                {org_nav(&subdomain, "Templates")}
            </header>
            <div class="grid gap-6 md:grid-cols-2">
                {form}
                <div class="md:sticky md:top-4 md:self-start">
                    <BadgePreview
                        name=name description=description criteria=criteria criteria_url=criteria_url
                        tags=tags validity=validity image_url=image_url issuer=organisation
                    />
                </div>
            </div>
        </section>
    }
}

/// What only the browser does: send the designer's multipart form in the
/// page, and preview a chosen image before it is uploaded.
#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;

    use crate::error::AppError;
    use crate::server_fns::save_template::save_template;

    pub fn submit(
        ev: leptos::ev::SubmitEvent,
        error: RwSignal<Option<AppError>>,
        pending: RwSignal<bool>,
    ) {
        let Some(form) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return; // let the browser post it
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return;
        };
        ev.prevent_default();
        pending.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match save_template(data.into()).await {
                Ok(path) => {
                    let _ = window().location().set_href(&path);
                }
                Err(e) => {
                    pending.set(false);
                    error.set(Some(e));
                }
            }
        });
    }

    pub fn preview_image(ev: leptos::ev::Event, image_url: RwSignal<Option<String>>) {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            if let Ok(url) = web_sys::Url::create_object_url_with_blob(&file) {
                image_url.set(Some(url));
            }
        }
    }
}
