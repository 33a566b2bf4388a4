//! The landing page: what Laurel is, and a subdomain checker (a plain GET
//! form: the home page is a visitor page and ships no script).

use laurel::Subdomain;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

use crate::components::style::BUTTON;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Open Badges for organisations and the people who earn them" />
        <Meta property="og:title" content="Laurel — Open Badges" />
        <Meta property="og:type" content="website" />
        <section class="grid gap-10 md:grid-cols-2 md:items-center">
            <div>
                <h1 class="text-4xl font-bold tracking-tight text-stone-900">
                    "Digital badges people can prove."
                </h1>
                <p class="mt-4 text-lg text-stone-700">
                    "Laurel lets organisations design badges and issue them by hand, by CSV "
                    "or through a signed API. Every badge is a standard Open Badges credential "
                    "(2.0 and 3.0), signed by its issuer, baked into its image, revocable and "
                    "verifiable by anyone."
                </p>
                <p class="mt-4 text-stone-700">
                    "People who earn badges keep them in a wallet, choose what is public, and "
                    "share them to LinkedIn, X or their own site."
                </p>
            </div>
            <SubdomainChecker />
        </section>
        <section class="mt-14 grid gap-6 sm:grid-cols-3">
            <Feature
                title="Issue"
                text="Design a template once, then award it to one person or a hundred thousand."
            />
            <Feature
                title="Verify"
                text="Hosted and signed credentials that the official validators accept."
            />
            <Feature
                title="Share"
                text="Holders decide what is public and show it wherever they like."
            />
        </section>
    }
}

#[component]
fn Feature(title: &'static str, text: &'static str) -> impl IntoView {
    view! {
        <article class="rounded-lg border border-stone-200 bg-white p-5">
            <h2 class="font-semibold text-emerald-800">{title}</h2>
            <p class="mt-2 text-sm text-stone-700">{text}</p>
        </article>
    }
}

/// What a subdomain check says, as shown under the field: `None` for an
/// empty field. Shared by the home page's form and the activation form's
/// live field ([`crate::pages::account`]).
pub fn check_subdomain(input: &str) -> Option<Result<String, String>> {
    if input.is_empty() {
        return None;
    }
    Some(match Subdomain::parse(input) {
        Ok(s) => Ok(format!(
            "“{s}” is a valid subdomain: your badges would live at /o/{s}/."
        )),
        Err(e) => Err(e.to_string()),
    })
}

/// The answer of [`check_subdomain`] as the line under a field.
pub fn subdomain_answer(answer: Option<Result<String, String>>) -> AnyView {
    match answer {
        None => ().into_any(),
        Some(Ok(msg)) => view! { <span class="text-emerald-800">{msg}</span> }.into_any(),
        Some(Err(msg)) => view! { <span class="text-red-700">{msg}</span> }.into_any(),
    }
}

/// Checks a subdomain against Laurel's rules: a GET form answered by the
/// server. The home page is a visitor page and ships no WebAssembly
/// (`paths::loads_islands`); the activation form, where the subdomain is
/// really chosen, checks it as you type.
#[component]
fn SubdomainChecker() -> impl IntoView {
    let query = use_query_map();
    let value = query.read_untracked().get("subdomain").unwrap_or_default();
    let answer = subdomain_answer(check_subdomain(&value));
    view! {
        <form method="get" action="/" class="rounded-xl border border-stone-200 bg-white p-6 shadow-sm">
            <label for="subdomain" class="block font-semibold">
                "Try a subdomain for your organisation"
            </label>
            <p class="mt-1 text-sm text-stone-600">
                "It becomes part of every badge you issue and can never change."
            </p>
            <div class="mt-3 flex gap-2">
                <input
                    id="subdomain"
                    name="subdomain"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    maxlength="80"
                    class="w-full rounded border border-stone-300 px-3 py-2 font-mono"
                    value=value
                />
                <button type="submit" class=BUTTON>"Check"</button>
            </div>
            <p id="subdomain-result" class="mt-3 min-h-6 text-sm" aria-live="polite">{answer}</p>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::check_subdomain;

    #[test]
    fn checker_explains_each_outcome() {
        assert_eq!(check_subdomain(""), None);
        assert!(check_subdomain("acme").unwrap().is_ok());
        let err = check_subdomain("Acme").unwrap().unwrap_err();
        assert!(err.contains("lowercase"), "{err}");
    }
}
