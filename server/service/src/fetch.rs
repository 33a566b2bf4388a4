//! The verifier's window on the internet: a bounded HTTP client. Every fetch
//! has a connect and a total timeout, a size limit (checked while streaming,
//! not trusted from `Content-Length`), at most five redirects, and — unless
//! `LAUREL_FETCH_ALLOW_PRIVATE` is set (tests, intranets) — refuses loopback,
//! private, link-local and other non-public addresses, at DNS resolution and
//! for IP literals, on the first request and on every redirect (SSRF).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use laurel::verify::{FetchError, Fetched, Fetcher};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect;

/// Largest document or image the verifier reads.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
const MAX_REDIRECTS: usize = 5;

/// True for addresses on the public internet. Hand-written because
/// `IpAddr::is_global` is not stable; the ranges are IANA's special-purpose
/// registries (RFC 6890 and successors).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || s[..6] == [0; 6] // IPv4-compatible ::a.b.c.d (deprecated; ::/96)
                || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (s[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
                || (s[0] & 0xffc0) == 0xfec0 // site-local fec0::/10 (deprecated)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
                || (s[0] == 0x2001 && s[1] == 0x0000) // Teredo 2001::/32 (embeds IPv4)
                || s[0] == 0x2002 // 6to4 2002::/16 (embeds IPv4)
                // NAT64, embedding IPv4: 64:ff9b::/96 and the local-use
                // 64:ff9b:1::/48 (both start 64:ff9b).
                || (s[0] == 0x0064 && s[1] == 0xff9b)
                || v6 == Ipv6Addr::UNSPECIFIED)
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_unspecified()
        || ip.is_multicast()
        || o[0] == 0 // "this network"
        || (o[0] == 100 && (o[1] & 0xc0) == 64) // carrier-grade NAT 100.64/10
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 198 && (o[1] & 0xfe) == 18) // benchmarking 198.18/15
        || o[0] >= 240) // reserved
}

/// Resolves names, then drops every non-public address; a name with none
/// left fails, so the connection is never made.
struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| is_public(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(
                    format!("{host} resolves only to private or reserved addresses").into(),
                );
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// The bounded HTTP client.
#[derive(Clone)]
pub struct HttpFetcher {
    client: reqwest::Client,
    /// Webhook deliveries: the same guard, no redirects followed.
    poster: reqwest::Client,
    allow_private: bool,
}

fn literal_is_blocked(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => !is_public(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) => !is_public(IpAddr::V6(ip)),
        Some(url::Host::Domain(d)) => {
            d.eq_ignore_ascii_case("localhost") || d.ends_with(".localhost")
        }
        None => true,
    }
}

impl HttpFetcher {
    pub fn new(allow_private: bool) -> Self {
        let policy = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if !matches!(attempt.url().scheme(), "http" | "https") {
                attempt.error("redirect to a non-HTTP URL")
            } else if !allow_private && literal_is_blocked(attempt.url()) {
                attempt.error("redirect to a private address")
            } else {
                attempt.follow()
            }
        });
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .redirect(policy)
            .user_agent(concat!(
                "Laurel/",
                env!("CARGO_PKG_VERSION"),
                " (Open Badges verifier)"
            ))
            .no_proxy();
        let mut poster = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .redirect(redirect::Policy::none())
            .user_agent(concat!("Laurel/", env!("CARGO_PKG_VERSION"), " (webhooks)"))
            .no_proxy();
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnly));
            poster = poster.dns_resolver(Arc::new(PublicOnly));
        }
        Self {
            client: builder.build().expect("a valid HTTP client configuration"),
            poster: poster.build().expect("a valid HTTP client configuration"),
            allow_private,
        }
    }

    /// Whether `url` is an http(s) address this client may reach: with the
    /// guard on, no private or loopback literal, and a name that resolves to
    /// at least one public address. The sentence says why not.
    pub async fn check_target(&self, url: &str) -> Result<(), String> {
        let parsed = reqwest::Url::parse(url).map_err(|_| "it is not a valid URL".to_owned())?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err("it is not an http or https URL".into());
        }
        if self.allow_private {
            return Ok(());
        }
        let host = parsed.host_str().unwrap_or_default().to_owned();
        if literal_is_blocked(&parsed) {
            return Err(format!("{host} is not a public address"));
        }
        if let Some(url::Host::Domain(name)) = parsed.host() {
            let public = tokio::net::lookup_host((name, 0))
                .await
                .map_err(|_| format!("{host} does not resolve"))?
                .any(|a| is_public(a.ip()));
            if !public {
                return Err(format!(
                    "{host} resolves only to private or reserved addresses"
                ));
            }
        }
        Ok(())
    }

    /// POSTs a JSON body (a webhook delivery) through the same guard (at
    /// DNS resolution too, so a name that changes to a private address is
    /// refused), following no redirect; the answer's status. The answer's
    /// body is not read.
    pub async fn post_json(
        &self,
        url: &str,
        body: &str,
        headers: &[(&str, String)],
    ) -> Result<u16, String> {
        self.check_target(url).await?;
        let mut request = self
            .poster
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.map_err(|e| {
            if e.is_timeout() {
                "no answer within 10 s".to_owned()
            } else {
                error_chain(&e)
            }
        })?;
        Ok(response.status().as_u16())
    }

    async fn get(&self, url: &str, accept: &str) -> Result<Fetched, FetchError> {
        let parsed = reqwest::Url::parse(url).map_err(|_| FetchError::BadUrl {
            url: url.to_owned(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(FetchError::BadUrl {
                url: url.to_owned(),
            });
        }
        if !self.allow_private && literal_is_blocked(&parsed) {
            return Err(FetchError::Blocked {
                url: url.to_owned(),
                reason: format!(
                    "{} is not a public address",
                    parsed.host_str().unwrap_or("the host")
                ),
            });
        }
        let classify = |e: reqwest::Error| -> FetchError {
            let text = error_chain(&e);
            if e.is_timeout() {
                FetchError::Timeout {
                    url: url.to_owned(),
                }
            } else if e.is_redirect() && text.contains("too many redirects") {
                FetchError::TooManyRedirects {
                    url: url.to_owned(),
                }
            } else if text.contains("private") {
                FetchError::Blocked {
                    url: url.to_owned(),
                    reason: "its name resolves only to non-public addresses".into(),
                }
            } else {
                FetchError::Network {
                    url: url.to_owned(),
                    reason: text,
                }
            }
        };
        let mut response = self
            .client
            .get(parsed)
            .header(reqwest::header::ACCEPT, accept)
            .send()
            .await
            .map_err(classify)?;
        let too_large = || FetchError::TooLarge {
            url: url.to_owned(),
            limit: MAX_BYTES,
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BYTES as u64)
        {
            return Err(too_large());
        }
        let status = response.status().as_u16();
        let final_url = response.url().to_string();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(classify)? {
            if body.len() + chunk.len() > MAX_BYTES {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched {
            status,
            content_type,
            body,
            final_url,
        })
    }
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

impl Fetcher for HttpFetcher {
    fn fetch(
        &self,
        url: &str,
        accept: &str,
    ) -> impl std::future::Future<Output = Result<Fetched, FetchError>> + Send {
        let this = self.clone();
        let url = url.to_owned();
        let accept = accept.to_owned();
        async move { this.get(&url, &accept).await }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_public_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "198.18.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::",
            // Addresses that embed (or once embedded) an IPv4 one, and the
            // old site-local range.
            "::127.0.0.1",
            "::10.0.0.1",
            "2002:7f00:1::1",
            "2002:a9fe:a9fe::",
            "64:ff9b::7f00:1",
            "64:ff9b:1::a00:1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "fec0::1",
            "feff::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip} must be refused");
        }
        for ip in [
            "1.1.1.1",
            "93.184.216.34",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip} is public");
        }
    }

    #[test]
    fn literal_hosts_are_checked() {
        for url in [
            "http://127.0.0.1/x",
            "http://[::1]/",
            "http://localhost:3000/",
            "http://a.localhost/",
            "http://10.0.0.1/",
        ] {
            assert!(
                literal_is_blocked(&reqwest::Url::parse(url).unwrap()),
                "{url}"
            );
        }
        assert!(!literal_is_blocked(
            &reqwest::Url::parse("https://badges.example.org/").unwrap()
        ));
    }
}
