use leptos::prelude::*;
use leptos_meta::Title;

/// The 404 page. On the server it also sets the response status.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(http::StatusCode::NOT_FOUND);
    view! {
        <Title text="Page not found" />
        <section class="py-16 text-center">
            <p class="text-sm font-semibold text-emerald-700">"404"</p>
            <h1 class="mt-2 text-3xl font-bold">"Page not found"</h1>
            <p class="mt-4 text-stone-600">
                "There is nothing at this address. It may have been mistyped or removed."
            </p>
            <p class="mt-6">
                <a href="/" class="text-emerald-800 underline">"Go to the home page"</a>
            </p>
        </section>
    }
}
