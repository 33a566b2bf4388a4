//! A holder's public profile (`/u/:handle`): server HTML only (a visitor
//! page: no script). It shows only what the holder made public
//! (`public/get_profile`); a profile that is off or unknown is 404.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::pages::not_found::NotFound;
use crate::server_fns::public::get_profile::{get_profile, ProfileView};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let params = use_params_map();
    let profile = Resource::new(
        move || params.read().get("handle").unwrap_or_default(),
        get_profile,
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                profile.await.map(|found| match found {
                    Some(p) => view! { <Profile p /> }.into_any(),
                    None => view! { <NotFound /> }.into_any(),
                })
            })}
        </Suspense>
    }
}

#[component]
fn Profile(p: ProfileView) -> impl IntoView {
    let description = if p.summary.is_empty() {
        format!("{}'s Open Badges on Laurel.", p.display_name)
    } else {
        p.summary.clone()
    };
    let image = p.badges.first().map(|b| b.image_url.clone());
    view! {
        <Title text=p.display_name.clone() />
        <Meta property="og:type" content="profile" />
        <Meta property="og:title" content=p.display_name.clone() />
        <Meta property="og:description" content=description.clone() />
        <Meta property="og:url" content=p.url.clone() />
        {image.map(|src| view! { <Meta property="og:image" content=src /> })}
        <Meta name="twitter:card" content="summary" />
        <section class="space-y-6">
            <header class="space-y-1">
                <p class="text-sm text-stone-500">"Badge holder"</p>
                <h1 class="text-3xl font-bold">{p.display_name.clone()}</h1>
                <p class="font-mono text-sm text-stone-600">{format!("@{}", p.handle)}</p>
                {(!p.summary.is_empty()).then(|| view! { <p class="whitespace-pre-line text-stone-700">{p.summary.clone()}</p> })}
            </header>
            <section class="space-y-3">
                <h2 class="text-lg font-semibold">"Badges"</h2>
                {if p.badges.is_empty() {
                    view! { <p class="text-sm text-stone-600">"No public badges yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="grid gap-4 sm:grid-cols-2" data-testid="profile-badges">
                            {p.badges.into_iter().map(|b| {
                                let alt = format!("{} badge", b.badge);
                                view! {
                                    <li class="flex gap-4 rounded border border-stone-200 bg-white p-4">
                                        <img src=b.image_url alt=alt width="80" height="80" class="h-20 w-20 object-contain" />
                                        <div class="space-y-1 text-sm">
                                            <h3 class="text-base font-semibold">{b.badge}</h3>
                                            <p>{format!("Issued by {} · {}", b.issuer, b.issued_on)}</p>
                                            <p><a href=b.verify_url class="underline">"Verify this badge"</a></p>
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </section>
    }
}
