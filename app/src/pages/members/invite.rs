//! Accepting an invitation (`/invite?token=…`, `/invite/accepted`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::{ActionError, Field};
use crate::components::portal::error_of;
use crate::components::style::{ALERT, BUTTON, NOTICE};
use crate::server_fns::members::accept_invite::AcceptInvite;
use crate::server_fns::members::accept_invite_existing::AcceptInviteExisting;
use crate::server_fns::members::check_invite::{check_invite, InviteView};

/// `/invite?token=…`: accepting an invitation — with a new password, or
/// with the password of the account the address already has.
#[component]
pub fn InvitePage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let invitation = Resource::new(token, check_invite);
    let accept_new = ServerAction::<AcceptInvite>::new();
    let accept_existing = ServerAction::<AcceptInviteExisting>::new();
    view! {
        <Title text="Join an organisation" />
        <section class="mx-auto max-w-lg space-y-4">
            <h1 class="text-2xl font-bold">"Join an organisation"</h1>
            <Suspense fallback=|| view! { <p>"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    match invitation.await {
                        Err(e) => view! { <p role="alert" class=ALERT>{e.to_string()}</p> }.into_any(),
                        Ok(v) => invite_form(v, token(), accept_new, accept_existing).into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn invite_form(
    v: InviteView,
    token: String,
    accept_new: ServerAction<AcceptInvite>,
    accept_existing: ServerAction<AcceptInviteExisting>,
) -> impl IntoView {
    let InviteView {
        email,
        organisation_name,
        role,
        has_account,
    } = v;
    let intro = view! {
        <p class="text-stone-700">
            <strong>{organisation_name}</strong>
            " invites " <strong>{email.clone()}</strong> " to join as a "
            <span data-testid="invite-role">{role.as_str()}</span> " user."
        </p>
    };
    let form = if has_account {
        view! {
            <p>
                "You already have a Laurel account with this address. Enter its password to "
                "accept; you do not need a new one."
            </p>
            <ActionForm action=accept_existing attr:class="space-y-4">
                <input type="hidden" name="token" value=token />
                <Field label="Password" name="password" kind="password" autocomplete="current-password" />
                <ActionError error=error_of(accept_existing.value()) />
                <button type="submit" class=BUTTON>"Accept invitation"</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <p>"Choose your name and a password for your new Laurel account."</p>
            <ActionForm action=accept_new attr:class="space-y-4">
                <input type="hidden" name="token" value=token />
                <Field label="Your name" name="display_name" autocomplete="name" />
                <Field
                    label="Password"
                    name="password"
                    kind="password"
                    autocomplete="new-password"
                    hint="At least 10 characters and hard to guess."
                />
                <Field label="Repeat the password" name="password_confirm" kind="password" autocomplete="new-password" />
                <ActionError error=error_of(accept_new.value()) />
                <button type="submit" class=BUTTON>"Accept invitation"</button>
            </ActionForm>
        }
        .into_any()
    };
    view! { {intro} {form} }
}

/// `/invite/accepted`: an invitation was accepted from a browser that was
/// not signed in to the account; signing in opens the portal.
#[component]
pub fn InviteAcceptedPage() -> impl IntoView {
    view! {
        <Title text="Invitation accepted" />
        <section class="mx-auto max-w-md space-y-4">
            <h1 class="text-2xl font-bold">"Invitation accepted"</h1>
            <p role="status" class=NOTICE>
                "You are now a member of the organisation. Sign in to open your portal."
            </p>
            <p><a href="/login" class="underline">"Sign in"</a></p>
        </section>
    }
}
