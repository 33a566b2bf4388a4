//! Domain newtypes that can only be built by parsing, so a value of the type is
//! proof that the input was checked (the "parse, don't validate" pattern).

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why an input was refused. The `Display` text is a complete sentence meant
/// for the person who typed the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("Enter an email address.")]
    EmailEmpty,
    #[error("“{0}” is not a valid email address.")]
    EmailInvalid(String),
    #[error("An email address can be at most 254 characters long.")]
    EmailTooLong,
    #[error("The subdomain must be between 3 and 63 characters long (it has {0}).")]
    SubdomainLength(usize),
    #[error(
        "The subdomain may only contain lowercase letters a–z, digits and hyphens (found “{0}”)."
    )]
    SubdomainCharacter(char),
    #[error("The subdomain cannot start or end with a hyphen.")]
    SubdomainHyphenEdge,
    #[error("The subdomain cannot contain two hyphens in a row.")]
    SubdomainDoubleHyphen,
    #[error("“{0}” is reserved; choose another subdomain.")]
    SubdomainReserved(String),
    #[error("The public URL must be an absolute http:// or https:// URL without query or fragment (got “{0}”).")]
    PublicUrl(String),
    #[error("The {network} link must be an https:// address on {hosts} (got “{found}”).")]
    SocialUrl {
        network: &'static str,
        hosts: &'static str,
        found: String,
    },
    #[error("The handle must be between 3 and 30 characters long (it has {0}).")]
    HandleLength(usize),
    #[error(
        "The handle may only contain lowercase letters a–z, digits and hyphens (found “{0}”)."
    )]
    HandleCharacter(char),
    #[error("The handle cannot start or end with a hyphen, or hold two in a row.")]
    HandleHyphen,
    #[error("“{0}” is reserved; choose another handle.")]
    HandleReserved(String),
    #[error("A WeChat ID has 6–20 letters, digits, underscores or hyphens and starts with a letter (got “{0}”).")]
    WechatId(String),
    #[error("A LinkedIn company ID is the number in the company page's admin address, 1–20 digits (got “{0}”).")]
    LinkedinOrgId(String),
}

/// The social networks an organisation may link from its public profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Social {
    LinkedIn,
    Facebook,
    Twitter,
}

impl Social {
    fn hosts(self) -> (&'static str, &'static [&'static str]) {
        match self {
            Social::LinkedIn => ("LinkedIn", &["linkedin.com"]),
            Social::Facebook => ("Facebook", &["facebook.com"]),
            Social::Twitter => ("X (Twitter)", &["twitter.com", "x.com"]),
        }
    }

    /// A profile link on this network: https, on its domain (or a
    /// subdomain such as `www.`), normalised. Empty input is `Ok("")`.
    pub fn parse_link(self, input: &str) -> Result<String, ParseError> {
        let input = input.trim();
        if input.is_empty() {
            return Ok(String::new());
        }
        let (network, hosts) = self.hosts();
        let bad = || ParseError::SocialUrl {
            network,
            hosts: match self {
                Social::Twitter => "x.com or twitter.com",
                Social::LinkedIn => "linkedin.com",
                Social::Facebook => "facebook.com",
            },
            found: input.chars().take(100).collect(),
        };
        let url = url::Url::parse(input).map_err(|_| bad())?;
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let on_network = hosts
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}")));
        if url.scheme() != "https"
            || !on_network
            || !url.username().is_empty()
            || url.port().is_some()
        {
            return Err(bad());
        }
        Ok(url.to_string())
    }
}

/// A WeChat ID (WeChat has no public profile URLs).
pub fn parse_wechat_id(input: &str) -> Result<String, ParseError> {
    let id = input.trim();
    if id.is_empty() {
        return Ok(String::new());
    }
    let ok = (6..=20).contains(&id.len())
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(id.to_owned())
    } else {
        Err(ParseError::WechatId(id.chars().take(40).collect()))
    }
}

/// A LinkedIn company ID (the number LinkedIn's add-to-profile link takes as
/// `organizationId`). Empty input is `Ok("")`: the ID is optional.
pub fn parse_linkedin_org_id(input: &str) -> Result<String, ParseError> {
    let id = input.trim();
    if id.is_empty() || ((1..=20).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())) {
        Ok(id.to_owned())
    } else {
        Err(ParseError::LinkedinOrgId(id.chars().take(40).collect()))
    }
}

/// The social links of a public profile — an organisation's or a holder's —
/// each with its own "visible" toggle. One shape for both: both forms check
/// it with [`SocialLinks::checked`] and both pages show
/// [`SocialLinks::visible`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialLinks {
    pub linkedin_url: String,
    pub linkedin_visible: bool,
    pub facebook_url: String,
    pub facebook_visible: bool,
    pub twitter_url: String,
    pub twitter_visible: bool,
    pub wechat_id: String,
    pub wechat_visible: bool,
}

/// One link a visitor sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisibleLink {
    /// "LinkedIn", "Facebook", "X (Twitter)" or "WeChat".
    pub network: String,
    pub text: String,
    /// `None` for WeChat, which has no public profile addresses.
    pub url: Option<String>,
}

impl SocialLinks {
    /// No links (for a `static`).
    pub const NONE: SocialLinks = SocialLinks {
        linkedin_url: String::new(),
        linkedin_visible: false,
        facebook_url: String::new(),
        facebook_visible: false,
        twitter_url: String::new(),
        twitter_visible: false,
        wechat_id: String::new(),
        wechat_visible: false,
    };

    /// The links as typed, each checked and normalised ([`Social::parse_link`],
    /// [`parse_wechat_id`]); the toggles are kept.
    pub fn checked(self) -> Result<Self, ParseError> {
        Ok(Self {
            linkedin_url: Social::LinkedIn.parse_link(&self.linkedin_url)?,
            facebook_url: Social::Facebook.parse_link(&self.facebook_url)?,
            twitter_url: Social::Twitter.parse_link(&self.twitter_url)?,
            wechat_id: parse_wechat_id(&self.wechat_id)?,
            ..self
        })
    }

    /// The links switched visible and not empty, in a fixed order.
    pub fn visible(&self) -> Vec<VisibleLink> {
        let mut out = Vec::new();
        for (social, url, visible) in [
            (Social::LinkedIn, &self.linkedin_url, self.linkedin_visible),
            (Social::Facebook, &self.facebook_url, self.facebook_visible),
            (Social::Twitter, &self.twitter_url, self.twitter_visible),
        ] {
            // Checked again as it is shown: a link stored past the form's
            // check (not https on the network's domain) is left out.
            if let (true, Ok(url)) = (visible, social.parse_link(url)) {
                if !url.is_empty() {
                    out.push(VisibleLink {
                        network: social.hosts().0.to_owned(),
                        text: url.clone(),
                        url: Some(url),
                    });
                }
            }
        }
        if self.wechat_visible && !self.wechat_id.is_empty() {
            out.push(VisibleLink {
                network: "WeChat".to_owned(),
                text: self.wechat_id.clone(),
                url: None,
            });
        }
        out
    }
}

/// `url` when it is an absolute http(s) URL: the only links a page makes of
/// what people typed (criteria, evidence). A `javascript:` or `data:` URL
/// that reached the database past the forms' checks (an old row, another
/// writer) becomes no link at all, not a script.
pub fn web_link(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
}

/// A syntactically valid email address, stored in lowercase.
///
/// Parsing is delegated to the `email_address` crate (RFC 5321/5322 rules);
/// Laurel adds trimming, the 254-character limit of RFC 5321 and lower-casing,
/// because Open Badges recipients are matched by hashing the address and two
/// spellings of one mailbox must hash alike.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(ParseError::EmailEmpty);
        }
        if trimmed.len() > 254 {
            return Err(ParseError::EmailTooLong);
        }
        let lower = trimmed.to_lowercase();
        email_address::EmailAddress::parse_with_options(
            &lower,
            email_address::Options::default()
                .without_display_text()
                .without_domain_literal()
                // A mailbox on the public internet has a dotted domain;
                // `user@localhost` is a typo far more often than an intent.
                .with_required_tld(),
        )
        .map_err(|_| ParseError::EmailInvalid(trimmed.to_owned()))?;
        Ok(Self(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Email::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Names that can never be an organisation's subdomain: they are used by
/// Laurel itself, by common infrastructure, or invite impersonation.
pub const RESERVED_SUBDOMAINS: &[&str] = &[
    "www",
    "api",
    "admin",
    "administrator",
    "app",
    "apps",
    "assets",
    "auth",
    "billing",
    "blog",
    "cdn",
    "dashboard",
    "dev",
    "docs",
    "ftp",
    "help",
    "imap",
    "laurel",
    "login",
    "logout",
    "mail",
    "mx",
    "ns1",
    "ns2",
    "pkg",
    "pop",
    "portal",
    "root",
    "security",
    "signin",
    "signup",
    "smtp",
    "static",
    "status",
    "support",
    "system",
    "test",
    "verify",
    "wallet",
    "webmail",
];

/// What breaks the shape that subdomains and handles share.
enum LabelProblem {
    Length(usize),
    Character(char),
    EdgeHyphen,
    DoubleHyphen,
}

/// The shape rules of [`Subdomain`] and [`Handle`], checked in this order:
/// a length in `lengths` (characters), only lowercase ASCII letters, digits
/// and hyphens, no hyphen at either end, no two in a row.
fn check_label(s: &str, lengths: std::ops::RangeInclusive<usize>) -> Result<(), LabelProblem> {
    let len = s.chars().count();
    if !lengths.contains(&len) {
        return Err(LabelProblem::Length(len));
    }
    if let Some(bad) = s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(LabelProblem::Character(bad));
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err(LabelProblem::EdgeHyphen);
    }
    if s.contains("--") {
        return Err(LabelProblem::DoubleHyphen);
    }
    Ok(())
}

/// An organisation's subdomain: its permanent name in every badge URL it issues
/// (`acme.example.org` or `/o/acme/`). Lowercase ASCII letters, digits and
/// single hyphens, 3–63 characters (a DNS label), not reserved.
///
/// Hand-written rather than a crate: these are Laurel's own product rules
/// (stricter than a DNS label: no upper case, no `--`, a reserved list).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Subdomain(String);

impl Subdomain {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        check_label(s, 3..=63).map_err(|p| match p {
            LabelProblem::Length(n) => ParseError::SubdomainLength(n),
            LabelProblem::Character(c) => ParseError::SubdomainCharacter(c),
            LabelProblem::EdgeHyphen => ParseError::SubdomainHyphenEdge,
            LabelProblem::DoubleHyphen => ParseError::SubdomainDoubleHyphen,
        })?;
        if RESERVED_SUBDOMAINS.contains(&s) {
            return Err(ParseError::SubdomainReserved(s.to_owned()));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Subdomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Subdomain {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Subdomain::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// A holder's public handle: the `{handle}` of `/u/{handle}`. Lowercase
/// letters, digits and single inner hyphens, 3–30 characters, and not a word
/// Laurel's own pages could mean.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Handle(String);

impl Handle {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let s = input.trim();
        check_label(s, 3..=30).map_err(|p| match p {
            LabelProblem::Length(n) => ParseError::HandleLength(n),
            LabelProblem::Character(c) => ParseError::HandleCharacter(c),
            LabelProblem::EdgeHyphen | LabelProblem::DoubleHyphen => ParseError::HandleHyphen,
        })?;
        if RESERVED_SUBDOMAINS.contains(&s) || ["me", "wallet", "settings", "new"].contains(&s) {
            return Err(ParseError::HandleReserved(s.to_owned()));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The public base URL of a Laurel installation (`LAUREL_PUBLIC_URL`): every
/// badge, issuer and key ID is built from it, so it is checked once at start.
/// Stored without a trailing slash so `format!("{base}/path")` is always right.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PublicUrl(String);

impl PublicUrl {
    pub fn parse(input: &str) -> Result<Self, ParseError> {
        let bad = || ParseError::PublicUrl(input.to_owned());
        let url = url::Url::parse(input.trim()).map_err(|_| bad())?;
        if !matches!(url.scheme(), "http" | "https")
            || url.host_str().is_none()
            || url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(bad());
        }
        Ok(Self(url.as_str().trim_end_matches('/').to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for `https://` (cookies get `Secure`, responses get HSTS).
    pub fn is_https(&self) -> bool {
        self.0.starts_with("https://")
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lowercased() {
        let e = Email::parse("  Holder@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "holder@example.com");
    }

    #[test]
    fn email_rejects_bad_input_with_a_sentence() {
        assert_eq!(Email::parse(""), Err(ParseError::EmailEmpty));
        assert_eq!(Email::parse("   "), Err(ParseError::EmailEmpty));
        for bad in [
            "no-at-sign",
            "a@",
            "@b.com",
            "a@@b.com",
            "a b@c.com",
            "a@localhost",
            "Name <a@b.com>",
            "a@[127.0.0.1]",
        ] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(err, ParseError::EmailInvalid(bad.to_owned()), "{bad}");
            assert!(err.to_string().ends_with("is not a valid email address."));
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(ParseError::EmailTooLong));
    }

    #[test]
    fn email_deserialises_only_when_valid() {
        let ok: Email = serde_json::from_str("\"x@y.org\"").unwrap();
        assert_eq!(ok.to_string(), "x@y.org");
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
    }

    #[test]
    fn public_url_is_normalised_and_checked() {
        let u = PublicUrl::parse("https://Badges.Example.org/").unwrap();
        assert_eq!(u.as_str(), "https://badges.example.org");
        assert!(u.is_https());
        let u = PublicUrl::parse("http://127.0.0.1:3000").unwrap();
        assert_eq!(u.to_string(), "http://127.0.0.1:3000");
        assert!(!u.is_https());
        assert_eq!(
            PublicUrl::parse("http://h/base/").unwrap().as_str(),
            "http://h/base"
        );
        for bad in [
            "",
            "badges.example.org",
            "ftp://h",
            "http://h/?q=1",
            "http://h/#x",
            "https://user:pw@h",
            "mailto:a@b.c",
        ] {
            assert_eq!(
                PublicUrl::parse(bad),
                Err(ParseError::PublicUrl(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn social_links_are_checked_per_network() {
        assert_eq!(
            Social::LinkedIn
                .parse_link(" https://www.linkedin.com/company/acme ")
                .unwrap(),
            "https://www.linkedin.com/company/acme"
        );
        assert_eq!(
            Social::Twitter.parse_link("https://x.com/acme").unwrap(),
            "https://x.com/acme"
        );
        assert_eq!(Social::Facebook.parse_link("").unwrap(), "");
        for (net, bad) in [
            (Social::LinkedIn, "http://linkedin.com/in/a"),
            (Social::LinkedIn, "https://linkedin.com.evil.example/a"),
            (Social::LinkedIn, "https://evillinkedin.com/a"),
            (Social::Facebook, "javascript:alert(1)"),
            (Social::Twitter, "https://user@x.com/a"),
            (Social::Twitter, "not a url"),
        ] {
            let err = net.parse_link(bad).unwrap_err().to_string();
            assert!(err.contains("must be an https:// address"), "{bad}: {err}");
        }
        assert_eq!(parse_wechat_id("acme_academy").unwrap(), "acme_academy");
        assert!(parse_wechat_id("1abcdef").is_err());
        assert!(parse_wechat_id("abc").is_err());
        assert!(parse_wechat_id("abc def gh").is_err());
    }

    #[test]
    fn handle_accepts_simple_names_and_refuses_each_rule() {
        assert_eq!(
            Handle::parse(" ada-lovelace ").unwrap().as_str(),
            "ada-lovelace"
        );
        assert_eq!(Handle::parse("ab"), Err(ParseError::HandleLength(2)));
        assert_eq!(
            Handle::parse(&"a".repeat(31)),
            Err(ParseError::HandleLength(31))
        );
        assert_eq!(Handle::parse("Ada"), Err(ParseError::HandleCharacter('A')));
        assert_eq!(
            Handle::parse("ada_l"),
            Err(ParseError::HandleCharacter('_'))
        );
        assert_eq!(Handle::parse("-ada"), Err(ParseError::HandleHyphen));
        assert_eq!(Handle::parse("a--da"), Err(ParseError::HandleHyphen));
        assert_eq!(
            Handle::parse("wallet"),
            Err(ParseError::HandleReserved("wallet".into()))
        );
        assert_eq!(
            Handle::parse("admin"),
            Err(ParseError::HandleReserved("admin".into()))
        );
    }

    #[test]
    fn subdomain_accepts_dns_labels() {
        for good in ["acme", "a1b", "my-org", "x".repeat(63).as_str(), "123"] {
            assert_eq!(Subdomain::parse(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn subdomain_rejects_each_rule_with_its_reason() {
        assert_eq!(Subdomain::parse("ab"), Err(ParseError::SubdomainLength(2)));
        assert_eq!(
            Subdomain::parse(&"x".repeat(64)),
            Err(ParseError::SubdomainLength(64))
        );
        assert_eq!(
            Subdomain::parse("Acme"),
            Err(ParseError::SubdomainCharacter('A'))
        );
        assert_eq!(
            Subdomain::parse("ac_me"),
            Err(ParseError::SubdomainCharacter('_'))
        );
        assert_eq!(
            Subdomain::parse("acmé"),
            Err(ParseError::SubdomainCharacter('é'))
        );
        assert_eq!(
            Subdomain::parse("-acme"),
            Err(ParseError::SubdomainHyphenEdge)
        );
        assert_eq!(
            Subdomain::parse("acme-"),
            Err(ParseError::SubdomainHyphenEdge)
        );
        assert_eq!(
            Subdomain::parse("ac--me"),
            Err(ParseError::SubdomainDoubleHyphen)
        );
        for reserved in ["www", "api", "admin"] {
            assert_eq!(
                Subdomain::parse(reserved),
                Err(ParseError::SubdomainReserved(reserved.into()))
            );
        }
        assert!(Subdomain::parse("ac me").is_err());
    }

    #[test]
    fn social_links_are_checked_and_only_visible_ones_shown() {
        let typed = SocialLinks {
            linkedin_url: " https://www.linkedin.com/in/ada ".into(),
            linkedin_visible: true,
            facebook_url: "https://facebook.com/ada".into(),
            facebook_visible: false,
            twitter_url: String::new(),
            twitter_visible: true,
            wechat_id: "ada_lovelace".into(),
            wechat_visible: true,
        };
        let links = typed.checked().unwrap();
        assert_eq!(links.linkedin_url, "https://www.linkedin.com/in/ada");
        let shown = links.visible();
        let networks: Vec<_> = shown.iter().map(|l| l.network.as_str()).collect();
        // Facebook is hidden, the empty X link is not shown although ticked.
        assert_eq!(networks, ["LinkedIn", "WeChat"]);
        assert_eq!(shown[1].url, None);
        let bad = SocialLinks {
            twitter_url: "http://x.com/ada".into(),
            ..SocialLinks::default()
        };
        assert!(matches!(bad.checked(), Err(ParseError::SocialUrl { .. })));
        let bad = SocialLinks {
            wechat_id: "1abc".into(),
            ..SocialLinks::default()
        };
        assert!(matches!(bad.checked(), Err(ParseError::WechatId(_))));
    }

    #[test]
    fn linkedin_company_ids_are_digits() {
        assert_eq!(parse_linkedin_org_id(" 1337 ").unwrap(), "1337");
        assert_eq!(parse_linkedin_org_id("").unwrap(), "");
        for bad in ["acme", "12a", "123456789012345678901", "-5"] {
            assert!(matches!(
                parse_linkedin_org_id(bad),
                Err(ParseError::LinkedinOrgId(_))
            ));
        }
    }
}
