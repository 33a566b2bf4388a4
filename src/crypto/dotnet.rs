//! RSA keys in .NET's XML form (`RSA.ToXmlString` / `FromXmlString`), what
//! EXeed's remote-issuing clients keep their keys in:
//!
//! ```xml
//! <RSAKeyValue><Modulus>…</Modulus><Exponent>AQAB</Exponent>
//!   <P>…</P><Q>…</Q><DP>…</DP><DQ>…</DQ><InverseQ>…</InverseQ><D>…</D></RSAKeyValue>
//! ```
//!
//! Each value is Base64 of a big-endian unsigned integer. .NET requires the
//! private parts at fixed lengths (`D` as long as the modulus; `P`, `Q`,
//! `DP`, `DQ`, `InverseQ` half as long), so they are padded with leading
//! zeros. Read with `quick-xml`; the numbers come from the PKCS#1 structure
//! of the key (`rsa::pkcs1`), so nothing is computed here.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use quick_xml::events::Event;
use quick_xml::Reader;
use rsa::pkcs1::der::Decode as _;
use rsa::pkcs8::PrivateKeyInfoRef;

use super::keys::{KeyError, PublicKey, SigningKey};

const PRIVATE_PARTS: [&str; 6] = ["P", "Q", "DP", "DQ", "InverseQ", "D"];

/// The elements of an `<RSAKeyValue>` document, Base64-decoded.
fn elements(xml: &str) -> Result<Vec<(String, Vec<u8>)>, KeyError> {
    let bad = |why: &str| KeyError::BadPublicKey(format!("not an RSAKeyValue document: {why}"));
    let mut reader = Reader::from_str(xml.trim());
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    let mut root = false;
    loop {
        match reader.read_event().map_err(|e| bad(&e.to_string()))? {
            Event::Start(e) => {
                let name = e.name().as_ref().to_owned();
                if !root {
                    if name != "RSAKeyValue" {
                        return Err(bad("the root is not <RSAKeyValue>"));
                    }
                    root = true;
                } else {
                    current = Some(name);
                }
            }
            Event::Text(t) => {
                if let Some(name) = &current {
                    let text = t.xml10_content();
                    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                    let bytes = STANDARD
                        .decode(clean)
                        .map_err(|_| bad(&format!("<{name}> is not Base64")))?;
                    out.push((name.clone(), bytes));
                }
            }
            Event::End(_) => current = None,
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) | Event::Empty(_) => {}
            _ => return Err(bad("unexpected content")),
        }
    }
    if !root {
        return Err(bad("no <RSAKeyValue>"));
    }
    Ok(out)
}

/// Whether `xml` holds private parts (`<D>`, `<P>`, …): a private key.
pub fn is_private_xml(xml: &str) -> bool {
    elements(xml)
        .map(|els| els.iter().any(|(n, _)| PRIVATE_PARTS.contains(&n.as_str())))
        .unwrap_or(false)
}

/// A public key from .NET XML (`ToXmlString(false)`). A document with
/// private parts is refused: Laurel never takes a private key.
pub fn public_from_xml(xml: &str) -> Result<PublicKey, KeyError> {
    let els = elements(xml)?;
    if els.iter().any(|(n, _)| PRIVATE_PARTS.contains(&n.as_str())) {
        return Err(KeyError::PrivateKeyGiven);
    }
    let get = |name: &str| {
        els.iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
            .ok_or_else(|| KeyError::BadPublicKey(format!("the XML has no <{name}>")))
    };
    PublicKey::from_n_e(get("Modulus")?, get("Exponent")?)
}

fn padded(bytes: &[u8], len: usize) -> String {
    let bytes = match bytes.iter().position(|b| *b != 0) {
        Some(i) => &bytes[i..],
        None => &[0u8][..],
    };
    let mut out = vec![0u8; len.saturating_sub(bytes.len())];
    out.extend_from_slice(bytes);
    STANDARD.encode(out)
}

impl SigningKey {
    /// The private key as .NET XML (`ToXmlString(true)`), for a client
    /// that signs with `RSACryptoServiceProvider.FromXmlString`.
    pub fn to_dotnet_xml(&self) -> String {
        let der = self.to_pkcs8_der();
        let info = PrivateKeyInfoRef::try_from(der.as_slice()).expect("our own PKCS#8 parses");
        let key = rsa::pkcs1::RsaPrivateKeyRef::from_der(info.private_key.as_bytes())
            .expect("an RSA PKCS#8 key holds a PKCS#1 key");
        let n = key.modulus.as_bytes();
        let size = n.iter().skip_while(|b| **b == 0).count();
        let half = size.div_ceil(2);
        format!(
            "<RSAKeyValue><Modulus>{}</Modulus><Exponent>{}</Exponent><P>{}</P><Q>{}</Q>\
             <DP>{}</DP><DQ>{}</DQ><InverseQ>{}</InverseQ><D>{}</D></RSAKeyValue>",
            padded(n, size),
            padded(key.public_exponent.as_bytes(), 0),
            padded(key.prime1.as_bytes(), half),
            padded(key.prime2.as_bytes(), half),
            padded(key.exponent1.as_bytes(), half),
            padded(key.exponent2.as_bytes(), half),
            padded(key.coefficient.as_bytes(), half),
            padded(key.private_exponent.as_bytes(), size),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_round_trips_through_dotnet_xml() {
        let key = SigningKey::generate().unwrap();
        let xml = key.to_dotnet_xml();
        assert!(is_private_xml(&xml));
        // Refused as a public key: it is private.
        assert_eq!(public_from_xml(&xml), Err(KeyError::PrivateKeyGiven));
        // Its public half (what ToXmlString(false) writes) is the key's.
        let end = xml.find("<P>").unwrap();
        let public = format!("{}</RSAKeyValue>", &xml[..end]);
        assert!(!is_private_xml(&public));
        let parsed = public_from_xml(&public).unwrap();
        assert_eq!(parsed, key.public_key());
        // Fixed lengths as .NET wants them: D 256 bytes, P 128 (2048 bits).
        let b64 = |tag: &str| {
            let s = xml.split(&format!("<{tag}>")).nth(1).unwrap();
            STANDARD.decode(s.split('<').next().unwrap()).unwrap().len()
        };
        assert_eq!(
            (b64("Modulus"), b64("D"), b64("P"), b64("InverseQ")),
            (256, 256, 128, 128)
        );
        assert_eq!(b64("Exponent"), 3);
    }

    #[test]
    fn not_xml_is_refused() {
        assert!(public_from_xml("<Foo/>").is_err());
        assert!(public_from_xml("<RSAKeyValue><Modulus>!!</Modulus></RSAKeyValue>").is_err());
        assert!(public_from_xml("-----BEGIN PUBLIC KEY-----").is_err());
    }
}
