//! Every path of the issuer portal, built in one place (like
//! `laurel_service::urls::OrgUrls` does for public badge URLs), for links in
//! pages and redirects in server functions. Compiled for server and browser.
//! Query strings (`?saved=1`…) are added by the caller.

use std::fmt::Display;

/// Whether the page at `path` loads the islands' WebAssembly (see
/// `crate::shell`). Visitor pages (home, organisation profiles, verification
/// pages, claim, sign-in) are server HTML only and ship no WASM or JS: their
/// budget is 150 KB, and they have nothing to hydrate. The pages of the
/// issuer portal and the activation form, where the islands are, load the one
/// islands bundle (budget 600 KB). An island put on another page will not
/// hydrate until that page is named here; the hydrated Playwright project
/// checks each island, and that visitor pages load no script.
pub fn loads_islands(path: &str) -> bool {
    path == "/activate" || path.starts_with("/portal/")
}

/// The paths of one organisation's portal: `/portal/{subdomain}/…`.
#[derive(Debug, Clone, Copy)]
pub struct Portal<'a> {
    subdomain: &'a str,
}

/// The portal of the organisation with this subdomain.
pub fn portal(subdomain: &str) -> Portal<'_> {
    Portal { subdomain }
}

/// The signed-in holder's wallet.
pub const WALLET: &str = "/wallet";

/// Where the recipient of a holder mail reports it (the link at its foot is
/// built by `laurel_service::urls::SiteUrls::report_abuse`).
pub const REPORT_ABUSE: &str = "/abuse";

/// The page that reveals new recovery codes, once, to a POST of its own
/// form (`server_fns::security::take_recovery_codes`).
pub const RECOVERY_CODES: &str = "/account/security/recovery-codes";

/// One badge in the signed-in holder's wallet (its card's anchor).
pub fn wallet_badge(slug: &str) -> String {
    format!("{WALLET}#badge-{slug}")
}

/// One badge's own page in the signed-in holder's wallet.
pub fn wallet_badge_page(slug: &str) -> String {
    format!("{WALLET}/badges/{slug}")
}

/// One imported badge's own page in the signed-in holder's wallet.
pub fn wallet_import_page(public_id: &str) -> String {
    format!("{WALLET}/imports/{public_id}")
}

/// A holder's profile photo (served only while the profile is on).
pub fn profile_photo(handle: &str) -> String {
    format!("/u/{handle}/photo")
}

/// One imported badge in the signed-in holder's wallet (its card's anchor).
pub fn wallet_import(public_id: &str) -> String {
    format!("{WALLET}#import-{public_id}")
}

/// One of the signed-in holder's collections, to edit.
pub fn wallet_collection(public_id: &str) -> String {
    format!("{WALLET}/collections/{public_id}")
}

/// A holder's public collection page.
pub fn collection_page(handle: &str, public_id: &str) -> String {
    format!("/u/{handle}/c/{public_id}")
}

/// The public verifier, for any Open Badge.
pub const VERIFIER: &str = "/verify";

/// The REST API's reference (read from its OpenAPI document).
pub const API_REFERENCE: &str = "/developers/api";

/// A report of the public verifier, at its unguessable link.
pub fn verifier_report(token: &str) -> String {
    format!("{VERIFIER}/report/{token}")
}

/// A holder's public profile (`/u/{handle}`).
pub fn profile_page(handle: &str) -> String {
    format!("/u/{handle}")
}

/// The organisation's public page (`/o/{subdomain}`).
pub fn public_page(subdomain: &str) -> String {
    format!("/o/{subdomain}")
}

impl Portal<'_> {
    /// The dashboard.
    pub fn home(self) -> String {
        format!("/portal/{}", self.subdomain)
    }
    pub fn templates(self) -> String {
        format!("/portal/{}/templates", self.subdomain)
    }
    pub fn new_template(self) -> String {
        format!("/portal/{}/templates/new", self.subdomain)
    }
    pub fn template(self, id: impl Display) -> String {
        format!("/portal/{}/templates/{id}", self.subdomain)
    }
    pub fn edit_template(self, id: impl Display) -> String {
        format!("/portal/{}/templates/{id}/edit", self.subdomain)
    }
    pub fn batches(self) -> String {
        format!("/portal/{}/batches", self.subdomain)
    }
    pub fn batch(self, id: impl Display) -> String {
        format!("/portal/{}/batches/{id}", self.subdomain)
    }
    /// The issued-badge register.
    pub fn badges(self) -> String {
        format!("/portal/{}/badges", self.subdomain)
    }
    /// One issued badge, by its assertion slug.
    pub fn badge(self, slug: impl Display) -> String {
        format!("/portal/{}/badges/{slug}", self.subdomain)
    }
    pub fn settings(self) -> String {
        format!("/portal/{}/settings", self.subdomain)
    }
    /// Settings → API (remote issuing).
    pub fn api_settings(self) -> String {
        format!("/portal/{}/settings/api", self.subdomain)
    }
    pub fn users(self) -> String {
        format!("/portal/{}/users", self.subdomain)
    }
    /// The Subscription tab: plans, status, the next invoice.
    pub fn subscription(self) -> String {
        format!("/portal/{}/subscription", self.subdomain)
    }
    /// Payment methods and billing details.
    pub fn payment(self) -> String {
        format!("/portal/{}/subscription/payment", self.subdomain)
    }
    /// Adding a card (Stripe's form).
    pub fn card(self) -> String {
        format!("/portal/{}/subscription/card", self.subdomain)
    }
    /// Where Stripe's form returns.
    pub fn card_done(self) -> String {
        format!("/portal/{}/subscription/card/done", self.subdomain)
    }
    /// Payment history: every invoice and payment.
    pub fn history(self) -> String {
        format!("/portal/{}/subscription/history", self.subdomain)
    }
    /// One invoice or credit note, by number.
    pub fn invoice(self, number: impl Display) -> String {
        format!("/portal/{}/subscription/invoices/{number}", self.subdomain)
    }
    /// Analytics: issued, claimed, shared, viewed, verified; completeness.
    pub fn analytics(self) -> String {
        format!("/portal/{}/analytics", self.subdomain)
    }
    pub fn audit(self) -> String {
        format!("/portal/{}/audit", self.subdomain)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let p = portal("acme");
        assert_eq!(p.home(), "/portal/acme");
        assert_eq!(p.template(7), "/portal/acme/templates/7");
        assert_eq!(p.edit_template("7"), "/portal/acme/templates/7/edit");
        assert_eq!(p.badge("abc"), "/portal/acme/badges/abc");
        assert_eq!(p.batch(3), "/portal/acme/batches/3");
        assert_eq!(public_page("acme"), "/o/acme");
    }

    #[test]
    fn only_portal_pages_and_activation_load_the_islands() {
        for path in [
            "/portal/acme",
            "/portal/acme/templates/new",
            "/portal/acme/batches/7",
            "/activate",
        ] {
            assert!(loads_islands(path), "{path}");
        }
        for path in [
            "/",
            "/o/acme",
            "/o/acme/assertions/x",
            "/claim",
            "/login",
            "/portal",
            "/portalx/y",
            "/signup",
        ] {
            assert!(!loads_islands(path), "{path}");
        }
    }
}
