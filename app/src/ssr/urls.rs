//! The public URLs of an organisation's Open Badges documents. Every ID in a
//! published badge is built here, so they cannot drift apart.

/// URLs under an organisation's public base (`{public}/o/{subdomain}`).
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

    pub fn home(&self) -> String {
        self.base.clone()
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
}
