//! The user list (`/portal/:subdomain/users`): members and roles, role changes,
//! removals, invitations (send, resend, revoke).

use laurel::Role;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::form::{ActionError, Field};
use crate::components::portal::{error_of, org_nav, reloaded, subdomain_param};
use crate::components::style::{BUTTON, CARD, CELL, INPUT_INLINE, NOTICE, SECONDARY, TABLE};
use crate::error::AppError;
use crate::server_fns::members::change_role::ChangeRole;
use crate::server_fns::members::get_members::{get_members, InvitationRow, MemberRow, MembersView};
use crate::server_fns::members::invite_member::InviteMember;
use crate::server_fns::members::remove_member::RemoveMember;
use crate::server_fns::members::resend_invitation::ResendInvitation;
use crate::server_fns::members::revoke_invitation::RevokeInvitation;

/// `/portal/:subdomain/users`: members, their roles, invitations.
#[component]
pub fn MembersPage() -> impl IntoView {
    let subdomain = subdomain_param();
    let invite = ServerAction::<InviteMember>::new();
    let change = ServerAction::<ChangeRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let resend = ServerAction::<ResendInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    // Read again after each action (hydrated: the page stays at its URL;
    // without JavaScript the form's redirect loads it again).
    let members = Resource::new(
        move || {
            (
                subdomain(),
                invite.version().get(),
                change.version().get(),
                remove.version().get(),
                resend.version().get(),
                revoke.version().get(),
            )
        },
        |(subdomain, ..)| get_members(subdomain),
    );
    // One error line for the list's actions: the outcome of the latest one
    // (hydrated, the values of earlier actions would otherwise linger).
    let values = [
        change.value(),
        remove.value(),
        resend.value(),
        revoke.value(),
    ];
    let error = RwSignal::new(
        values
            .iter()
            .find_map(|v| v.get_untracked().and_then(|r| r.err())),
    );
    for value in values {
        Effect::new(move |_| {
            if let Some(result) = value.get() {
                error.set(result.err());
            }
        });
    }
    let actions = MemberActions {
        invite,
        change,
        remove,
        resend,
        revoke,
        error,
    };
    view! {
        <Title text="Users" />
        {reloaded(members, move |v| view! { <Members data=v actions /> })}
    }
}

#[derive(Clone, Copy)]
struct MemberActions {
    invite: ServerAction<InviteMember>,
    change: ServerAction<ChangeRole>,
    remove: ServerAction<RemoveMember>,
    resend: ServerAction<ResendInvitation>,
    revoke: ServerAction<RevokeInvitation>,
    /// The error of the latest change, removal, resend or revocation.
    error: RwSignal<Option<AppError>>,
}

#[component]
fn Members(data: MembersView, actions: MemberActions) -> impl IntoView {
    let MembersView {
        subdomain,
        organisation_name,
        me,
        members,
        invitations,
    } = data;
    let MemberActions { invite, error, .. } = actions;
    let sent = move || matches!(invite.value().get(), Some(Ok(())));
    let has_pending = !invitations.is_empty();
    let rows = members
        .into_iter()
        .map(|m| member_row(&subdomain, me, m, actions))
        .collect_view();
    let pending = invitations
        .into_iter()
        .map(|i| invitation_row(&subdomain, i, actions))
        .collect_view();
    view! {
        <section class="space-y-6">
            <header class="space-y-2">
                {org_nav(&subdomain, "Users")}
                <h1 class="text-2xl font-bold">"Users of " {organisation_name}</h1>
                <p class="text-sm text-stone-600">
                    "Regular users issue badges and edit templates. Privileged users also manage "
                    "users, roles, the subscription, payment details and API credentials."
                </p>
            </header>
            <ActionError error=error.into() />
            <table class=TABLE>
                <thead>
                    <tr>
                        <th class=CELL>"Email"</th>
                        <th class=CELL>"Name"</th>
                        <th class=CELL>"Role"</th>
                        <th class=CELL>"Since"</th>
                        <th class=CELL><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>

            <section class=CARD>
                <h2 class="text-lg font-semibold">"Invite a colleague"</h2>
                <p class="text-sm text-stone-600">
                    "They get a link by mail, valid for 7 days. Someone new chooses a password; "
                    "someone who already has a Laurel account accepts with its password."
                </p>
                <ActionForm action=invite attr:class="space-y-4">
                    <input type="hidden" name="subdomain" value=subdomain.clone() />
                    <Field label="Email" name="email" kind="email" autocomplete="off" />
                    <div>
                        <label for="invite-role" class="block text-sm font-semibold">"Role"</label>
                        <select id="invite-role" name="role" class="mt-1 rounded border border-stone-300 px-3 py-2">
                            {Role::ALL.iter().map(|r| view! {
                                <option value=r.as_str() selected=*r == Role::Regular>{r.as_str()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <ActionError error=error_of(invite.value()) />
                    {move || sent().then(|| view! { <p role="status" class=NOTICE>"Invitation sent."</p> })}
                    <button type="submit" class=BUTTON>"Send invitation"</button>
                </ActionForm>
            </section>

            <section class="space-y-2">
                <h2 class="text-lg font-semibold">"Pending invitations"</h2>
                {if has_pending {
                    view! {
                        <table class=TABLE>
                            <thead>
                                <tr>
                                    <th class=CELL>"Email"</th>
                                    <th class=CELL>"Role"</th>
                                    <th class=CELL>"Link valid until"</th>
                                    <th class=CELL><span class="sr-only">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{pending}</tbody>
                        </table>
                    }
                    .into_any()
                } else {
                    view! { <p class="text-sm text-stone-600">"None."</p> }.into_any()
                }}
            </section>
        </section>
    }
}

fn member_row(subdomain: &str, me: i64, m: MemberRow, actions: MemberActions) -> impl IntoView {
    let role = m.role;
    let you = m.user_id == me;
    let (sub_change, sub_remove) = (subdomain.to_owned(), subdomain.to_owned());
    let (id_change, id_remove) = (m.user_id.to_string(), m.user_id.to_string());
    let email_label = m.email.clone();
    let row_email = m.email.clone();
    view! {
        <tr data-email=row_email>
            <td class=CELL>
                {m.email}
                {you.then(|| view! { <span class="ml-1 text-stone-500">"(you)"</span> })}
            </td>
            <td class=CELL>{m.display_name}</td>
            <td class=CELL data-testid="member-role">{m.role.as_str()}</td>
            <td class=CELL>{m.since}</td>
            <td class=CELL>
                <div class="flex flex-wrap gap-2">
                    <ActionForm action=actions.change attr:class="flex gap-2">
                        <input type="hidden" name="subdomain" value=sub_change />
                        <input type="hidden" name="user_id" value=id_change />
                        <label>
                            <span class="sr-only">"New role of " {email_label}</span>
                            <select name="role" class=INPUT_INLINE>
                                {Role::ALL.iter().map(|r| view! {
                                    <option value=r.as_str() selected=*r == role>{r.as_str()}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <button type="submit" class=SECONDARY>"Change role"</button>
                    </ActionForm>
                    <ActionForm action=actions.remove>
                        <input type="hidden" name="subdomain" value=sub_remove />
                        <input type="hidden" name="user_id" value=id_remove />
                        <button type="submit" class=SECONDARY>"Remove"</button>
                    </ActionForm>
                </div>
            </td>
        </tr>
    }
}

fn invitation_row(subdomain: &str, i: InvitationRow, actions: MemberActions) -> impl IntoView {
    let (sub_resend, sub_revoke) = (subdomain.to_owned(), subdomain.to_owned());
    let (id_resend, id_revoke) = (i.id.to_string(), i.id.to_string());
    let until = if i.expired {
        format!("expired {}", i.expires)
    } else {
        i.expires
    };
    let row_email = i.email.clone();
    view! {
        <tr data-email=row_email>
            <td class=CELL>{i.email}</td>
            <td class=CELL>{i.role.as_str()}</td>
            <td class=CELL>{until}</td>
            <td class=CELL>
                <div class="flex flex-wrap gap-2">
                    <ActionForm action=actions.resend>
                        <input type="hidden" name="subdomain" value=sub_resend />
                        <input type="hidden" name="invitation_id" value=id_resend />
                        <button type="submit" class=SECONDARY>"Resend"</button>
                    </ActionForm>
                    <ActionForm action=actions.revoke>
                        <input type="hidden" name="subdomain" value=sub_revoke />
                        <input type="hidden" name="invitation_id" value=id_revoke />
                        <button type="submit" class=SECONDARY>"Revoke"</button>
                    </ActionForm>
                </div>
            </td>
        </tr>
    }
}
