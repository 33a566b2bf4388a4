//! Laurel's user interface: Leptos components (grouped by page) and the server
//! functions they call. Compiled twice: with `ssr` into the server binary, with
//! `hydrate` into the browser's WebAssembly.

pub mod components;
pub mod error;
pub mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod ssr;
#[cfg(feature = "ssr")]
pub mod store;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::components::layout::{ErrorPanel, Layout};
use crate::pages::{
    home::HomePage, not_found::NotFound, organisation::OrganisationPage, verify::VerifyPage,
};

/// The HTML document around the application, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::provide_request_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-stone-50 text-stone-900 antialiased">
                <App />
            </body>
        </html>
    }
}

/// The application: meta context, router and the page routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/laurel.css" />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Title formatter=|text| format!("{text} · Laurel") />
        <Meta name="description" content="Laurel issues, hosts and verifies Open Badges." />
        <Router>
            <Layout>
                <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors /> }>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage />
                        <Route path=path!("/o/:subdomain") view=OrganisationPage ssr=SsrMode::Async />
                        <Route
                            path=path!("/o/:subdomain/assertions/:slug")
                            view=VerifyPage
                            ssr=SsrMode::Async
                        />
                    </Routes>
                </ErrorBoundary>
            </Layout>
        </Router>
    }
}
