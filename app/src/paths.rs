//! Every path of the issuer portal, built in one place (like
//! `laurel_service::urls::OrgUrls` does for public badge URLs), for links in
//! pages and redirects in server functions. Compiled for server and browser.
//! Query strings (`?saved=1`…) are added by the caller.

use std::fmt::Display;

/// The paths of one organisation's portal: `/portal/{subdomain}/…`.
#[derive(Debug, Clone, Copy)]
pub struct Portal<'a> {
    subdomain: &'a str,
}

/// The portal of the organisation with this subdomain.
pub fn portal(subdomain: &str) -> Portal<'_> {
    Portal { subdomain }
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
    pub fn users(self) -> String {
        format!("/portal/{}/users", self.subdomain)
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
}
