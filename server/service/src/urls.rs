//! Every public URL Laurel gives out: an organisation's Open Badges documents
//! ([`OrgUrls`]: every ID in a published badge is built here, so they cannot
//! drift apart) and the single-use links its mails carry ([`SiteUrls`]).

/// URLs under an organisation's public base: `{public}/o/{subdomain}`, or —
/// when a wildcard base domain is configured (`LAUREL_BASE_DOMAIN`) —
/// `{scheme}://{subdomain}.{base domain}{:port}`, so the subdomain is part of
/// every badge's host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUrls {
    base: String,
}

impl OrgUrls {
    pub fn new(public_url: &str, subdomain: &str) -> Self {
        Self {
            base: format!("{public_url}/o/{subdomain}"),
        }
    }

    /// Host-based: the scheme and port come from the public URL.
    pub fn on_host(public_url: &str, base_domain: &str, subdomain: &str) -> Self {
        let (scheme, rest) = public_url
            .split_once("://")
            .unwrap_or(("https", public_url));
        let authority = rest.split('/').next().unwrap_or_default();
        let port = authority
            .rsplit_once(':')
            .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
            .map(|(_, p)| format!(":{p}"))
            .unwrap_or_default();
        Self {
            base: format!("{scheme}://{subdomain}.{base_domain}{port}"),
        }
    }

    pub fn home(&self) -> String {
        self.base.clone()
    }
    /// The organisation's profile image.
    pub fn image(&self) -> String {
        format!("{}/image", self.base)
    }
    pub fn issuer(&self) -> String {
        format!("{}/issuer", self.base)
    }
    /// The JWK set of every published key.
    pub fn jwks(&self) -> String {
        format!("{}/keys", self.base)
    }
    pub fn key(&self, kid: &str) -> String {
        format!("{}/keys/{kid}", self.base)
    }
    pub fn revocations(&self) -> String {
        format!("{}/revocations", self.base)
    }
    pub fn revocations_ob3(&self) -> String {
        format!("{}/revocations/ob3", self.base)
    }
    pub fn badge(&self, slug: &str) -> String {
        format!("{}/badges/{slug}", self.base)
    }
    pub fn badge_image(&self, slug: &str) -> String {
        format!("{}/badges/{slug}/image", self.base)
    }
    /// Sharing a badge on `channel`: Laurel counts the click, then
    /// redirects to the channel (`laurel::share::Certification::share_url`).
    pub fn share(&self, slug: &str, channel: laurel::ShareChannel) -> String {
        format!("{}/assertions/{slug}/share/{channel}", self.base)
    }
    /// A badge class's 1200×630 share image (`key` from
    /// `share_image::key`).
    pub fn share_image(&self, slug: &str, key: &str) -> String {
        format!("{}/badges/{slug}/share/{key}.png", self.base)
    }
    pub fn assertion(&self, slug: &str) -> String {
        format!("{}/assertions/{slug}", self.base)
    }
    pub fn assertion_json(&self, slug: &str) -> String {
        format!("{}/assertions/{slug}.json", self.base)
    }
    pub fn assertion_jws(&self, slug: &str) -> String {
        format!("{}/assertions/{slug}.jws", self.base)
    }
    pub fn credential(&self, slug: &str) -> String {
        format!("{}/assertions/{slug}/credential", self.base)
    }
    pub fn credential_jwt(&self, slug: &str) -> String {
        format!("{}/assertions/{slug}.jwt", self.base)
    }
    pub fn baked_png(&self, slug: &str) -> String {
        format!("{}/assertions/{slug}/badge.png", self.base)
    }
    pub fn baked_svg(&self, slug: &str) -> String {
        format!("{}/assertions/{slug}/badge.svg", self.base)
    }
    /// The baked image in its class's format (`image_type` of the class).
    pub fn baked(&self, slug: &str, image_type: &str) -> String {
        if image_type == "image/svg+xml" {
            self.baked_svg(slug)
        } else {
            self.baked_png(slug)
        }
    }
}

/// The route of [`SiteUrls::remote_issue`] (the server mounts it here).
pub const REMOTE_ISSUE_PATH: &str = "/api/remote/v1/issue";

/// Where the server serves the REST API's OpenAPI document.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// The links mails carry, under the public base URL. Tokens are base64url,
/// so they go into the query string as they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteUrls {
    base: String,
}

impl SiteUrls {
    pub fn new(public_url: &str) -> Self {
        Self {
            base: public_url.trim_end_matches('/').to_owned(),
        }
    }
    /// Activates a new organisation's account (sign-up mail).
    pub fn activate(&self, token: &str) -> String {
        format!("{}/activate?token={token}", self.base)
    }
    /// Creates a holder's account (a holder's sign-up mail).
    pub fn join(&self, token: &str) -> String {
        format!("{}/join?token={token}", self.base)
    }
    /// A holder's public collection page.
    pub fn collection(&self, handle: &str, public_id: &str) -> String {
        format!("{}/u/{handle}/c/{public_id}", self.base)
    }
    /// The public verifier (any Open Badge, no account).
    pub fn verifier(&self) -> String {
        format!("{}/verify", self.base)
    }
    /// Confirms a holder's further address.
    pub fn confirm_address(&self, token: &str) -> String {
        format!("{}/wallet/addresses/confirm?token={token}", self.base)
    }
    /// The sign-in page.
    pub fn login(&self) -> String {
        format!("{}/login", self.base)
    }
    /// Asks for a password-reset link.
    pub fn forgot_password(&self) -> String {
        format!("{}/password/forgot", self.base)
    }
    /// Accepts an invitation to an organisation.
    pub fn invite(&self, token: &str) -> String {
        format!("{}/invite?token={token}", self.base)
    }
    /// Chooses a new password (password-reset mail).
    pub fn password_reset(&self, token: &str) -> String {
        format!("{}/password/reset?token={token}", self.base)
    }
    /// Where the recipient of a holder mail reports it as abuse (the link at
    /// the foot of every holder mail; the page is `/abuse`). A subdomain and
    /// a slug need no escaping.
    pub fn report_abuse(&self, subdomain: &str, slug: &str) -> String {
        format!("{}/abuse?org={subdomain}&badge={slug}", self.base)
    }
    /// A holder's claim page for their badge.
    pub fn claim(&self, token: &str) -> String {
        format!("{}/claim?token={token}", self.base)
    }
    /// A holder's public profile (`og:url` and links to share).
    pub fn profile(&self, handle: &str) -> String {
        format!("{}/u/{handle}", self.base)
    }
    /// A holder's profile photo (served while the profile is on).
    pub fn profile_photo(&self, handle: &str) -> String {
        format!("{}/u/{handle}/photo", self.base)
    }
    /// The sitemap of public pages.
    pub fn sitemap(&self) -> String {
        format!("{}/sitemap.xml", self.base)
    }
    /// The REST API's OpenAPI document.
    /// An organisation's Subscription tab (portal; mails about billing).
    pub fn subscription(&self, subdomain: &str) -> String {
        format!("{}/portal/{subdomain}/subscription", self.base)
    }

    /// One of an organisation's invoices in the portal (its PDF is linked
    /// from there).
    pub fn invoice(&self, subdomain: &str, number: i64) -> String {
        format!(
            "{}/portal/{subdomain}/subscription/invoices/{number}",
            self.base
        )
    }

    /// An organisation's analytics page (portal).
    pub fn analytics(&self, subdomain: &str) -> String {
        format!("{}/portal/{subdomain}/analytics", self.base)
    }

    /// The operator's Prometheus endpoint (behind `LAUREL_METRICS_TOKEN`).
    pub fn metrics(&self) -> String {
        format!("{}/metrics", self.base)
    }

    pub fn openapi(&self) -> String {
        format!("{}{}", self.base, OPENAPI_PATH)
    }
    /// Remote issuing (EXeed-compatible), for machines.
    pub fn remote_issue(&self) -> String {
        format!("{}{}", self.base, REMOTE_ISSUE_PATH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_host_based_urls() {
        let p = OrgUrls::new("https://badges.example.org", "acme");
        assert_eq!(
            p.assertion("x"),
            "https://badges.example.org/o/acme/assertions/x"
        );
        let h = OrgUrls::on_host("https://badges.example.org", "badges.example.org", "acme");
        assert_eq!(
            h.assertion("x"),
            "https://acme.badges.example.org/assertions/x"
        );
        let local = OrgUrls::on_host("http://127.0.0.1:3000", "lvh.test", "acme");
        assert_eq!(local.issuer(), "http://acme.lvh.test:3000/issuer");
        assert_eq!(p.image(), "https://badges.example.org/o/acme/image");
    }

    #[test]
    fn mail_links() {
        let s = SiteUrls::new("https://badges.example.org/");
        assert_eq!(
            s.activate("t"),
            "https://badges.example.org/activate?token=t"
        );
        assert_eq!(s.invite("t"), "https://badges.example.org/invite?token=t");
        assert_eq!(
            s.password_reset("t"),
            "https://badges.example.org/password/reset?token=t"
        );
        assert_eq!(s.claim("t"), "https://badges.example.org/claim?token=t");
        assert_eq!(s.join("t"), "https://badges.example.org/join?token=t");
        assert_eq!(s.login(), "https://badges.example.org/login");
    }
}
