//! An organisation's public page (`/o/:subdomain`).

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::components::social::SocialList;
use crate::pages::not_found::NotFound;
use crate::server_fns::public::get_organisation::{get_organisation, OrganisationView};

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let params = use_params_map();
    let organisation = Resource::new(
        move || params.read().get("subdomain").unwrap_or_default(),
        get_organisation,
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                organisation
                    .await
                    .map(|found| match found {
                        Some(o) => view! { <Organisation organisation=o /> }.into_any(),
                        None => view! { <NotFound /> }.into_any(),
                    })
            })}
        </Suspense>
    }
}

#[component]
fn Organisation(organisation: OrganisationView) -> impl IntoView {
    let OrganisationView {
        subdomain,
        name,
        public_url,
        summary,
        image_url,
        links,
        badges,
    } = organisation;
    let logo_alt = format!("{name} logo");
    view! {
        <Title text=name.clone() />
        <Meta property="og:title" content=name.clone() />
        <Meta property="og:url" content=public_url.clone() />
        <section>
            <p class="text-sm text-stone-500">"Issuer"</p>
            <h1 class="text-3xl font-bold" data-subdomain=subdomain>
                {name.clone()}
            </h1>
            <p class="mt-2 font-mono text-sm text-stone-600">{public_url}</p>
            {image_url.map(|u| view! { <img src=u alt=logo_alt width="96" height="96" class="mt-4 rounded" /> })}
            <p class="mt-6 whitespace-pre-line text-stone-700">
                {if summary.is_empty() { "This organisation issues Open Badges with Laurel.".to_owned() } else { summary }}
            </p>
            <SocialList links />
            {(!badges.is_empty()).then(|| view! {
                <section class="mt-8 space-y-3" aria-labelledby="badges-heading">
                    <h2 id="badges-heading" class="text-lg font-semibold">"Badges it awards"</h2>
                    <ul class="grid gap-4 sm:grid-cols-2" data-testid="org-badges">
                        {badges.into_iter().map(|b| {
                            let alt = format!("{} badge", b.name);
                            view! {
                                <li class="flex gap-4 rounded border border-stone-200 bg-white p-4">
                                    <img src=b.image_url alt=alt width="64" height="64" class="h-16 w-16 object-contain" />
                                    <div class="space-y-1 text-sm">
                                        <h3 class="text-base font-semibold">{b.name}</h3>
                                        <p class="text-stone-700">{b.description}</p>
                                        <p><a href=b.url class="underline">"Its Open Badges definition"</a></p>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </section>
    }
}
