//! The landing page: what Laurel is, and a first interactive element (the
//! subdomain checker) that works as a plain form without JavaScript and checks
//! as you type once hydrated.

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

/// What a subdomain check says, as shown under the field.
fn check_subdomain(input: &str) -> Option<Result<String, String>> {
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

/// Checks a subdomain against Laurel's rules. Without JavaScript it is a GET
/// form answered by the server; hydrated, it answers on every keystroke.
#[component]
fn SubdomainChecker() -> impl IntoView {
    let query = use_query_map();
    let initial = query.read_untracked().get("subdomain").unwrap_or_default();
    let value = RwSignal::new(initial.clone());
    let result = move || value.with(|v| check_subdomain(v));
    // Effects run only in the browser, once hydrated: the marker lets tests
    // (and people) tell the live checker from the plain form.
    let live = RwSignal::new(false);
    Effect::new(move |_| live.set(true));

    view! {
        <form
            method="get"
            action="/"
            class="rounded-xl border border-stone-200 bg-white p-6 shadow-sm"
            data-live=move || live.get().to_string()
        >
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
                    // `value` is what the server renders (and what a browser
                    // without JavaScript shows); `prop:value` keeps it in sync
                    // once hydrated.
                    value=initial
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))
                />
                <button
                    type="submit"
                    class=BUTTON
                >
                    "Check"
                </button>
            </div>
            <p id="subdomain-result" class="mt-3 min-h-6 text-sm" aria-live="polite">
                {move || match result() {
                    None => ().into_any(),
                    Some(Ok(msg)) => view! { <span class="text-emerald-800">{msg}</span> }.into_any(),
                    Some(Err(msg)) => view! { <span class="text-red-700">{msg}</span> }.into_any(),
                }}
            </p>
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
