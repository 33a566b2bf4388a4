//! A badge's own page in the holder's wallet (`/wallet/badges/:slug`) and an
//! imported badge's (`/wallet/imports/:id`). Only the holder's: another
//! holder gets 404 (the server functions start with `require_user` and find
//! the badge through the holder's own addresses). Plain forms: the same
//! with and without JavaScript.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::components::form::{rcdata, ActionError};
use crate::components::portal::{error_of, loaded};
use crate::components::style::{CARD, INPUT, NOTICE, SECONDARY};
use crate::pages::verifier::Verdict;
use crate::pages::verify::BadgeDetails;
use crate::server_fns::wallet::check_import::CheckImport;
use crate::server_fns::wallet::get_import::{get_import, ImportView};
use crate::server_fns::wallet::get_wallet_badge::{get_wallet_badge, WalletBadgeView};
use crate::server_fns::wallet::set_visibility::SetVisibility;

#[component]
pub fn WalletBadgePage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_wallet_badge,
    );
    view! {
        <Meta name="robots" content="noindex" />
        {loaded(data, move |b| view! { <WalletBadge b /> })}
    }
}

#[component]
fn WalletBadge(b: WalletBadgeView) -> impl IntoView {
    let visibility = ServerAction::<SetVisibility>::new();
    let (label, next, state) = if b.public {
        (
            "Make private",
            "false",
            "Public: on your profile and embeddable.",
        )
    } else {
        (
            "Make public",
            "true",
            "Private: on no public page of yours.",
        )
    };
    let title = b.badge.badge_name.clone();
    view! {
        <Title text=title />
        <section class="space-y-6">
            <p class="text-sm"><a href=crate::paths::WALLET class="underline">"← Your wallet"</a></p>
            <div class=CARD data-testid="wallet-badge" data-public=b.public.to_string()>
                <p class="text-sm" data-testid="visibility">{state}</p>
                {(!b.tags.is_empty()).then(|| view! { <p class="text-xs text-stone-600">{format!("Tags: {}", b.tags.join(", "))}</p> })}
                <ActionForm action=visibility>
                    <input type="hidden" name="slug" value=b.slug.clone() />
                    <input type="hidden" name="public" value=next />
                    <input type="hidden" name="from" value="badge" />
                    <button type="submit" class=SECONDARY>{label}</button>
                </ActionForm>
                <ActionError error=error_of(visibility.value()) />
                {b.embed.map(|snippet| view! {
                    <label for="embed" class="mt-2 block text-xs text-stone-600">
                        "Embed on your site (no script, no iframe):"
                    </label>
                    <textarea id="embed" readonly=true rows="4" class=format!("{INPUT} font-mono text-xs") data-testid="embed-snippet">{rcdata(snippet)}</textarea>
                })}
            </div>
            <BadgeDetails a=b.badge heading="Download" />
        </section>
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_import,
    );
    view! {
        <Meta name="robots" content="noindex" />
        {loaded(data, move |i| view! { <Import i /> })}
    }
}

#[component]
fn Import(i: ImportView) -> impl IntoView {
    let check = ServerAction::<CheckImport>::new();
    view! {
        <Title text=i.badge.clone() />
        <section class="mx-auto max-w-2xl space-y-6">
            <p class="text-sm"><a href=crate::paths::WALLET class="underline">"← Your wallet"</a></p>
            <header>
                <h1 class="text-2xl font-bold">{i.badge.clone()}</h1>
                <p class="text-stone-600">{format!("Imported · issued by {}", i.issuer)}</p>
            </header>
            {i.note.map(|n| view! { <p role="status" class=NOTICE data-testid="import-note">{n}</p> })}
            <Verdict r=i.report />
            <ActionForm action=check>
                <input type="hidden" name="public_id" value=i.public_id />
                <button type="submit" class=SECONDARY>"Check again"</button>
            </ActionForm>
            <ActionError error=error_of(check.value()) />
        </section>
    }
}
