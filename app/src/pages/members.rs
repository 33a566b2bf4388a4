//! An organisation's people: the user list with role changes, removals and
//! invitations (`/portal/:subdomain/users`), the audit log
//! (`/portal/:subdomain/audit`), and accepting an invitation (`/invite`).
//! Every form works as a plain HTML form without JavaScript (errors come
//! back in the URL) and as an in-page request once hydrated. The server
//! functions check the role themselves; these pages only show what they get.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::{ActionError, Field, BUTTON};
use crate::components::portal::{
    error_of, org_nav, refusal, subdomain_param, ALERT, CARD, CELL, NOTICE, SECONDARY, TABLE,
};
use crate::error::AppError;
use crate::server_fns::accept_invite::AcceptInvite;
use crate::server_fns::accept_invite_existing::AcceptInviteExisting;
use crate::server_fns::change_role::ChangeRole;
use crate::server_fns::check_invite::{check_invite, InviteView};
use crate::server_fns::get_audit_log::{get_audit_log, AuditView};
use crate::server_fns::get_members::{get_members, InvitationRow, MemberRow, MembersView};
use crate::server_fns::invite_member::InviteMember;
use crate::server_fns::remove_member::RemoveMember;
use crate::server_fns::resend_invitation::ResendInvitation;
use crate::server_fns::revoke_invitation::RevokeInvitation;

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
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match members.await {
                    Err(e) => refusal(e),
                    Ok(v) => view! { <Members data=v actions /> }.into_any(),
                }
            })}
        </Transition>
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
                            <option value="regular" selected=true>"regular"</option>
                            <option value="privileged">"privileged"</option>
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
    let is_privileged = m.role == "privileged";
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
            <td class=CELL data-testid="member-role">{m.role}</td>
            <td class=CELL>{m.since}</td>
            <td class=CELL>
                <div class="flex flex-wrap gap-2">
                    <ActionForm action=actions.change attr:class="flex gap-2">
                        <input type="hidden" name="subdomain" value=sub_change />
                        <input type="hidden" name="user_id" value=id_change />
                        <label>
                            <span class="sr-only">"New role of " {email_label}</span>
                            <select name="role" class="rounded border border-stone-300 px-2 py-1 text-sm">
                                <option value="regular" selected=!is_privileged>"regular"</option>
                                <option value="privileged" selected=is_privileged>"privileged"</option>
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
            <td class=CELL>{i.role}</td>
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

/// `/portal/:subdomain/audit`: the organisation's security events, newest
/// first, fifty to a page (`?before=` the last id seen).
#[component]
pub fn AuditPage() -> impl IntoView {
    let subdomain = subdomain_param();
    let query = use_query_map();
    let before = move || {
        query
            .read()
            .get("before")
            .and_then(|b| b.parse::<i64>().ok())
    };
    let log = Resource::new(
        move || (subdomain(), before()),
        |(subdomain, before)| get_audit_log(subdomain, before),
    );
    view! {
        <Title text="Audit log" />
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Err(e) => refusal(e),
                    Ok(v) => audit_view(v).into_any(),
                }
            })}
        </Transition>
    }
}

fn audit_view(v: AuditView) -> impl IntoView {
    let AuditView {
        subdomain,
        organisation_name,
        entries,
        older,
    } = v;
    let empty = entries.is_empty();
    let rows = entries
        .into_iter()
        .map(|e| {
            let row_event = e.event.clone();
            view! {
                <tr data-event=row_event>
                    <td class=CELL><time>{e.time}</time></td>
                    <td class=CELL>{e.actor}</td>
                    <td class=CELL><code>{e.event}</code></td>
                    <td class=CELL>{e.detail}</td>
                    <td class=CELL><span class="font-mono">{e.ip}</span></td>
                </tr>
            }
        })
        .collect_view();
    let older_link = older.map(|id| {
        view! {
            <p>
                <a href=format!("/portal/{subdomain}/audit?before={id}") class="underline">
                    "Older entries"
                </a>
            </p>
        }
    });
    view! {
        <section class="space-y-6">
            <header class="space-y-2">
                {org_nav(&subdomain, "Audit log")}
                <h1 class="text-2xl font-bold">"Audit log of " {organisation_name}</h1>
                <p class="text-sm text-stone-600">
                    "Security events of the organisation and its members' sign-ins, newest first. Times are UTC."
                </p>
            </header>
            {if empty {
                view! { <p>"No entries."</p> }.into_any()
            } else {
                view! {
                    <table class=TABLE>
                        <thead>
                            <tr>
                                <th class=CELL>"Time"</th>
                                <th class=CELL>"Actor"</th>
                                <th class=CELL>"Event"</th>
                                <th class=CELL>"Detail"</th>
                                <th class=CELL>"IP"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }}
            {older_link}
        </section>
    }
}

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
            <span data-testid="invite-role">{role}</span> " user."
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
