//! Account security: two-factor authentication (set up with a QR code,
//! recovery codes shown once, turned off with the password and a code),
//! password change, the second step of signing in, and password reset by
//! mail. Every form works as a plain HTML form without JavaScript (errors
//! come back in the URL) and as an in-page request once hydrated.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::{ActionError, Field};
use crate::components::portal::error_of;
use crate::components::style::{ALERT, BUTTON, CARD, NOTICE, SECONDARY};
use crate::error::AppError;
use crate::paths;
use crate::server_fns::security::change_password::ChangePassword;
use crate::server_fns::security::check_reset_token::check_reset_token;
use crate::server_fns::security::disable_mfa::DisableMfa;
use crate::server_fns::security::enable_mfa::EnableMfa;
use crate::server_fns::security::get_security::{get_security, SecurityView};
use crate::server_fns::security::request_password_reset::RequestPasswordReset;
use crate::server_fns::security::reset_password::ResetPassword;
use crate::server_fns::security::start_mfa_setup::StartMfaSetup;
use crate::server_fns::security::take_recovery_codes::{take_recovery_codes, RecoveryCodes};
use crate::server_fns::security::verify_login_code::VerifyLoginCode;

fn please_sign_in() -> AnyView {
    view! {
        <section class="mx-auto max-w-md space-y-4">
            <h1 class="text-2xl font-bold">"Please sign in"</h1>
            <p><a href="/login" class="underline">"Sign in"</a> " to manage your account's security."</p>
        </section>
    }
    .into_any()
}

/// `/account/security`: two-factor authentication and the password.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let start = ServerAction::<StartMfaSetup>::new();
    let enable = ServerAction::<EnableMfa>::new();
    let disable = ServerAction::<DisableMfa>::new();
    let change = ServerAction::<ChangePassword>::new();
    // Read again after each action (hydrated: the page stays the same URL).
    let security = Resource::new(
        move || {
            (
                start.version().get(),
                disable.version().get(),
                change.version().get(),
            )
        },
        |_| get_security(),
    );
    let query = use_query_map();
    let done = move || {
        query.read().get("done").and_then(|d| match d.as_str() {
            "password" => Some("Your password is changed. Every other device signed in to your account was signed out."),
            "mfa-off" => Some("Two-factor authentication is off. Signing in now needs only your password."),
            _ => None,
        })
    };
    view! {
        <Title text="Account security" />
        {move || done().map(|text| view! { <p role="status" class=format!("mx-auto mb-6 max-w-2xl {NOTICE}")>{text}</p> })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                security.await.map(|found| match found {
                    None => please_sign_in(),
                    Some(s) => view! {
                        <section class="mx-auto max-w-2xl space-y-6">
                            <header class="space-y-1">
                                <h1 class="text-2xl font-bold">"Account security"</h1>
                                <p class="text-stone-600">
                                    "Signed in as " <span data-testid="who">{s.email.clone()}</span> " · "
                                    <a href="/portal" class="underline">"Back to your portal"</a>
                                </p>
                            </header>
                            <TwoFactorSection state=s start enable disable />
                            <section class=CARD aria-labelledby="password-heading">
                                <h2 id="password-heading" class="text-lg font-semibold">"Change your password"</h2>
                                <ActionForm action=change attr:class="space-y-4">
                                    <Field label="Current password" name="current_password" kind="password" autocomplete="current-password" />
                                    <Field
                                        label="New password"
                                        name="new_password"
                                        kind="password"
                                        autocomplete="new-password"
                                        hint="At least 10 characters and hard to guess. Every other device signed in to your account will be signed out."
                                    />
                                    <Field label="Repeat the new password" name="new_password_confirm" kind="password" autocomplete="new-password" />
                                    <ActionError error=error_of(change.value()) />
                                    <button type="submit" class=BUTTON>"Change password"</button>
                                </ActionForm>
                            </section>
                        </section>
                    }
                    .into_any(),
                })
            })}
        </Suspense>
    }
}

#[component]
fn TwoFactorSection(
    state: SecurityView,
    start: ServerAction<StartMfaSetup>,
    enable: ServerAction<EnableMfa>,
    disable: ServerAction<DisableMfa>,
) -> impl IntoView {
    let body = if state.mfa_enabled {
        view! {
            <p data-testid="mfa-status">
                <strong>"Two-factor authentication is on."</strong>
                " Signing in needs your password and a code from your authenticator app."
            </p>
            <p class="text-sm text-stone-600">
                {format!("{} of 10 recovery codes left.", state.recovery_codes_left)}
            </p>
            <ActionForm action=disable attr:class="space-y-4">
                <h3 class="font-semibold">"Turn it off"</h3>
                <Field label="Your password" name="password" kind="password" autocomplete="current-password" />
                <Field
                    label="Code from the app or a recovery code"
                    name="code"
                    autocomplete="one-time-code"
                />
                <ActionError error=error_of(disable.value()) />
                <button type="submit" class=SECONDARY>"Turn off two-factor authentication"</button>
            </ActionForm>
        }
        .into_any()
    } else if let Some(setup) = state.setup {
        view! {
            <p data-testid="mfa-status">"Two-factor authentication is being set up."</p>
            <ol class="list-decimal space-y-4 pl-5">
                <li>
                    "Scan this QR code with an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password, …):"
                    <img
                        src=format!("data:image/png;base64,{}", setup.qr_png_base64)
                        alt="QR code that adds Laurel to an authenticator app"
                        width="200"
                        height="200"
                        class="mt-2 border border-stone-200"
                    />
                    <p class="mt-2 text-sm">
                        "Cannot scan it? Type this key into the app instead (time-based): "
                        <code data-testid="totp-secret" class="rounded bg-stone-100 px-1 font-mono">{setup.secret}</code>
                    </p>
                </li>
                <li>
                    "Enter the 6-digit code the app now shows for Laurel, and your password:"
                    <ActionForm action=enable attr:class="mt-2 space-y-4">
                        <Field label="Code from the app" name="code" autocomplete="one-time-code" />
                        <Field
                            label="Your password"
                            name="password"
                            kind="password"
                            autocomplete="current-password"
                            hint="Every other device signed in to your account will be signed out."
                        />
                        <ActionError error=error_of(enable.value()) />
                        <button type="submit" class=BUTTON>"Turn on two-factor authentication"</button>
                    </ActionForm>
                </li>
            </ol>
            <ActionForm action=start>
                <button type="submit" class=SECONDARY>"Start again with a new key"</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <p data-testid="mfa-status">
                <strong>"Two-factor authentication is off."</strong>
                " Turn it on so that a stolen password alone cannot open your account: signing in will also need a code from an app on your phone."
            </p>
            <ActionForm action=start>
                <ActionError error=error_of(start.value()) />
                <button type="submit" class=BUTTON>"Set up two-factor authentication"</button>
            </ActionForm>
        }
        .into_any()
    };
    view! {
        <section class=CARD aria-labelledby="mfa-heading">
            <h2 id="mfa-heading" class="text-lg font-semibold">"Two-factor authentication"</h2>
            {body}
        </section>
    }
}

/// `/account/security/recovery-codes`: the ten new recovery codes, revealed
/// once, by the POST of this page's own button (see `take_recovery_codes`).
#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let codes = Resource::new(|| (), |_| take_recovery_codes());
    view! {
        <Title text="Your recovery codes" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match codes.await {
                    Err(AppError::Unauthorized) => please_sign_in(),
                    Err(e) => view! { <p role="alert" class=ALERT>{e.to_string()}</p> }.into_any(),
                    Ok(RecoveryCodes::Gone) => view! {
                        <section class="mx-auto max-w-md space-y-4">
                            <h1 class="text-2xl font-bold">"Recovery codes"</h1>
                            <p>
                                "Recovery codes are shown once, right after two-factor authentication is turned on, "
                                "and only their fingerprints are kept. To get new ones, turn two-factor authentication off and on again."
                            </p>
                            <p><a href="/account/security" class="underline">"Back to account security"</a></p>
                        </section>
                    }
                    .into_any(),
                    Ok(RecoveryCodes::Waiting) => view! {
                        <section class="mx-auto max-w-md space-y-4">
                            <h1 class="text-2xl font-bold">"Your recovery codes are ready"</h1>
                            <p role="status" class=NOTICE>"Two-factor authentication is on."</p>
                            <p>
                                "If you lose your phone, each of ten recovery codes signs you in once in place of a code from the app. "
                                "They are shown once only: show them when you are ready to save them somewhere safe, such as a password manager."
                            </p>
                            <form method="post" action=paths::RECOVERY_CODES>
                                <button type="submit" class=BUTTON>"Show my recovery codes"</button>
                            </form>
                        </section>
                    }
                    .into_any(),
                    Ok(RecoveryCodes::Revealed(codes)) => view! {
                        <section class="mx-auto max-w-md space-y-4">
                            <h1 class="text-2xl font-bold">"Save your recovery codes"</h1>
                            <p>
                                "If you lose your phone, each of these codes signs you in once in place of a code from the app. "
                                "Save them now somewhere safe, such as a password manager: they will not be shown again."
                            </p>
                            <ul data-testid="recovery-codes" class="grid grid-cols-2 gap-2 font-mono text-lg">
                                {codes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
                            </ul>
                            <p><a href="/account/security" class=BUTTON>"I have saved them"</a></p>
                        </section>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/login/2fa`: the second step of signing in.
#[component]
pub fn SecondFactorPage() -> impl IntoView {
    let action = ServerAction::<VerifyLoginCode>::new();
    view! {
        <Title text="Enter your code" />
        <section class="mx-auto max-w-md space-y-4">
            <h1 class="text-2xl font-bold">"Enter your code"</h1>
            <p class="text-stone-700">
                "Open your authenticator app and enter the 6-digit code it shows for Laurel. "
                "Lost your phone? Enter one of your recovery codes instead."
            </p>
            <ActionForm action attr:class="space-y-4">
                <Field label="Code" name="code" autocomplete="one-time-code" />
                <ActionError error=error_of(action.value()) />
                <button type="submit" class=BUTTON>"Verify"</button>
            </ActionForm>
            <p class="text-sm"><a href="/login" class="underline">"Start signing in again"</a></p>
        </section>
    }
}

/// `/password/forgot`: asks for a reset link.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    view! {
        <Title text="Forgot your password?" />
        <section class="mx-auto max-w-md space-y-4">
            <h1 class="text-2xl font-bold">"Forgot your password?"</h1>
            <p class="text-stone-700">
                "Enter the email address of your account. We will send you a link to choose a new password."
            </p>
            <ActionForm action attr:class="space-y-4">
                <Field label="Email" name="email" kind="email" autocomplete="email" />
                <ActionError error=error_of(action.value()) />
                <button type="submit" class=BUTTON>"Send me a link"</button>
            </ActionForm>
            <p class="text-sm"><a href="/login" class="underline">"Back to sign in"</a></p>
        </section>
    }
}

#[component]
pub fn ForgotPasswordSentPage() -> impl IntoView {
    view! {
        <Title text="Check your inbox" />
        <section class="mx-auto max-w-md space-y-4">
            <h1 class="text-2xl font-bold">"Check your inbox"</h1>
            <p data-testid="reset-sent">
                "If an account exists for that address, a link is on its way. It works once, for an hour."
            </p>
        </section>
    }
}

/// `/password/reset?token=…`: chooses a new password with an emailed link.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let done = move || query.read().get("done").is_some();
    let email = Resource::new(token, check_reset_token);
    let action = ServerAction::<ResetPassword>::new();
    view! {
        <Title text="Choose a new password" />
        <section class="mx-auto max-w-md space-y-4">
            <Show
                when=done
                fallback=move || view! {
                    <h1 class="text-2xl font-bold">"Choose a new password"</h1>
                    <Suspense fallback=|| view! { <p>"Checking your link…"</p> }>
                        {move || Suspend::new(async move {
                            match email.await {
                                Err(e) => view! {
                                    <p role="alert" class=ALERT>{e.to_string()}</p>
                                    <p><a href="/password/forgot" class="underline">"Ask for a new link"</a></p>
                                }
                                .into_any(),
                                Ok(email) => view! {
                                    <p class="text-stone-700">"For " <strong>{email}</strong></p>
                                    <ActionForm action attr:class="space-y-4">
                                        <input type="hidden" name="token" value=token() />
                                        <Field
                                            label="New password"
                                            name="password"
                                            kind="password"
                                            autocomplete="new-password"
                                            hint="At least 10 characters and hard to guess."
                                        />
                                        <Field label="Repeat the new password" name="password_confirm" kind="password" autocomplete="new-password" />
                                        <ActionError error=error_of(action.value()) />
                                        <button type="submit" class=BUTTON>"Set the new password"</button>
                                    </ActionForm>
                                }
                                .into_any(),
                            }
                        })}
                    </Suspense>
                }
            >
                <h1 class="text-2xl font-bold">"Your password is changed"</h1>
                <p role="status" class=NOTICE>
                    "Every device that was signed in to your account has been signed out."
                </p>
                <p><a href="/login" class="underline">"Sign in with your new password"</a></p>
            </Show>
        </section>
    }
}
