//! Sign-up, activation, sign-in and the portal: every form is a plain HTML
//! form (errors come back in the URL). The activation form's subdomain field
//! is an island: it checks the subdomain as you type.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::{ActionError, Field};
use crate::components::portal::error_of;
use crate::components::style::{ALERT, BUTTON, INPUT, LABEL, SECONDARY};
use crate::pages::home::{check_subdomain, subdomain_answer};
use crate::paths::public_page;
use crate::server_fns::account::activate::Activate;
use crate::server_fns::account::activate_holder::ActivateHolder;
use crate::server_fns::account::check_signup_token::check_signup_token;
use crate::server_fns::account::get_portal::get_portal;
use crate::server_fns::account::login::Login;
use crate::server_fns::account::request_signup::{RequestSignup, SignupKind};
use crate::server_fns::account::sign_out_everywhere::SignOutEverywhere;

/// `/signup` (`?as=holder` preselects the holder): one form for holders
/// and issuers, an email address first; the emailed link leads on.
#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<RequestSignup>::new();
    let holder = use_query_map().read_untracked().get("as").as_deref() == Some("holder");
    view! {
        <Title text="Sign up" />
        <section class="mx-auto max-w-md space-y-4">
            <h1 class="text-2xl font-bold">"Sign up"</h1>
            <p class="text-stone-700">
                "Enter your email address. We will send you a link to finish: it proves the address is yours."
            </p>
            <ActionForm action attr:class="space-y-4">
                <Field label="Email" name="email" kind="email" autocomplete="email" />
                <fieldset class="space-y-2">
                    <legend class=LABEL>"What would you like to do?"</legend>
                    <label class="flex items-start gap-2">
                        <input type="radio" name="kind" value="holder" checked=holder class="mt-1" />
                        <span>"Keep and share the badges I earn"
                            <span class="block text-sm text-stone-600">"A wallet for every badge issued to your address, and a public profile if you want one."</span>
                        </span>
                    </label>
                    <label class="flex items-start gap-2">
                        <input type="radio" name="kind" value="issuer" checked=!holder class="mt-1" />
                        <span>"Issue badges for my organisation"
                            <span class="block text-sm text-stone-600">"Design badges, award them by hand, by CSV or by API."</span>
                        </span>
                    </label>
                </fieldset>
                <ActionError error=error_of(action.value()) />
                <button type="submit" class=BUTTON>"Send me the link"</button>
            </ActionForm>
            <p class="text-sm">"Already have an account? " <a href="/login" class="underline">"Sign in"</a></p>
        </section>
    }
}

#[component]
pub fn SignupSentPage() -> impl IntoView {
    view! {
        <Title text="Check your inbox" />
        <section class="mx-auto max-w-md space-y-4">
            <h1 class="text-2xl font-bold">"Check your inbox"</h1>
            <p>
                "If the address can be used, a link to finish signing up is on its way. "
                "It works once, for 24 hours."
            </p>
        </section>
    }
}

/// `/join?token=`: a holder's sign-up, step two — a password.
#[component]
pub fn JoinPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let email = Resource::new(token, |t| check_signup_token(t, SignupKind::Holder));
    let action = ServerAction::<ActivateHolder>::new();
    view! {
        <Title text="Create your wallet" />
        <section class="mx-auto max-w-md space-y-4">
            <h1 class="text-2xl font-bold">"Create your wallet"</h1>
            <Suspense fallback=|| view! { <p>"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    match email.await {
                        Err(e) => view! {
                            <p role="alert" class=ALERT>{e.to_string()}</p>
                            <p><a href="/signup?as=holder" class="underline">"Ask for a new link"</a></p>
                        }.into_any(),
                        Ok(email) => view! {
                            <p class="text-stone-700">"Your wallet's address: " <strong>{email}</strong></p>
                            <ActionForm action attr:class="space-y-4">
                                <input type="hidden" name="token" value=token() />
                                <PasswordFields />
                                <ActionError error=error_of(action.value()) />
                                <button type="submit" class=BUTTON>"Create my wallet"</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// A holder's name and new password: the fields of the holder's sign-up
/// and of the claim page's "create your wallet".
#[component]
pub fn PasswordFields() -> impl IntoView {
    view! {
        <Field label="Your name (optional)" name="display_name" autocomplete="name" required=false />
        <Field
            label="Password"
            name="password"
            kind="password"
            autocomplete="new-password"
            hint="At least 10 characters and hard to guess."
        />
        <Field label="Repeat the password" name="password_confirm" kind="password" autocomplete="new-password" />
    }
}

#[component]
pub fn ActivatePage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let email = Resource::new(token, |t| check_signup_token(t, SignupKind::Issuer));
    let action = ServerAction::<Activate>::new();
    view! {
        <Title text="Set up your organisation" />
        <section class="mx-auto max-w-lg space-y-4">
            <h1 class="text-2xl font-bold">"Set up your organisation"</h1>
            <Suspense fallback=|| view! { <p>"Checking your link…"</p> }>
                {move || Suspend::new(async move {
                    match email.await {
                        Err(e) => view! {
                            <p role="alert" class=ALERT>
                                {e.to_string()}
                            </p>
                            <p><a href="/signup" class="underline">"Ask for a new link"</a></p>
                        }.into_any(),
                        Ok(email) => view! {
                            <p class="text-stone-700">"Signing up as " <strong>{email}</strong></p>
                            <ActionForm action attr:class="space-y-4">
                                <input type="hidden" name="token" value=token() />
                                <Field label="Organisation name" name="organisation_name" autocomplete="organization" />
                                <SubdomainField />
                                <Field label="Contact name" name="contact_name" autocomplete="name" />
                                <Field label="Contact phone (optional)" name="contact_phone" kind="tel" autocomplete="tel" required=false />
                                <Field
                                    label="Password"
                                    name="password"
                                    kind="password"
                                    autocomplete="new-password"
                                    hint="At least 10 characters and hard to guess."
                                />
                                <Field label="Repeat the password" name="password_confirm" kind="password" autocomplete="new-password" />
                                <ActionError error=error_of(action.value()) />
                                <button type="submit" class=BUTTON>"Activate"</button>
                            </ActionForm>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The subdomain field of the activation form. Without JavaScript the
/// server checks the subdomain when the form is sent; hydrated (an island),
/// the line under the field answers on every keystroke.
#[island]
fn SubdomainField() -> impl IntoView {
    let value = RwSignal::new(String::new());
    view! {
        <div>
            <label for="subdomain" class=LABEL>"Subdomain"</label>
            <input
                id="subdomain"
                name="subdomain"
                type="text"
                required=true
                autocomplete="off"
                spellcheck="false"
                aria-describedby="subdomain-hint subdomain-result"
                class=INPUT
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <p id="subdomain-hint" class="mt-1 text-xs text-stone-600">
                "Lowercase letters, digits and hyphens, 3–63 characters. It becomes part of every badge you issue and can never be changed."
            </p>
            <p id="subdomain-result" class="mt-1 min-h-5 text-sm" aria-live="polite">
                {move || value.with(|v| subdomain_answer(check_subdomain(v)))}
            </p>
        </div>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    view! {
        <Title text="Sign in" />
        <section class="mx-auto max-w-md space-y-4">
            <h1 class="text-2xl font-bold">"Sign in"</h1>
            <ActionForm action attr:class="space-y-4">
                <Field label="Email" name="email" kind="email" autocomplete="username" />
                <Field label="Password" name="password" kind="password" autocomplete="current-password" />
                <ActionError error=error_of(action.value()) />
                <button type="submit" class=BUTTON>"Sign in"</button>
            </ActionForm>
            <p class="text-sm"><a href="/password/forgot" class="underline">"Forgot your password?"</a></p>
            <p class="text-sm">"New here? " <a href="/signup?as=holder" class="underline">"Keep your badges"</a>
                " or " <a href="/signup" class="underline">"start issuing badges"</a></p>
        </section>
    }
}

#[component]
pub fn PortalPage() -> impl IntoView {
    let portal = Resource::new(|| (), |_| get_portal());
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    view! {
        <Title text="Portal" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                portal.await.map(|found| match found {
                    None => view! {
                        <section class="mx-auto max-w-md space-y-4">
                            <h1 class="text-2xl font-bold">"Please sign in"</h1>
                            <p><a href="/login" class="underline">"Sign in"</a> " to open your portal."</p>
                        </section>
                    }.into_any(),
                    Some(p) => view! {
                        <section class="space-y-6">
                            <header>
                                <h1 class="text-2xl font-bold">"Your portal"</h1>
                                <p class="text-stone-600">"Signed in as " <span data-testid="who">{p.email.clone()}</span></p>
                                <p><a href="/account/security" class="text-sm underline">"Account security: password and two-factor authentication"</a></p>
                            </header>
                            <ul class="space-y-2">
                                {p.organisations.into_iter().map(|o| view! {
                                    <li class="rounded border border-stone-200 bg-white p-4">
                                        <p class="font-semibold">{o.name}</p>
                                        <p class="text-sm text-stone-600">
                                            <span class="font-mono">{o.subdomain.clone()}</span>
                                            " · role: " <span data-testid="role">{o.role.as_str()}</span>
                                        </p>
                                        <a href=crate::paths::portal(&o.subdomain).home() class="text-sm underline">"Dashboard"</a>
                                        " · " <a href=crate::paths::portal(&o.subdomain).templates() class="text-sm underline">"Templates"</a>
                                        " · " <a href=crate::paths::portal(&o.subdomain).badges() class="text-sm underline">"Issued badges"</a>
                                        " · " <a href=public_page(&o.subdomain) class="text-sm underline">"Public page"</a>
                                        {(o.role == laurel::Role::Privileged).then(|| view! {
                                            " · " <a href=crate::paths::portal(&o.subdomain).users() class="text-sm underline">"Users"</a>
                                            " · " <a href=crate::paths::portal(&o.subdomain).audit() class="text-sm underline">"Audit log"</a>
                                            " · " <a href=crate::paths::portal(&o.subdomain).settings() class="text-sm underline">"Settings"</a>
                                        })}
                                    </li>
                                }).collect_view()}
                            </ul>
                            <div class="flex gap-3">
                                <ActionForm action=everywhere>
                                    <button type="submit" class=SECONDARY>"Sign out everywhere"</button>
                                </ActionForm>
                            </div>
                        </section>
                    }.into_any(),
                })
            })}
        </Suspense>
    }
}
