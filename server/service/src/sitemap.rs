//! `/sitemap.xml`: the public pages a search engine may list — every
//! organisation's page, and the switched-on profiles with their public
//! collections and public badges' verification pages. What is listed comes
//! from [`laurel_store::Store::sitemap`], which selects public rows in SQL;
//! a private badge, a private collection or a profile that is off is never
//! in it. Written with `quick-xml` (escaping is its business).

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::{ServerContext, ServiceError};

const NAMESPACE: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// The sitemap document (UTF-8 XML).
pub async fn xml(ctx: &ServerContext) -> Result<Vec<u8>, ServiceError> {
    let map = ctx.store.sitemap().await?;
    let site = ctx.site();
    let mut locations = Vec::new();
    locations.extend(map.organisations.iter().map(|s| ctx.urls(s).home()));
    locations.extend(map.profiles.iter().map(|h| site.profile(h)));
    locations.extend(map.collections.iter().map(|(h, id)| site.collection(h, id)));
    locations.extend(
        map.badges
            .iter()
            .map(|(s, slug)| ctx.urls(s).assertion(slug)),
    );
    write(&locations).map_err(|e| {
        tracing::error!(error = %e, "writing the sitemap failed");
        ServiceError::Internal
    })
}

fn write(locations: &[String]) -> Result<Vec<u8>, std::io::Error> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.write_event(Event::Start(
        BytesStart::new("urlset").with_attributes([("xmlns", NAMESPACE)]),
    ))?;
    for loc in locations {
        w.write_event(Event::Start(BytesStart::new("url")))?;
        w.write_event(Event::Start(BytesStart::new("loc")))?;
        w.write_event(Event::Text(BytesText::new(loc)))?;
        w.write_event(Event::End(BytesEnd::new("loc")))?;
        w.write_event(Event::End(BytesEnd::new("url")))?;
    }
    w.write_event(Event::End(BytesEnd::new("urlset")))?;
    Ok(w.into_inner())
}

#[cfg(test)]
mod tests {
    #[test]
    fn locations_are_escaped() {
        let xml = super::write(&["https://x.example/a?b=1&c=<2>".to_owned()]).unwrap();
        let xml = String::from_utf8(xml).unwrap();
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(xml.contains("<loc>https://x.example/a?b=1&amp;c=&lt;2&gt;</loc>"));
        assert!(xml.contains("xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\""));
    }
}
