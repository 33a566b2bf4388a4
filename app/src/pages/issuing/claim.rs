//! The holder's claim page (`/claim?token=`): the badge, how to keep it, accept.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::ActionError;
use crate::components::portal::error_of;
use crate::components::style::{ALERT, BUTTON, CARD, NOTICE};
use crate::pages::account::PasswordFields;
use crate::server_fns::claim::accept_badge::AcceptBadge;
use crate::server_fns::claim::create_wallet::CreateWallet;
use crate::server_fns::claim::get_claim::{get_claim, ClaimWallet};

/// `/claim?token=…`: the holder's badge and how to keep it.
#[component]
pub fn ClaimPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let accept = ServerAction::<AcceptBadge>::new();
    let data = Resource::new(
        move || (token(), accept.version().get()),
        |(t, _)| get_claim(t),
    );
    view! {
        <Title text="Your badge" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! {
                        <section class="mx-auto max-w-md space-y-3">
                            <h1 class="text-2xl font-bold">"Your badge"</h1>
                            <p role="alert" class=ALERT>{e.to_string()}</p>
                        </section>
                    }.into_any(),
                    Ok(c) => view! {
                        <section class="mx-auto max-w-xl space-y-4">
                            <h1 class="text-2xl font-bold">{format!("{}, you earned “{}”", c.holder, c.badge)}</h1>
                            <div class="flex gap-4">
                                <img src=c.image_url alt="" width="128" height="128" class="h-32 w-32 object-contain" />
                                <div class="space-y-1 text-sm">
                                    <p>{c.description}</p>
                                    <p>{format!("Issued by {} · achieved {}", c.issuer, c.issued_on)}</p>
                                    <p><a href=c.verify_url class="underline">"Its public verification page"</a></p>
                                </div>
                            </div>
                            {if c.revoked {
                                view! { <p role="alert" class=ALERT>"This badge was revoked by its issuer."</p> }.into_any()
                            } else {
                                view! {
                                    <section class=CARD>
                                        <h2 class="text-lg font-semibold">"Keep it"</h2>
                                        <ol class="list-decimal space-y-1 pl-6 text-sm">
                                            <li><a href=c.download_url class="underline">"Download the badge image"</a>
                                                " — the credential is baked into it, so any Open Badges verifier can check it."</li>
                                            <li>"Share the verification page's address on LinkedIn, X or your site."</li>
                                            <li>"Keep it in your Laurel wallet, private until you choose to show it on your public profile (below)."</li>
                                        </ol>
                                        {if c.claimed {
                                            view! { <p role="status" class=NOTICE data-testid="claimed">"You have accepted this badge."</p> }.into_any()
                                        } else {
                                            view! {
                                                <ActionForm action=accept>
                                                    <input type="hidden" name="token" value=token() />
                                                    <button type="submit" class=BUTTON>"Accept this badge"</button>
                                                </ActionForm>
                                            }.into_any()
                                        }}
                                        <ActionError error=error_of(accept.value()) />
                                    </section>
                                    <WalletSection wallet=c.wallet email=c.email.clone() slug=c.slug.clone() token=token() />
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// How the holder keeps the badge in a wallet: open it (signed in with the
/// badge's address), sign in (the address has an account), or create the
/// account here with a password (the claim link proves the address).
#[component]
fn WalletSection(wallet: ClaimWallet, email: String, slug: String, token: String) -> impl IntoView {
    let create = ServerAction::<CreateWallet>::new();
    view! {
        <section class=CARD data-testid="claim-wallet">
            <h2 class="text-lg font-semibold">"Your wallet"</h2>
            {match wallet {
                ClaimWallet::SignedIn => view! {
                    <p><a href=crate::paths::wallet_badge(&slug) class="underline">"See it in your wallet"</a></p>
                }.into_any(),
                ClaimWallet::SignIn => view! {
                    <p class="text-sm">
                        {format!("{email} already has a Laurel account: ")}
                        <a href="/login" class="underline">"sign in"</a>
                        " to see this badge in its wallet."
                    </p>
                }.into_any(),
                ClaimWallet::Create => view! {
                    <p class="text-sm">
                        "Choose a password to keep every badge issued to "
                        <strong>{email}</strong>
                        " in one place. Nothing is public until you say so."
                    </p>
                    <ActionForm action=create attr:class="space-y-4">
                        <input type="hidden" name="token" value=token />
                        <PasswordFields />
                        <ActionError error=error_of(create.value()) />
                        <button type="submit" class=BUTTON>"Create my wallet"</button>
                    </ActionForm>
                }.into_any(),
            }}
        </section>
    }
}
