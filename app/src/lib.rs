//! Laurel's user interface: the pages ([`pages`], one module per area), shared
//! components ([`components`]), portal paths ([`paths`]) and the server
//! functions the pages call ([`server_fns`], in folders by area). Compiled
//! twice: with `ssr` into the server binary — then server functions run, and
//! [`ssr`] gives them the request (session, role, uploads) — and with
//! `hydrate` into the browser's WebAssembly, where server functions are
//! HTTP calls. The work behind a server function is `laurel_service`; all SQL
//! is `laurel_store`; neither is compiled for the browser.

// Leptos encodes a page's whole view tree in its type; the designer's is
// deeper than rustc's default limit of 128.
#![recursion_limit = "256"]

pub mod components;
pub mod error;
pub mod pages;
pub mod paths;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::components::layout::{ErrorPanel, Layout};
use crate::pages::{
    abuse::ReportAbusePage,
    account::{ActivatePage, JoinPage, LoginPage, PortalPage, SignupPage, SignupSentPage},
    analytics::AnalyticsPage,
    api_reference::ApiReferencePage,
    api_settings::ApiSettingsPage,
    billing::{CardDonePage, CardPage, HistoryPage, InvoicePage, PaymentPage, SubscriptionPage},
    collection::CollectionEditPage,
    home::HomePage,
    issuing::{BatchPage, BatchesPage, ClaimPage, DashboardPage, IssuedBadgePage, RegisterPage},
    members::{AuditPage, InviteAcceptedPage, InvitePage, MembersPage},
    not_found::NotFound,
    organisation::OrganisationPage,
    privacy::{AccountDeletedPage, DeleteAccountPage},
    profile::{CollectionPage, ProfilePage},
    security::{
        ForgotPasswordPage, ForgotPasswordSentPage, RecoveryCodesPage, ResetPasswordPage,
        SecondFactorPage, SecurityPage,
    },
    settings::SettingsPage,
    templates::{TemplateEditorPage, TemplatePage, TemplatesPage},
    verifier::{ReportPage, VerifierPage},
    verify::VerifyPage,
    wallet::{ConfirmAddressPage, WalletPage},
    wallet_badge::{ImportPage, WalletBadgePage},
};

/// The HTML document around the application, rendered on the server only.
///
/// Laurel hydrates in islands mode: a page is server HTML, and only its
/// `#[island]` components (the designer form, a batch's live progress, the
/// subdomain field of the activation form) become interactive in the
/// browser. The islands' loader is sent only to the pages that have islands
/// ([`paths::loads_islands`]); every other page ships no script at all.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    ssr::provide_request_nonce();
    // Outside islands nothing hydrates, so the server writes no hydration
    // markers or resource data (what `<HydrationScripts islands=true>` does,
    // done here for the pages that leave it out).
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    #[cfg(feature = "ssr")]
    let path = ssr::request_path();
    #[cfg(not(feature = "ssr"))]
    let path = String::new();
    let scripts =
        paths::loads_islands(&path).then(|| view! { <HydrationScripts options islands=true /> });
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                {scripts}
                <MetaTags />
            </head>
            <body class="min-h-screen bg-stone-50 text-stone-900 antialiased">
                <App />
            </body>
        </html>
    }
}

/// Marks the document as live (`<html data-hydrated>`), so tests (and anyone
/// looking) can tell a hydrated page from server HTML. The WASM entry calls
/// it once the islands' runtime is up.
#[cfg(feature = "hydrate")]
pub fn mark_hydrated() {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("data-hydrated", "");
    }
}

/// The application: meta context, router and the page routes. Every route
/// renders with `SsrMode::Async`: the server answers with the whole page, the
/// header's session links included, so it is complete without JavaScript.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/laurel.css" />
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        // Every page's title goes through this formatter: it escapes the
        // text, which leptos_meta writes into `<title>` as it is.
        <Title formatter=|text| format!("{} · Laurel", crate::components::form::rcdata(text)) />
        <Meta name="description" content="Laurel issues, hosts and verifies Open Badges." />
        <Router>
            <Layout>
                <ErrorBoundary fallback=|errors| view! { <ErrorPanel errors /> }>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                        <Route path=path!("/signup") view=SignupPage ssr=SsrMode::Async />
                        <Route path=path!("/signup/sent") view=SignupSentPage ssr=SsrMode::Async />
                        <Route path=path!("/activate") view=ActivatePage ssr=SsrMode::Async />
                        <Route path=path!("/join") view=JoinPage ssr=SsrMode::Async />
                        <Route path=path!("/verify") view=VerifierPage ssr=SsrMode::Async />
                        <Route path=path!("/abuse") view=ReportAbusePage ssr=SsrMode::Async />
                        <Route path=path!("/developers/api") view=ApiReferencePage ssr=SsrMode::Async />
                        <Route path=path!("/verify/report/:token") view=ReportPage ssr=SsrMode::Async />
                        <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                        <Route path=path!("/portal") view=PortalPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain") view=DashboardPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/templates") view=TemplatesPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/templates/new") view=TemplateEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/templates/:id") view=TemplatePage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/templates/:id/edit") view=TemplateEditorPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/batches") view=BatchesPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/batches/:id") view=BatchPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/badges") view=RegisterPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/badges/:slug") view=IssuedBadgePage ssr=SsrMode::Async />
                        <Route path=path!("/claim") view=ClaimPage ssr=SsrMode::Async />
                        <Route
                            path=path!("/portal/:subdomain/settings")
                            view=SettingsPage
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("/portal/:subdomain/settings/api") view=ApiSettingsPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/users") view=MembersPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/subscription") view=SubscriptionPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/subscription/payment") view=PaymentPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/subscription/card") view=CardPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/subscription/card/done") view=CardDonePage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/subscription/history") view=HistoryPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/subscription/invoices/:number") view=InvoicePage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/audit") view=AuditPage ssr=SsrMode::Async />
                        <Route path=path!("/portal/:subdomain/analytics") view=AnalyticsPage ssr=SsrMode::Async />
                        <Route path=path!("/invite") view=InvitePage ssr=SsrMode::Async />
                        <Route path=path!("/invite/accepted") view=InviteAcceptedPage ssr=SsrMode::Async />
                        <Route path=path!("/login/2fa") view=SecondFactorPage ssr=SsrMode::Async />
                        <Route path=path!("/account/security") view=SecurityPage ssr=SsrMode::Async />
                        <Route
                            path=path!("/account/security/recovery-codes")
                            view=RecoveryCodesPage
                            ssr=SsrMode::Async
                        />
                        <Route path=path!("/password/forgot") view=ForgotPasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/password/forgot/sent") view=ForgotPasswordSentPage ssr=SsrMode::Async />
                        <Route path=path!("/password/reset") view=ResetPasswordPage ssr=SsrMode::Async />
                        <Route path=path!("/wallet") view=WalletPage ssr=SsrMode::Async />
                        <Route path=path!("/wallet/collections/:id") view=CollectionEditPage ssr=SsrMode::Async />
                        <Route path=path!("/wallet/badges/:slug") view=WalletBadgePage ssr=SsrMode::Async />
                        <Route path=path!("/wallet/imports/:id") view=ImportPage ssr=SsrMode::Async />
                        <Route path=path!("/wallet/addresses/confirm") view=ConfirmAddressPage ssr=SsrMode::Async />
                        <Route path=path!("/account/delete") view=DeleteAccountPage ssr=SsrMode::Async />
                        <Route path=path!("/account/deleted") view=AccountDeletedPage ssr=SsrMode::Async />
                        <Route path=path!("/u/:handle") view=ProfilePage ssr=SsrMode::Async />
                        <Route path=path!("/u/:handle/c/:id") view=CollectionPage ssr=SsrMode::Async />
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
