//! Stored XSS: every text a person types that some page shows — an
//! organisation's name, summary, contact address and links; a template's
//! name, description, Markdown criteria, criteria URL and tags; a holder's
//! names, evidence, profile and collection — is filled with script-bearing
//! text and `javascript:` URLs, written straight to the database (past the
//! forms' own checks, as an old row or another writer could), and every
//! page that shows them, public and private, is fetched from the real
//! binary: the text must come out as text, and no link may run script. The
//! oEmbed answer's HTML too.

mod common;
#[path = "common/owner.rs"]
mod owner;

use std::sync::Arc;

use chrono::Utc;
use common::*;
use laurel::award::{Award, Holder};
use laurel::crypto::MasterKey;
use laurel::{Email, SocialLinks};
use laurel_service::issuing::{Issuer, Source};
use laurel_service::ServerContext;
use laurel_store::testing::TestDatabase;
use laurel_store::{CollectionFields, OrganisationProfile, ProfileUpdate, TemplateDesign};

/// Breaks out of text, of a double- or single-quoted attribute, of the
/// elements whose content is not parsed as markup (`<title>`,
/// `<textarea>`, `<script>`), then tries an element and an event handler.
const PAYLOAD: &str =
    "X\"'></title></textarea></script><script>alert(7)</script><img src=x onerror=alert(7)>";
const CRITERIA: &str = "Pass.\n\n<script>alert(7)</script>\n\n[click me](javascript:alert(7)) \
    <img src=x onerror=alert(7)> <a href=\"javascript:alert(7)\">raw</a> </textarea>";
const SCRIPT_URL: &str = "javascript:alert(7)";

/// Whether byte `at` of `html` is inside a tag (between a `<` and its
/// `>`): text never holds a bare `<`, and attribute values are escaped.
fn in_tag(html: &str, at: usize) -> bool {
    let before = &html[..at];
    before.rfind('<') > before.rfind('>')
}

/// What must never be in a page: the payload's elements, live (text never
/// holds a bare `<`, so an event handler can only come with one), and a
/// `javascript:` URL in a link.
fn live_script(body: &str) -> Vec<String> {
    let lower = body.to_ascii_lowercase();
    let show = |at: usize| {
        let from = at.saturating_sub(120);
        body.get(from..(at + 80).min(body.len()))
            .unwrap_or("")
            .to_owned()
    };
    let mut found = Vec::new();
    for bad in ["<script>alert(7)", "<img src=x onerror"] {
        if let Some(at) = lower.find(bad) {
            found.push(format!("{bad} in …{}…", show(at)));
        }
    }
    // A `javascript:` URL as the value of a link-bearing attribute. (The
    // same words inside another attribute's escaped value are text.)
    for (at, _) in lower.match_indices("javascript:") {
        let before = lower[..at].trim_end_matches([' ', '"', '\'']);
        let link = ["href=", "src=", "action=", "formaction=", "data="]
            .iter()
            .any(|a| before.ends_with(a));
        if link && in_tag(&lower, at) {
            found.push(format!("a javascript: link: …{}…", show(at)));
        }
    }
    found
}

#[test]
fn typed_text_is_shown_as_text_everywhere() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = TestDatabase::sqlite();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let key = Arc::new(MasterKey::generate());
    let (owner_cookie, holder_cookie, slug, template_id) = runtime.block_on(async {
        let store = laurel_store::testing::open(&db).await;
        let ctx = ServerContext::new(store.clone(), &base, key.clone());
        let (org, owner_cookie) = owner::signed_in_owner(&store, "xss").await;
        laurel_store::testing::execute(
            &store,
            &format!(
                "UPDATE organisations SET name = '{}' WHERE id = {}",
                PAYLOAD.replace('\'', "''"),
                org.id
            ),
        )
        .await;
        let links = SocialLinks {
            linkedin_url: SCRIPT_URL.into(),
            linkedin_visible: true,
            facebook_url: format!("https://facebook.com/{PAYLOAD}"),
            facebook_visible: true,
            twitter_url: SCRIPT_URL.into(),
            twitter_visible: true,
            wechat_id: PAYLOAD.into(),
            wechat_visible: true,
        };
        store
            .save_organisation_profile(
                org.id,
                &OrganisationProfile {
                    summary: PAYLOAD.into(),
                    image_type: None,
                    links: links.clone(),
                    contact_email: format!("a{PAYLOAD}@example.org"),
                    linkedin_org_id: PAYLOAD.into(),
                },
            )
            .await
            .unwrap();
        let org = store.organisation_by_id(org.id).await.unwrap().unwrap();
        let tags = serde_json::to_string(&[PAYLOAD]).unwrap();
        let (template, class) = store
            .create_template(
                org.id,
                Some(PAYLOAD),
                "xss-class",
                &TemplateDesign {
                    name: PAYLOAD,
                    description: PAYLOAD,
                    criteria_narrative: Some(CRITERIA),
                    criteria_url: Some(SCRIPT_URL),
                    image_type: "image/png",
                    image: include_bytes!("../assets/demo-badge.png"),
                    tags: &tags,
                    alignment: "[]",
                    validity_years: 0,
                },
            )
            .await
            .unwrap();
        let email = "holder@xss.example";
        let holder = store
            .ensure_holder_account(email, PAYLOAD, "$argon2id$not-a-login")
            .await
            .unwrap();
        let issuer = Issuer::of(&ctx, &org).await.unwrap();
        let outcome = issuer
            .issue(
                Some(template.id),
                &class,
                &Award {
                    holder: Holder {
                        email: Email::parse(email).unwrap(),
                        first_name: PAYLOAD.into(),
                        last_name: PAYLOAD.into(),
                        last_name_prefix: PAYLOAD.into(),
                        is_individual: true,
                    },
                    achieved_on: Utc::now().date_naive(),
                    evidence_url: Some(SCRIPT_URL.into()),
                    evidence_narrative: Some(PAYLOAD.into()),
                    template: None,
                },
                Source::Hand,
            )
            .await
            .unwrap();
        let slug = outcome.assertion().slug.clone();
        store
            .save_holder_profile(
                holder.id,
                ProfileUpdate {
                    handle: "xss-holder",
                    display_name: PAYLOAD,
                    summary: PAYLOAD,
                    public: true,
                    links: &links,
                    default_public: true,
                },
            )
            .await
            .unwrap();
        assert!(store
            .set_wallet_visibility(holder.id, &slug, true)
            .await
            .unwrap());
        store
            .create_collection(
                holder.id,
                "xsscollection",
                CollectionFields {
                    name: PAYLOAD,
                    description: PAYLOAD,
                    public: true,
                },
            )
            .await
            .unwrap();
        assert!(store
            .add_to_collection(holder.id, "xsscollection", &slug)
            .await
            .unwrap());
        let (session, hash) = laurel_service::accounts::new_token();
        store
            .create_session(
                holder.id,
                &hash,
                Utc::now() + chrono::Duration::hours(1),
                "127.0.0.1",
                "test",
                None,
            )
            .await
            .unwrap();
        store.close().await;
        (
            owner_cookie,
            format!("laurel_session={session}"),
            slug,
            template.id,
        )
    });

    let dir = temp_dir("xss");
    let mut cmd = laurel(&dir);
    cmd.env("DATABASE_URL", &db.url)
        .env("LAUREL_MASTER_KEY", key.to_hex());
    let server = Server::start_with(cmd, port);
    let http = agent();
    let assertion = format!("/o/xss/assertions/{slug}");
    let pages: Vec<(String, Option<&str>)> = vec![
        ("/o/xss".into(), None),
        ("/o/xss/badges/xss-class".into(), None),
        (assertion.clone(), None),
        ("/u/xss-holder".into(), None),
        ("/u/xss-holder/c/xsscollection".into(), None),
        ("/portal/xss".into(), Some(&owner_cookie)),
        ("/portal/xss/templates".into(), Some(&owner_cookie)),
        (
            format!("/portal/xss/templates/{template_id}"),
            Some(&owner_cookie),
        ),
        (
            format!("/portal/xss/templates/{template_id}/edit"),
            Some(&owner_cookie),
        ),
        ("/portal/xss/badges".into(), Some(&owner_cookie)),
        (format!("/portal/xss/badges/{slug}"), Some(&owner_cookie)),
        ("/portal/xss/settings".into(), Some(&owner_cookie)),
        ("/portal".into(), Some(&owner_cookie)),
        ("/wallet".into(), Some(&holder_cookie)),
        (format!("/wallet/badges/{slug}"), Some(&holder_cookie)),
        (
            "/wallet/collections/xsscollection".into(),
            Some(&holder_cookie),
        ),
    ];
    let mut wrong = Vec::new();
    for (path, cookie) in &pages {
        let mut request = http
            .get(format!("{}{path}", server.base))
            .header("Accept", "text/html");
        if let Some(cookie) = cookie {
            request = request.header("Cookie", *cookie);
        }
        let mut response = request.call().unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.body_mut().read_to_string().unwrap();
        if status != 200 {
            wrong.push(format!("{path}: status {status}"));
            continue;
        }
        if !content_type.starts_with("text/html") {
            // A document (the badge class answers JSON-LD to everyone): not
            // markup, and never sniffed as such.
            assert!(content_type.contains("json"), "{path}: {content_type}");
            assert_eq!(
                response
                    .headers()
                    .get("x-content-type-options")
                    .map(|v| v.to_str().unwrap()),
                Some("nosniff"),
                "{path}"
            );
            continue;
        }
        // The typed text is on the page (so the page was tested), as text.
        if !body.contains("alert(7)") {
            wrong.push(format!("{path}: shows none of the typed text"));
        }
        for found in live_script(&body) {
            wrong.push(format!("{path}: {found}"));
        }
    }
    // oEmbed's `html` is markup a site pastes into its own page.
    let oembed = http
        .get(format!(
            "{}/oembed?format=json&url={}",
            server.base,
            url::form_urlencoded::byte_serialize(format!("{}{assertion}", server.base).as_bytes())
                .collect::<String>()
        ))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let oembed: serde_json::Value = serde_json::from_str(&oembed).unwrap();
    let html = oembed["html"].as_str().unwrap_or_default();
    assert!(html.contains("alert(7)"), "{oembed}");
    for found in live_script(html) {
        wrong.push(format!("oEmbed html: {found}"));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    server.stop();
    runtime.block_on(db.cleanup());
}
