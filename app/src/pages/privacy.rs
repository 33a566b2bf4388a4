//! A person's data: deleting the account (`/account/delete`, then
//! `/account/deleted`). The export is a download linked from the wallet
//! (`wallet/export_data`). Plain forms, no script.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::form::{ActionError, Field};
use crate::components::portal::error_of;
use crate::components::style::{CARD, DANGER};
use crate::server_fns::account::delete_account::DeleteAccount;
use crate::server_fns::wallet::export_data::ExportData;

/// `/account/delete`: what deleting means, said plainly, then the password
/// (and a two-factor code when it is on) and a confirmation.
#[component]
pub fn DeleteAccountPage() -> impl IntoView {
    let action = ServerAction::<DeleteAccount>::new();
    let export = <ExportData as leptos::server_fn::ServerFn>::url();
    view! {
        <Title text="Delete your account" />
        <section class="mx-auto max-w-lg space-y-4">
            <h1 class="text-2xl font-bold">"Delete your account"</h1>
            <ul class="list-disc space-y-1 pl-6 text-stone-700">
                <li>"Your public profile and collections disappear at once."</li>
                <li>"Your imported badges, further addresses, collections and settings are deleted."</li>
                <li>"Badges issued to you stay in their issuers' registers and stay verifiable by their links: they are the issuers' records."</li>
                <li>"It cannot be undone. "<a href=export class="underline">"Download all your data"</a>" first if you want a copy."</li>
            </ul>
            <ActionForm action attr:class=CARD>
                <Field label="Password" name="password" kind="password" autocomplete="current-password" />
                <Field
                    label="Two-factor code (if it is on)"
                    name="code"
                    autocomplete="one-time-code"
                    required=false
                    hint="The 6-digit code from your app, or a recovery code."
                />
                <label class="flex items-center gap-2 text-sm">
                    <input type="checkbox" name="confirm" value="yes" />
                    "I understand that my account is deleted for good."
                </label>
                <ActionError error=error_of(action.value()) />
                <button type="submit" class=DANGER>"Delete my account"</button>
            </ActionForm>
        </section>
    }
}

/// `/account/deleted`.
#[component]
pub fn AccountDeletedPage() -> impl IntoView {
    view! {
        <Title text="Account deleted" />
        <section class="mx-auto max-w-md space-y-4">
            <h1 class="text-2xl font-bold">"Your account is deleted"</h1>
            <p>"Your public pages are gone. Badges issued to you stay with their issuers."</p>
            <p><a href="/" class="underline">"Laurel's home page"</a></p>
        </section>
    }
}
