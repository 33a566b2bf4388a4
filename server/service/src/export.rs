//! "Export all my data": one zip with everything Laurel keeps about a
//! holder, in formats other tools read.
//!
//! ```text
//! laurel-export/account.json               the account, addresses, profile,
//!                                          collections, badges (with their
//!                                          visibility) and imports (with
//!                                          their last report)
//! laurel-export/badges/{slug}.ob2.json     each badge's OB 2.0 assertion
//! laurel-export/badges/{slug}.ob2.jws      … signed (JWS)
//! laurel-export/badges/{slug}.ob3.jwt      … its OB 3.0 credential (VC-JWT)
//! laurel-export/badges/{slug}.png|svg      … its baked image
//! laurel-export/imports/{id}.png|svg|txt   each imported original, as given
//! laurel-export/profile-photo.png|jpg|svg  the profile photo, when there is one
//! ```

use std::io::Write;

use chrono::{SecondsFormat, Utc};
use laurel::{BadgeStatus, ImportKind, Subdomain};
use serde_json::{json, Value};
use zip::write::SimpleFileOptions;

use crate::{documents, ServerContext, ServiceError};

const ROOT: &str = "laurel-export";

fn zip_error(e: impl std::fmt::Display) -> ServiceError {
    tracing::error!(error = %e, "writing an export failed");
    ServiceError::Internal
}

/// The zip of everything about the holder `user_id` (whose account address
/// is `email`).
pub async fn export_zip(
    ctx: &ServerContext,
    user_id: i64,
    email: &str,
) -> Result<Vec<u8>, ServiceError> {
    let store = &ctx.store;
    let user = store
        .user_by_email(email)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let now = Utc::now();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();

    let mut badges = Vec::new();
    for b in store.wallet(user_id).await? {
        let urls = ctx.urls(&b.subdomain);
        badges.push(json!({
            "slug": b.slug,
            "badge": b.badge_name,
            "issuer": b.organisation_name,
            "issued_on": b.issued_on.to_rfc3339_opts(SecondsFormat::Secs, true),
            "expires": b.expires_at.map(|e| e.to_rfc3339_opts(SecondsFormat::Secs, true)),
            "status": BadgeStatus::at(b.revoked_at, b.expires_at, now),
            "public": b.public,
            "verification_page": urls.assertion(&b.slug),
        }));
        let Ok(sub) = Subdomain::parse(&b.subdomain) else {
            continue;
        };
        let Some(org) = store.organisation_by_subdomain(&sub).await? else {
            continue;
        };
        let Some(a) = store.assertion_by_slug(org.id, &b.slug).await? else {
            continue;
        };
        let Some(class) = store.badge_class_by_id(a.badge_class_id).await? else {
            continue;
        };
        let doc = documents::assertion(&urls, &class, &a, None);
        let base = format!("{ROOT}/badges/{}", a.slug);
        files.push((
            format!("{base}.ob2.json"),
            serde_json::to_vec_pretty(&doc).map_err(zip_error)?,
        ));
        files.push((format!("{base}.ob2.jws"), a.signed_jws.clone().into_bytes()));
        files.push((
            format!("{base}.ob3.jwt"),
            a.credential_jwt.clone().into_bytes(),
        ));
        // A stored image that cannot be baked (logged there) leaves its
        // badge's documents in the export, without the picture.
        if let Ok((image, ext)) = documents::baked(&urls, &class, &a) {
            files.push((format!("{base}.{ext}"), image));
        }
    }

    let mut imports = Vec::new();
    for i in store.imports(user_id).await? {
        let report: Value = serde_json::from_str(&i.report).unwrap_or(Value::Null);
        if let Some((kind, original)) = store.import_original(user_id, &i.public_id).await? {
            let ext = match kind {
                ImportKind::Png => "png",
                ImportKind::Svg => "svg",
                ImportKind::Text => "txt",
            };
            files.push((format!("{ROOT}/imports/{}.{ext}", i.public_id), original));
        }
        imports.push(json!({
            "id": i.public_id,
            "kind": i.kind,
            "badge": i.badge_name,
            "issuer": i.issuer_name,
            "issued_on": i.issued_on,
            "open_badges_version": i.version,
            "valid": i.valid,
            "checked_at": i.verified_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            "report": report,
        }));
    }

    let mut collections = Vec::new();
    for c in store.collections(user_id).await? {
        let slugs: Vec<String> = store
            .collection_badges(user_id, &c.public_id)
            .await?
            .into_iter()
            .map(|b| b.slug)
            .collect();
        collections.push(json!({
            "id": c.public_id,
            "name": c.name,
            "description": c.description,
            "public": c.public,
            "badges": slugs,
        }));
    }
    let profile = store.holder_profile(user_id).await?.map(|p| {
        json!({
            "handle": p.handle,
            "display_name": p.display_name,
            "summary": p.summary,
            "public": p.public,
            "new_badges_public": p.default_public,
            "social_links": p.links,
            "has_photo": p.image_type.is_some(),
            "url": ctx.site().profile(&p.handle),
        })
    });
    if let Some((kind, bytes)) = store.holder_image(user_id).await? {
        let ext = match kind.as_str() {
            "image/png" => "png",
            "image/jpeg" => "jpg",
            _ => "svg",
        };
        files.push((format!("{ROOT}/profile-photo.{ext}"), bytes));
    }
    let addresses: Vec<Value> = store
        .user_emails(user_id)
        .await?
        .into_iter()
        .map(|e| {
            json!({
                "email": e.email,
                "confirmed_at": e.verified_at.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            })
        })
        .collect();
    let account = json!({
        "exported_at": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "created_at": user.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        },
        "addresses": addresses,
        "profile": profile,
        "collections": collections,
        "badges": badges,
        "imports": imports,
    });
    files.insert(
        0,
        (
            format!("{ROOT}/account.json"),
            serde_json::to_vec_pretty(&account).map_err(zip_error)?,
        ),
    );

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name, options).map_err(zip_error)?;
        zip.write_all(&bytes).map_err(zip_error)?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}
