//! The holder's claim page (`/claim?token=`): the badge, how to keep it, accept.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::ActionError;
use crate::components::portal::error_of;
use crate::components::style::{ALERT, BUTTON, CARD, NOTICE};
use crate::server_fns::claim::accept_badge::AcceptBadge;
use crate::server_fns::claim::get_claim::get_claim;

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
                                            <li>"Keep it in your Laurel "<a href=crate::paths::WALLET class="underline">"wallet"</a>
                                                ": sign in with this address, and choose there whether it shows on your public profile."</li>
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
                                }.into_any()
                            }}
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
