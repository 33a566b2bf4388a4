//! The designer (`/portal/:subdomain/templates/new`, `…/:id/edit`): a plain
//! multipart form first. The form and its preview are an island
//! ([`DesignerForm`]): hydrated, the preview follows every keystroke and the
//! chosen image, and a refusal keeps the input (browser code in `browser`).

use laurel::template::TemplateFields;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

use super::preview::BadgePreview;
use crate::components::form::{rcdata, url_error, ActionError};
use crate::components::portal::{id_param, loaded, org_nav, subdomain_param};
use crate::components::style::{BUTTON, INPUT, LABEL};
use crate::error::AppError;
use crate::server_fns::issuing::get_dashboard::get_dashboard;
use crate::server_fns::templates::get_template::{get_template, TemplateView};
use crate::server_fns::templates::save_template::SaveTemplate;

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
        {loaded(data, move |(subdomain, organisation, template)| view! {
            <Designer subdomain organisation template error={url_error::<SaveTemplate>()} />
        })}
    }
}

/// The page around the designer: its title and the organisation's links.
#[component]
fn Designer(
    subdomain: String,
    organisation: String,
    template: Option<TemplateView>,
    error: Option<AppError>,
) -> impl IntoView {
    let title = if template.is_some() {
        "Edit badge template"
    } else {
        "New badge template"
    };
    view! {
        <section class="space-y-6">
            <header class="space-y-2">
                <h1 class="text-2xl font-bold">{title}</h1>
                {org_nav(&subdomain, "Templates")}
            </header>
            <DesignerForm subdomain organisation template error />
        </section>
    }
}

/// The designer's form and its live preview (an island: everything it needs
/// comes in its props, which the server writes into the page). `error` is
/// the refusal of the last plain submission, read from the URL by the page.
#[island]
fn DesignerForm(
    subdomain: String,
    organisation: String,
    template: Option<TemplateView>,
    error: Option<AppError>,
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
    let error = RwSignal::new(error);
    let pending = RwSignal::new(false);
    // Effects run only in the browser, once hydrated: the marker lets tests
    // (and styles) know the preview is live.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));
    let editing = template.as_ref().map(|t| t.id);
    let save_url = <SaveTemplate as ServerFn>::url();
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
                            on:input=move |ev| description.set(event_target_value(&ev))>{rcdata(f.description.clone())}</textarea>
                    </div>
                    <div>
                        <label for="criteria_narrative" class=LABEL>"Criteria (Markdown)"</label>
                        <textarea id="criteria_narrative" name="criteria_narrative" rows="5" class=INPUT
                            on:input=move |ev| criteria.set(event_target_value(&ev))>{rcdata(f.criteria_narrative.clone())}</textarea>
                    </div>
                    {text("Criteria URL (optional)", "criteria_url", criteria_url, "url", "A page that explains how the badge is earned.")}
                    {text("Validity in years", "validity_years", validity, "number", "0 = never expires; a badge expires this many years after its achievement date.")}
                    {text("Tags (comma-separated)", "tags", tags, "text", "")}
                    <div>
                        <label for="alignments" class=LABEL>"Alignments (optional), one per line"</label>
                        <textarea id="alignments" name="alignments" rows="3" class=INPUT
                            placeholder="targetName | targetUrl | targetDescription | targetFramework | targetCode">{rcdata(f.alignments.clone())}</textarea>
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
        <div class="grid gap-6 md:grid-cols-2">
            {form}
            <div class="md:sticky md:top-4 md:self-start">
                <BadgePreview
                    name=name description=description criteria=criteria criteria_url=criteria_url
                    tags=tags validity=validity image_url=image_url issuer=organisation
                />
            </div>
        </div>
    }
}

/// What only the browser does: send the designer's multipart form in the
/// page, and preview a chosen image before it is uploaded.
#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;

    use crate::error::AppError;
    use crate::server_fns::templates::save_template::save_template;

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

    std::thread_local! {
        /// The object URL of the image being previewed. Replacing it drops
        /// the old one, which revokes it (gloo), so choosing image after
        /// image does not keep every file in memory.
        static PREVIEW: std::cell::RefCell<Option<gloo_file::ObjectUrl>> =
            const { std::cell::RefCell::new(None) };
    }

    pub fn preview_image(ev: leptos::ev::Event, image_url: RwSignal<Option<String>>) {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            let url = gloo_file::ObjectUrl::from(gloo_file::File::from(file));
            image_url.set(Some(url.to_string()));
            PREVIEW.with(|held| held.replace(Some(url)));
        }
    }
}
