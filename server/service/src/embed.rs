//! Putting public badges and collections on other sites: an HTML snippet (a
//! badge card: no iframe, no script, inline styles so the host page's CSS
//! neither breaks it nor is broken by it) and the oEmbed answer
//! (<https://oembed.com>, type `rich`) that carries the same snippet.
//!
//! Only what is public is embeddable, decided here once: a badge its holder
//! made public in their wallet ([`laurel_store::Store::badge_is_public`]),
//! and a collection whose holder's profile and the collection itself are
//! public, with its public badges only (`Store::public_collection`). For
//! anything else the answer is "not found", the same as for a URL that is
//! not Laurel's.

use chrono::Utc;
use laurel::{BadgeStatus, Subdomain};

use crate::mail::html_escape as escape;
use crate::{ServerContext, ServiceError};

/// What a URL given to the oEmbed endpoint points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A badge's verification page.
    Badge { subdomain: String, slug: String },
    /// A holder's public collection.
    Collection { handle: String, public_id: String },
}

/// An embeddable thing: the oEmbed fields and the snippet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embed {
    pub title: String,
    pub author_name: String,
    pub author_url: String,
    /// The snippet (also the oEmbed `html`).
    pub html: String,
    /// The 1200×630 share image of the (first) badge, when there is one.
    pub thumbnail_url: Option<String>,
    /// The snippet's height in pixels, about.
    pub height: u32,
}

/// The snippet's width in pixels.
pub const WIDTH: u32 = 420;
/// One badge card's height in pixels (about: it depends on the fonts).
const CARD_HEIGHT: u32 = 96;

/// Which of Laurel's pages `url` is, if any: a verification page
/// (path- or host-based) or a collection page. Only URLs that Laurel itself
/// would build for those names are recognised (query and fragment aside).
pub fn target(ctx: &ServerContext, url: &str) -> Option<Target> {
    let parsed = url::Url::parse(url).ok()?;
    let mut bare = parsed.clone();
    bare.set_query(None);
    bare.set_fragment(None);
    let bare = bare.as_str().trim_end_matches('/');
    let segments: Vec<&str> = parsed.path_segments()?.filter(|s| !s.is_empty()).collect();
    let found = match segments.as_slice() {
        ["u", handle, "c", id] => Target::Collection {
            handle: (*handle).to_owned(),
            public_id: (*id).to_owned(),
        },
        ["o", sub, "assertions", slug] => Target::Badge {
            subdomain: (*sub).to_owned(),
            slug: (*slug).to_owned(),
        },
        ["assertions", slug] => Target::Badge {
            subdomain: parsed.host_str()?.split('.').next()?.to_owned(),
            slug: (*slug).to_owned(),
        },
        _ => return None,
    };
    let canonical = match &found {
        Target::Collection { handle, public_id } => ctx.site().collection(handle, public_id),
        Target::Badge { subdomain, slug } => ctx.urls(subdomain).assertion(slug),
    };
    (canonical == bare).then_some(found)
}

/// The embed for `target`, or `None` when it is not public (or not there).
/// A badge's embed is counted as an `embed` event of the badge.
pub async fn embed(ctx: &ServerContext, target: &Target) -> Result<Option<Embed>, ServiceError> {
    match target {
        Target::Badge { subdomain, slug } => badge(ctx, subdomain, slug).await,
        Target::Collection { handle, public_id } => collection(ctx, handle, public_id).await,
    }
}

async fn badge(
    ctx: &ServerContext,
    subdomain: &str,
    slug: &str,
) -> Result<Option<Embed>, ServiceError> {
    let Ok(sub) = Subdomain::parse(subdomain) else {
        return Ok(None);
    };
    let Some(org) = ctx.store.organisation_by_subdomain(&sub).await? else {
        return Ok(None);
    };
    let Some(a) = ctx.store.assertion_by_slug(org.id, slug).await? else {
        return Ok(None);
    };
    if !ctx.store.badge_is_public(a.id).await? {
        return Ok(None);
    }
    let Some(class) = ctx.store.badge_class_by_id(a.badge_class_id).await? else {
        return Ok(None);
    };
    // An embed fetched counts for the issuer's analytics (nothing about the
    // fetcher is kept).
    ctx.events.record(
        &a,
        laurel::BadgeEventKind::Embed,
        laurel::analytics::EventDetail::None,
    );
    let urls = ctx.urls(&org.subdomain);
    let status = BadgeStatus::at(a.revoked_at, a.expires_at, Utc::now());
    let html = card(&Card {
        badge_name: &class.name,
        issuer_name: &org.name,
        issued_on: &a.issued_on.format("%Y-%m-%d").to_string(),
        image_url: &urls.badge_image(&class.slug),
        verify_url: &urls.assertion(&a.slug),
        status,
    });
    Ok(Some(Embed {
        title: format!("{} — awarded by {}", class.name, org.name),
        author_name: org.name.clone(),
        author_url: urls.home(),
        html,
        thumbnail_url: Some(ctx.share_image(&org.subdomain, &org.name, &class.slug)),
        height: CARD_HEIGHT,
    }))
}

async fn collection(
    ctx: &ServerContext,
    handle: &str,
    public_id: &str,
) -> Result<Option<Embed>, ServiceError> {
    let Some(found) = ctx.store.public_collection(handle, public_id).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let mut cards = String::new();
    for b in &found.badges {
        let urls = ctx.urls(&b.subdomain);
        cards.push_str(&card(&Card {
            badge_name: &b.badge_name,
            issuer_name: &b.organisation_name,
            issued_on: &b.issued_on.format("%Y-%m-%d").to_string(),
            image_url: &urls.badge_image(&b.badge_class_slug),
            verify_url: &urls.assertion(&b.slug),
            status: BadgeStatus::at(b.revoked_at, b.expires_at, now),
        }));
    }
    let page = ctx.site().collection(handle, public_id);
    let html = format!(
        "<div style=\"max-width:{WIDTH}px;font-family:system-ui,sans-serif;color:#1c1917\">\
         <p style=\"margin:0 0 8px\"><a href=\"{page}\" style=\"font-weight:600;color:#065f46\">{name}</a> \
         <span style=\"font-size:13px;color:#57534e\">· {by}</span></p>{cards}</div>",
        page = escape(&page),
        name = escape(&found.collection.name),
        by = escape(&found.profile.display_name),
    );
    let thumbnail_url = found
        .badges
        .first()
        .map(|b| ctx.share_image(&b.subdomain, &b.organisation_name, &b.badge_class_slug));
    Ok(Some(Embed {
        title: format!("{} — {}", found.collection.name, found.profile.display_name),
        author_name: found.profile.display_name.clone(),
        author_url: ctx.site().profile(&found.profile.handle),
        html,
        thumbnail_url,
        height: 32 + CARD_HEIGHT * found.badges.len() as u32,
    }))
}

/// One badge card of a snippet.
#[derive(Debug, Clone, Copy)]
pub struct Card<'a> {
    pub badge_name: &'a str,
    pub issuer_name: &'a str,
    pub issued_on: &'a str,
    pub image_url: &'a str,
    pub verify_url: &'a str,
    pub status: BadgeStatus,
}

/// A badge card: image, name (linked to the verification page), issuer and
/// date, status. Every text is escaped; styles are inline.
pub fn card(c: &Card<'_>) -> String {
    let status = match c.status {
        BadgeStatus::Active => "Open Badge · verify it",
        BadgeStatus::Expired => "Expired",
        BadgeStatus::Revoked => "Revoked by its issuer",
    };
    format!(
        "<div style=\"display:flex;gap:12px;align-items:center;max-width:{WIDTH}px;margin:0 0 8px;padding:12px;\
         border:1px solid #e7e5e4;border-radius:8px;background:#fff;font-family:system-ui,sans-serif;color:#1c1917\">\
         <img src=\"{image}\" alt=\"{name} badge\" width=\"64\" height=\"64\" style=\"width:64px;height:64px;object-fit:contain\">\
         <div><a href=\"{verify}\" style=\"font-weight:600;color:#065f46\">{name}</a>\
         <div style=\"font-size:13px;color:#57534e\">Issued by {issuer} · {date}</div>\
         <div style=\"font-size:12px;color:#57534e\">{status}</div></div></div>",
        image = escape(c.image_url),
        // `via=embed` tells the verification page's analytics where the
        // visitor came from (no cookie, nothing about them).
        verify = escape(&format!("{}?via=embed", c.verify_url)),
        name = escape(c.badge_name),
        issuer = escape(c.issuer_name),
        date = escape(c.issued_on),
    )
}

/// The oEmbed JSON answer for `embed` (`maxwidth` narrows the width).
pub fn oembed_json(ctx: &ServerContext, embed: &Embed, maxwidth: Option<u32>) -> serde_json::Value {
    let width = maxwidth.map_or(WIDTH, |m| m.clamp(200, WIDTH));
    let mut answer = serde_json::json!({
        "version": "1.0",
        "type": "rich",
        "provider_name": "Laurel",
        "provider_url": ctx.public_url.as_ref(),
        "title": embed.title,
        "author_name": embed.author_name,
        "author_url": embed.author_url,
        "html": embed.html,
        "width": width,
        "height": embed.height,
        "cache_age": 3600,
    });
    if let Some(thumbnail) = &embed.thumbnail_url {
        answer["thumbnail_url"] = thumbnail.clone().into();
        answer["thumbnail_width"] = crate::share_image::WIDTH.into();
        answer["thumbnail_height"] = crate::share_image::HEIGHT.into();
    }
    answer
}

/// The oEmbed endpoint's URL for a page (its discovery `<link>`).
pub fn oembed_url(ctx: &ServerContext, page_url: &str) -> String {
    let query: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("url", page_url)
        .append_pair("format", "json")
        .finish();
    format!("{}/oembed?{query}", ctx.public_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_escape_every_text() {
        let html = card(&Card {
            badge_name: "<script>alert(1)</script>",
            issuer_name: "A & B",
            issued_on: "2026-03-01",
            image_url: "https://x.example/i?a=1&b=\"2\"",
            verify_url: "https://x.example/v",
            status: BadgeStatus::Revoked,
        });
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("Issued by A &amp; B · 2026-03-01"));
        assert!(html.contains("src=\"https://x.example/i?a=1&amp;b=&quot;2&quot;\""));
        assert!(html.contains("Revoked by its issuer"));
        assert!(!html.contains("<iframe") && !html.contains("<script"));
    }
}
