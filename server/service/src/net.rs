//! Who is asking, as rate limits and audit entries see it: the one place
//! the client address is taken from a request ([`client_addr`]) and turned
//! into the key per-address limits count under ([`rate_key`]).

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The client's address.
///
/// Without `trust_proxy`, the peer of the connection. With it (Laurel
/// behind a proxy or load balancer that appends to `X-Forwarded-For`), the
/// last hop of the last `X-Forwarded-For` line: that hop is the one the
/// proxy itself wrote. Every hop before it — and every earlier line, which a
/// client can send and some proxies keep first — is the client's own word.
/// A hop that is not an address (`unknown`, garbage, a name) gives the
/// peer, never the text.
pub fn client_addr<'a>(
    forwarded_for: impl IntoIterator<Item = &'a str>,
    peer: Option<IpAddr>,
    trust_proxy: bool,
) -> Option<IpAddr> {
    if trust_proxy {
        let hop = forwarded_for
            .into_iter()
            .last()
            .and_then(|line| line.rsplit(',').next())
            .and_then(parse_hop);
        if hop.is_some() {
            return hop;
        }
    }
    peer
}

/// One `X-Forwarded-For` hop: an address, with or without a port
/// (`203.0.113.7`, `203.0.113.7:4711`, `2001:db8::1`, `[2001:db8::1]:443`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

/// The key per-address rate limits count under: an IPv4 address as it is,
/// an IPv6 address by its /64 network (`2001:db8:1:2::/64`) — one
/// subscriber's line usually holds a whole /64, so counting single IPv6
/// addresses would let one client rotate through billions of them. Text
/// that is not an address is kept as it is.
pub fn rate_key(ip: &str) -> String {
    match ip.parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V6(v6)) => {
            let s = v6.segments();
            let network = Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{network}/64")
        }
        Ok(IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(lines: &[&str], trust: bool) -> Option<String> {
        let peer = Some("192.0.2.1".parse().unwrap());
        client_addr(lines.iter().copied(), peer, trust).map(|ip| ip.to_string())
    }

    #[test]
    fn the_proxys_own_hop_is_taken_and_nothing_before_it() {
        let peer = Some("192.0.2.1".to_owned());
        // Untrusted: the header is ignored.
        assert_eq!(addr(&["203.0.113.7"], false), peer);
        // The last hop of the only line.
        assert_eq!(
            addr(&["198.51.100.9, 203.0.113.7"], true).as_deref(),
            Some("203.0.113.7")
        );
        // A client's own line placed first by the proxy counts for nothing.
        assert_eq!(
            addr(&["10.9.9.9", "198.51.100.9, 203.0.113.7"], true).as_deref(),
            Some("203.0.113.7")
        );
        // Ports and brackets, and IPv4-mapped IPv6, as the address.
        assert_eq!(
            addr(&["203.0.113.7:4711"], true).as_deref(),
            Some("203.0.113.7")
        );
        assert_eq!(
            addr(&["[2001:db8::1]:443"], true).as_deref(),
            Some("2001:db8::1")
        );
        assert_eq!(
            addr(&["::ffff:203.0.113.7"], true).as_deref(),
            Some("203.0.113.7")
        );
        // Not an address: the peer, never the text.
        for junk in [
            "unknown",
            "",
            "  ",
            "evil.example",
            "1.2.3.4.5",
            "x, <script>",
        ] {
            assert_eq!(addr(&[junk], true), peer, "{junk:?}");
        }
        assert_eq!(addr(&[], true), peer);
    }

    #[test]
    fn ipv6_is_limited_by_its_64() {
        assert_eq!(rate_key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(
            rate_key("2001:db8:1:2:ffff::1"),
            rate_key("2001:db8:1:2::9"),
            "one /64, one key"
        );
        assert_ne!(rate_key("2001:db8:1:2::1"), rate_key("2001:db8:1:3::1"));
        assert_eq!(rate_key("203.0.113.7"), "203.0.113.7");
        assert_eq!(rate_key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(rate_key(""), "");
    }
}
