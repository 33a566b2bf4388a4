//! Links that share a badge: LinkedIn's add-to-profile form, X (Twitter),
//! Facebook and e-mail. Query strings are built with the `url` crate's
//! `form_urlencoded` (every value encoded), never by hand.

use chrono::{Datelike, NaiveDate};

/// What LinkedIn's "Add licence or certification" form takes
/// (`https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certification<'a> {
    pub name: &'a str,
    pub organisation_name: &'a str,
    /// The organisation's LinkedIn company ID, when it has entered one: then
    /// LinkedIn links the certification to the company page.
    pub organisation_id: Option<&'a str>,
    pub issued: NaiveDate,
    pub expires: Option<NaiveDate>,
    /// The badge's verification page.
    pub cert_url: &'a str,
    pub cert_id: &'a str,
}

impl Certification<'_> {
    /// The fields, in LinkedIn's names and order, as a person adding the
    /// certification by hand would type them.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![("name", self.name.to_owned())];
        match self.organisation_id {
            Some(id) => fields.push(("organizationId", id.to_owned())),
            None => fields.push(("organizationName", self.organisation_name.to_owned())),
        }
        fields.push(("issueYear", self.issued.year().to_string()));
        fields.push(("issueMonth", self.issued.month().to_string()));
        if let Some(e) = self.expires {
            fields.push(("expirationYear", e.year().to_string()));
            fields.push(("expirationMonth", e.month().to_string()));
        }
        fields.push(("certUrl", self.cert_url.to_owned()));
        fields.push(("certId", self.cert_id.to_owned()));
        fields
    }

    /// LinkedIn's add-to-profile link, every value URL-encoded.
    pub fn linkedin_url(&self) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("startTask", "CERTIFICATION_NAME");
        for (k, v) in self.fields() {
            query.append_pair(k, &v);
        }
        format!("https://www.linkedin.com/profile/add?{}", query.finish())
    }

    /// Where sharing on `channel` leads: LinkedIn's add-to-profile form, an
    /// X post, Facebook's sharer or an e-mail, each about the verification
    /// page.
    pub fn share_url(&self, channel: crate::ShareChannel) -> String {
        use crate::ShareChannel as C;
        let text = format!("I earned “{}” from {}", self.name, self.organisation_name);
        match channel {
            C::Linkedin => self.linkedin_url(),
            C::X => x_intent(&text, self.cert_url),
            C::Facebook => facebook_sharer(self.cert_url),
            C::Email => mailto(&text, &format!("{text}: {}", self.cert_url)),
        }
    }
}

/// X's (Twitter's) post intent with `text` and the page `url`.
pub fn x_intent(text: &str, url: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("text", text)
        .append_pair("url", url)
        .finish();
    format!("https://twitter.com/intent/tweet?{query}")
}

/// Facebook's sharer for the page `url`.
pub fn facebook_sharer(url: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("u", url)
        .finish();
    format!("https://www.facebook.com/sharer/sharer.php?{query}")
}

/// A `mailto:` link with a subject and body (RFC 6068 wants `%20`, not
/// `+`, for spaces; `byte_serialize` writes a literal `+` as `%2B`, so the
/// swap is safe).
pub fn mailto(subject: &str, body: &str) -> String {
    let enc = |s: &str| {
        url::form_urlencoded::byte_serialize(s.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    };
    format!("mailto:?subject={}&body={}", enc(subject), enc(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(expires: Option<NaiveDate>, id: Option<&'static str>) -> Certification<'static> {
        Certification {
            name: "Rust & Safety: 101",
            organisation_name: "Acme Academy",
            organisation_id: id,
            issued: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            expires,
            cert_url: "https://badges.example.org/o/acme/assertions/abc?x=1",
            cert_id: "abc",
        }
    }

    fn params(link: &str) -> Vec<(String, String)> {
        let u = url::Url::parse(link).unwrap();
        u.query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    #[test]
    fn linkedin_link_carries_every_field_encoded() {
        let link = cert(NaiveDate::from_ymd_opt(2028, 11, 1), None).linkedin_url();
        assert!(
            link.starts_with("https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&")
        );
        assert!(!link.contains(' ') && !link.contains("&Safety"), "{link}");
        let p = params(&link);
        let want = [
            ("startTask", "CERTIFICATION_NAME"),
            ("name", "Rust & Safety: 101"),
            ("organizationName", "Acme Academy"),
            ("issueYear", "2026"),
            ("issueMonth", "3"),
            ("expirationYear", "2028"),
            ("expirationMonth", "11"),
            (
                "certUrl",
                "https://badges.example.org/o/acme/assertions/abc?x=1",
            ),
            ("certId", "abc"),
        ];
        assert_eq!(p, want.map(|(k, v)| (k.to_owned(), v.to_owned())));
    }

    #[test]
    fn linkedin_link_without_expiry_or_with_company_id() {
        let p = params(&cert(None, Some("12345")).linkedin_url());
        let keys: Vec<_> = p.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "startTask",
                "name",
                "organizationId",
                "issueYear",
                "issueMonth",
                "certUrl",
                "certId"
            ]
        );
        assert_eq!(p[2].1, "12345");
    }

    #[test]
    fn other_networks_and_mail_encode_their_values() {
        let page = "https://badges.example.org/o/acme/assertions/abc";
        assert_eq!(
            params(&x_intent("I earned “Rust” & more", page))[0].1,
            "I earned “Rust” & more"
        );
        assert_eq!(params(&facebook_sharer(page))[0].1, page);
        let m = mailto("My badge: A+B", "See https://x.org/?a=1&b=2");
        assert_eq!(m, "mailto:?subject=My%20badge%3A%20A%2BB&body=See%20https%3A%2F%2Fx.org%2F%3Fa%3D1%26b%3D2");
    }
}
