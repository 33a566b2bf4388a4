//! A holder's public profile (`/u/:handle`) and public collections
//! (`/u/:handle/c/:id`): server HTML only (visitor pages: no script). They
//! show only what the holder made public (`public/get_profile`,
//! `public/get_public_collection`); a profile that is off or unknown is 404,
//! and so is everything under it.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::components::social::SocialList;
use crate::pages::not_found::NotFound;
use crate::server_fns::public::get_profile::{get_profile, ProfileBadge, ProfileView, Public};
use crate::server_fns::public::get_public_collection::{
    get_public_collection, PublicCollectionView,
};

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
                    Public::Found(p) => view! { <Profile p /> }.into_any(),
                    Public::Moved(to) => view! { <Moved to /> }.into_any(),
                    Public::Missing => view! { <NotFound /> }.into_any(),
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
    let image = p.badges.first().map(|b| b.share_image_url.clone());
    let photo_alt = format!("Photo of {}", p.display_name);
    view! {
        <Title text=p.display_name.clone() />
        <Meta property="og:type" content="profile" />
        <Meta property="og:title" content=p.display_name.clone() />
        <Meta property="og:description" content=description.clone() />
        <Meta property="og:url" content=p.url.clone() />
        <ShareImage image />
        <section class="space-y-6">
            <header class="flex items-start gap-4">
                {p.photo_url.clone().map(|src| view! {
                    <img src=src alt=photo_alt width="96" height="96" class="h-24 w-24 rounded-full object-cover" data-testid="profile-photo" />
                })}
                <div class="space-y-1">
                    <p class="text-sm text-stone-500">"Badge holder"</p>
                    <h1 class="text-3xl font-bold">{p.display_name.clone()}</h1>
                    <p class="font-mono text-sm text-stone-600">{format!("@{}", p.handle)}</p>
                    {(!p.summary.is_empty()).then(|| view! { <p class="whitespace-pre-line text-stone-700">{p.summary.clone()}</p> })}
                    <SocialList links=p.links.clone() />
                </div>
            </header>
            <section class="space-y-3">
                <h2 class="text-lg font-semibold">"Badges"</h2>
                <BadgeCards badges=p.badges empty="No public badges yet." testid="profile-badges" />
            </section>
            {(!p.collections.is_empty()).then(|| view! {
                <section class="space-y-3">
                    <h2 class="text-lg font-semibold">"Collections"</h2>
                    <ul class="space-y-2" data-testid="profile-collections">
                        {p.collections.into_iter().map(|c| view! {
                            <li>
                                <a href=c.href class="font-semibold underline">{c.name}</a>
                                <span class="text-sm text-stone-600">{format!(" · {} badge(s)", c.badge_count)}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
        </section>
    }
}

/// Public badges as cards (profile, collection page).
#[component]
fn BadgeCards(
    badges: Vec<ProfileBadge>,
    empty: &'static str,
    testid: &'static str,
) -> impl IntoView {
    if badges.is_empty() {
        return view! { <p class="text-sm text-stone-600">{empty}</p> }.into_any();
    }
    view! {
        <ul class="grid gap-4 sm:grid-cols-2" data-testid=testid>
            {badges.into_iter().map(|b| {
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
    }
    .into_any()
}

/// `/u/:handle/c/:id`: a public collection (a visitor page: no script). Only
/// its public badges; 404 when the profile or the collection is not public.
#[component]
pub fn CollectionPage() -> impl IntoView {
    let params = use_params_map();
    let found = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("handle").unwrap_or_default(),
                p.get("id").unwrap_or_default(),
            )
        },
        |(handle, id)| get_public_collection(handle, id),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                found.await.map(|found| match found {
                    Public::Found(c) => view! { <Collection c /> }.into_any(),
                    Public::Moved(to) => view! { <Moved to /> }.into_any(),
                    Public::Missing => view! { <NotFound /> }.into_any(),
                })
            })}
        </Suspense>
    }
}

#[component]
fn Collection(c: PublicCollectionView) -> impl IntoView {
    let title = format!("{} — {}", c.name, c.display_name);
    let description = if c.description.is_empty() {
        format!("A collection of Open Badges by {}.", c.display_name)
    } else {
        c.description.clone()
    };
    let image = c.badges.first().map(|b| b.share_image_url.clone());
    view! {
        <Title text=title.clone() />
        <Meta property="og:type" content="website" />
        <Meta property="og:title" content=title />
        <Meta property="og:description" content=description />
        <Meta property="og:url" content=c.url.clone() />
        <Link rel="alternate" type_="application/json+oembed" href=c.oembed_url.clone() title=c.name.clone() />
        <ShareImage image />
        <section class="space-y-6">
            <header class="space-y-1">
                <p class="text-sm text-stone-500">
                    "A collection by " <a href=c.profile_href.clone() class="underline">{c.display_name.clone()}</a>
                </p>
                <h1 class="text-3xl font-bold">{c.name.clone()}</h1>
                {(!c.description.is_empty()).then(|| view! { <p class="whitespace-pre-line text-stone-700">{c.description.clone()}</p> })}
            </header>
            <BadgeCards badges=c.badges empty="No public badges in this collection yet." testid="collection-badges" />
        </section>
    }
}

/// A page under a handle its holder gave up: answered `302` to the new
/// address (the body is for whatever does not follow it).
#[component]
fn Moved(to: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_redirect(&to);
    view! {
        <Title text="Moved" />
        <Meta name="robots" content="noindex" />
        <section class="py-16 text-center">
            <h1 class="text-2xl font-bold">"This page moved"</h1>
            <p class="mt-4"><a href=to.clone() class="text-emerald-800 underline">{to.clone()}</a></p>
        </section>
    }
}

/// The `og:image` of a profile or collection: its first public badge's
/// share picture; without one, a plain summary card.
#[component]
fn ShareImage(image: Option<String>) -> impl IntoView {
    match image {
        Some(src) => view! {
            <Meta property="og:image" content=src.clone() />
            <Meta property="og:image:width" content="1200" />
            <Meta property="og:image:height" content="630" />
            <Meta name="twitter:card" content="summary_large_image" />
            <Meta name="twitter:image" content=src />
        }
        .into_any(),
        None => view! { <Meta name="twitter:card" content="summary" /> }.into_any(),
    }
}
