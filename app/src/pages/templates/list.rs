//! The template list (`/portal/:subdomain/templates[?archived=1]`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::portal::{loaded, org_nav, subdomain_param};
use crate::components::style::{BUTTON, CARD, NOTICE};
use crate::paths::portal;
use crate::server_fns::templates::get_templates::{get_templates, TemplatesView};

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
        {loaded(list, move |v| view! { <TemplateList v archived=archived() /> })}
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
                <a href=portal(&sub).new_template() class=BUTTON>"New template"</a>
                {if archived {
                    view! { <a href=portal(&sub).templates() class="self-center underline">"Hide archived"</a> }.into_any()
                } else {
                    view! { <a href=format!("{}?archived=1", portal(&sub).templates()) class="self-center underline">"Show archived"</a> }.into_any()
                }}
            </p>
            {empty.then(|| view! {
                <p class=NOTICE>"No templates yet. Design your first badge: name, criteria and a square PNG or SVG image."</p>
            })}
            <ul class="grid gap-4 sm:grid-cols-2" data-testid="templates">
                {v.templates.into_iter().map(|t| {
                    let href = portal(&sub).template(t.id);
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
