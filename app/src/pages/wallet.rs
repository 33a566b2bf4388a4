//! The holder's wallet (`/wallet`): every badge issued to the signed-in
//! account's address, each private until its holder makes it public, and
//! the public profile's settings. Plain forms: it works the same with and
//! without JavaScript (no island).

use laurel::BadgeStatus;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::{ActionError, Field};
use crate::components::portal::{error_of, loaded};
use crate::components::style::{BUTTON, CARD, INPUT, LABEL, NOTICE, SECONDARY};
use crate::paths::profile_page;
use crate::server_fns::wallet::get_wallet::{get_wallet, ProfileSettings, WalletItem, WalletView};
use crate::server_fns::wallet::save_profile::SaveProfile;
use crate::server_fns::wallet::set_visibility::SetVisibility;

/// `/wallet`: the signed-in holder's badges and profile.
#[component]
pub fn WalletPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| get_wallet());
    view! {
        <Title text="Your wallet" />
        {loaded(data, move |v| view! { <Wallet v /> })}
    }
}

#[component]
fn Wallet(v: WalletView) -> impl IntoView {
    let query = use_query_map();
    let saved = query.read_untracked().get("saved").is_some();
    let visibility = ServerAction::<SetVisibility>::new();
    let profile_link =
        (v.profile.public && !v.profile.handle.is_empty()).then(|| profile_page(&v.profile.handle));
    view! {
        <section class="space-y-6">
            <header class="space-y-1">
                <h1 class="text-2xl font-bold">"Your wallet"</h1>
                <p class="text-sm text-stone-600">
                    "Badges issued to " <span data-testid="wallet-email">{v.email.clone()}</span>
                    ". Each is private until you make it public; public badges appear on your profile."
                </p>
                {profile_link.map(|href| view! {
                    <p class="text-sm"><a href=href.clone() class="underline" data-testid="profile-link">{format!("Your public profile: {href}")}</a></p>
                })}
            </header>
            {saved.then(|| view! { <p role="status" class=NOTICE>"Profile saved."</p> })}
            <ActionError error=error_of(visibility.value()) />
            {if v.badges.is_empty() {
                view! { <p class=NOTICE>"No badges yet. Badges issued to your address appear here."</p> }.into_any()
            } else {
                view! {
                    <ul class="grid gap-4 sm:grid-cols-2" data-testid="wallet">
                        {v.badges.into_iter().map(|b| view! { <Item b visibility /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <ProfileForm p=v.profile />
        </section>
    }
}

#[component]
fn Item(b: WalletItem, visibility: ServerAction<SetVisibility>) -> impl IntoView {
    let status = match b.status {
        BadgeStatus::Active => "valid",
        BadgeStatus::Expired => "expired",
        BadgeStatus::Revoked => "revoked",
    };
    let (label, next) = if b.public {
        ("Make private", "false")
    } else {
        ("Make public", "true")
    };
    let alt = format!("{} badge", b.badge);
    let slug = b.slug.clone();
    view! {
        <li class=CARD data-testid="wallet-item" data-slug=slug data-public=b.public.to_string()>
            <div class="flex gap-4">
                <img src=b.image_url alt=alt width="80" height="80" class="h-20 w-20 object-contain" />
                <div class="space-y-1 text-sm">
                    <h2 class="text-base font-semibold">{b.badge.clone()}</h2>
                    <p>{format!("{} · {} · {}", b.issuer, b.issued_on, status)}</p>
                    <p>
                        <span data-testid="visibility">{if b.public { "Public" } else { "Private" }}</span>
                        " · " <a href=b.verify_url class="underline">"Verification page"</a>
                        " · " <a href=b.linkedin rel="noopener" target="_blank" class="underline">"Add to LinkedIn"</a>
                    </p>
                </div>
            </div>
            <ActionForm action=visibility>
                <input type="hidden" name="slug" value=b.slug />
                <input type="hidden" name="public" value=next />
                <button type="submit" class=SECONDARY>{label}</button>
            </ActionForm>
        </li>
    }
}

#[component]
fn ProfileForm(p: ProfileSettings) -> impl IntoView {
    let action = ServerAction::<SaveProfile>::new();
    view! {
        <section class=CARD>
            <h2 class="text-lg font-semibold">"Your public profile"</h2>
            <p class="text-sm text-stone-600">
                "Off until you switch it on. It shows your display name, summary and public badges, nothing else."
            </p>
            <ActionForm action attr:class="space-y-4">
                <Field label="Handle" name="handle" value=p.handle
                    hint="Your profile's address: /u/handle. Lowercase letters, digits and hyphens, 3–30 characters." />
                <Field label="Display name" name="display_name" autocomplete="name" value=p.display_name />
                <div>
                    <label for="summary" class=LABEL>"Summary (optional)"</label>
                    <textarea id="summary" name="summary" rows="3" class=INPUT>{p.summary}</textarea>
                </div>
                <div class="flex items-center gap-2">
                    <input id="public" name="public" type="checkbox" value="on" checked=p.public />
                    <label for="public" class="text-sm">"Show my public profile"</label>
                </div>
                <ActionError error=error_of(action.value()) />
                <button type="submit" class=BUTTON>"Save profile"</button>
            </ActionForm>
        </section>
    }
}
