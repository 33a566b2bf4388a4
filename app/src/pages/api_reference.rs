//! The REST API's reference (`/developers/api`), read from the OpenAPI
//! document the server generates from its handlers, so the page and the
//! API cannot disagree. A visitor page: server-rendered, no script.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::portal::loaded;
use crate::components::style::{CARD, CELL, TABLE};
use crate::server_fns::public::get_api_reference::{
    get_api_reference, ApiReference, Field, Operation, Schema,
};

#[component]
pub fn ApiReferencePage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_api_reference());
    view! {
        <Title text="Laurel API reference" />
        {loaded(data, |r| view! { <Reference r /> })}
    }
}

#[component]
fn Reference(r: ApiReference) -> impl IntoView {
    view! {
        <article class="mx-auto max-w-4xl space-y-8">
            <header class="space-y-2">
                <h1 class="text-2xl font-bold">{r.title}</h1>
                <p class="text-stone-700">{r.description}</p>
                <p class="text-sm text-stone-700">
                    "Authenticate with "
                    <code>"Authorization: Bearer laurel_…"</code>
                    ", a token made in Settings → API. The machine-readable "
                    <a href=r.document_url class="underline">"OpenAPI 3.1 document"</a>
                    " is what this page is read from. Remote issuing in EXeed's format is described in the portal's API settings."
                </p>
            </header>
            <section class="space-y-4" aria-labelledby="operations-heading">
                <h2 id="operations-heading" class="text-xl font-semibold">"Operations"</h2>
                {r.operations.into_iter().map(|o| view! { <OperationView o /> }).collect_view()}
            </section>
            <section class="space-y-4" aria-labelledby="schemas-heading">
                <h2 id="schemas-heading" class="text-xl font-semibold">"Schemas"</h2>
                {r.schemas.into_iter().map(|s| view! { <SchemaView s /> }).collect_view()}
            </section>
        </article>
    }
}

#[component]
fn OperationView(o: Operation) -> impl IntoView {
    let heading = format!("{} {}", o.method, o.path);
    view! {
        <section class=format!("{CARD} space-y-2") data-testid="operation">
            <h3 class="font-mono font-semibold">{heading}</h3>
            <p>{o.summary}</p>
            {(!o.description.is_empty()).then(|| view! { <p class="text-sm text-stone-700">{o.description}</p> })}
            {(!o.scopes.is_empty()).then(|| view! {
                <p class="text-sm">"Scope: " <code>{o.scopes.join(", ")}</code></p>
            })}
            {o.body.map(|b| view! { <p class="text-sm">"Request body: " <a href=format!("#schema-{b}") class="underline">{b.clone()}</a></p> })}
            {(!o.parameters.is_empty()).then(|| view! { <Fields caption="Parameters" fields=o.parameters /> })}
            <table class=TABLE>
                <caption class="text-left text-sm font-semibold">"Responses"</caption>
                <thead><tr><th scope="col" class=CELL>"Status"</th><th scope="col" class=CELL>"Body"</th><th scope="col" class=CELL>"When"</th></tr></thead>
                <tbody>
                    {o.responses.into_iter().map(|(status, description, body)| view! {
                        <tr>
                            <td class=CELL>{status}</td>
                            <td class=CELL>{body.unwrap_or_default()}</td>
                            <td class=CELL>{description}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn SchemaView(s: Schema) -> impl IntoView {
    view! {
        <section id=format!("schema-{}", s.name) class=format!("{CARD} space-y-2")>
            <h3 class="font-mono font-semibold">{s.name.clone()}</h3>
            {(!s.description.is_empty()).then(|| view! { <p class="text-sm text-stone-700">{s.description}</p> })}
            <Fields caption="Fields" fields=s.fields />
        </section>
    }
}

#[component]
fn Fields(caption: &'static str, fields: Vec<Field>) -> impl IntoView {
    view! {
        <table class=TABLE>
            <caption class="text-left text-sm font-semibold">{caption}</caption>
            <thead><tr><th scope="col" class=CELL>"Name"</th><th scope="col" class=CELL>"Type"</th><th scope="col" class=CELL>"Required"</th><th scope="col" class=CELL>"Meaning"</th></tr></thead>
            <tbody>
                {fields.into_iter().map(|f| view! {
                    <tr>
                        <td class=format!("{CELL} font-mono")>{f.name}</td>
                        <td class=CELL>{f.kind}</td>
                        <td class=CELL>{if f.required { "yes" } else { "no" }}</td>
                        <td class=CELL>{f.description}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
