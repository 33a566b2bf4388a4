//! Multipart forms (uploads), read one way: [`Form`] is the one door.
//!
//! - **Access first.** An organisation's form ([`Form::for_organisation`])
//!   must send `subdomain` as its first field; the role is checked there,
//!   before a byte of the file is read. A person's own form
//!   ([`Form::for_user`]) checks the session before reading anything.
//! - **Bounded.** At most [`UPLOAD_SLOTS`] forms are read at once in a
//!   process (others wait up to [`UPLOAD_WAIT`], then are refused as busy);
//!   text fields are cut off at [`TEXT_LIMIT`] while they stream; a file is
//!   kept up to its limit, then only counted (up to [`COUNT_CAP`]), so a
//!   refusal can say by how much it is too big.

use std::sync::Arc;
use std::time::Duration;

use laurel::Role;
use laurel_store::{Membership, SessionUser};
use leptos::server_fn::codec::MultipartData;

use crate::error::AppError;

/// Multipart forms read at once by this process.
pub const UPLOAD_SLOTS: usize = 8;
/// How long a form waits for a slot before it is refused as busy.
pub const UPLOAD_WAIT: Duration = Duration::from_secs(30);
/// The longest text field of any form, in bytes.
pub const TEXT_LIMIT: usize = 64 * 1024;

fn upload_slots() -> Arc<tokio::sync::Semaphore> {
    static SLOTS: std::sync::OnceLock<Arc<tokio::sync::Semaphore>> = std::sync::OnceLock::new();
    SLOTS
        .get_or_init(|| Arc::new(tokio::sync::Semaphore::new(UPLOAD_SLOTS)))
        .clone()
}

/// A multipart form whose reader holds one of the [`UPLOAD_SLOTS`].
pub struct Form {
    fields: multer::Multipart<'static>,
    _slot: tokio::sync::OwnedSemaphorePermit,
}

impl Form {
    /// A form anyone may send (the public verifier).
    pub async fn open(data: MultipartData) -> Result<Self, AppError> {
        let fields = data.into_inner().ok_or(AppError::Internal)?;
        let slot = tokio::time::timeout(UPLOAD_WAIT, upload_slots().acquire_owned())
            .await
            .map_err(|_| {
                AppError::TooMany(
                    "Too many uploads are being read right now; try again in a minute.".into(),
                )
            })?
            .map_err(|_| AppError::Internal)?;
        Ok(Self {
            fields,
            _slot: slot,
        })
    }

    /// A signed-in person's own form: the session is checked before the
    /// body is read.
    pub async fn for_user(data: MultipartData) -> Result<(Self, SessionUser), AppError> {
        let user = super::auth::require_user().await?;
        Ok((Self::open(data).await?, user))
    }

    /// An organisation's form: its first field must be `subdomain`, where
    /// `needed` is checked (`require_role`) before any other field is read.
    pub async fn for_organisation(
        data: MultipartData,
        needed: Role,
    ) -> Result<(Self, SessionUser, Membership), AppError> {
        // No session at all: refused before a byte of the body is read (the
        // session itself is checked with the role, below).
        if super::auth::session_token().is_none() {
            return Err(AppError::Unauthorized);
        }
        let mut form = Self::open(data).await?;
        let subdomain = match form.next().await? {
            Some(mut field) if field.name() == Some("subdomain") => read_text(&mut field, 64).await?,
            _ => {
                return Err(AppError::Invalid(
                    "The form is incomplete (the organisation comes first); reload the page and send it again.".into(),
                ))
            }
        };
        let (user, membership) = super::access::require_role(&subdomain, needed).await?;
        Ok((form, user, membership))
    }

    /// The next field, if any.
    pub async fn next(&mut self) -> Result<Option<multer::Field<'static>>, AppError> {
        self.fields.next_field().await.map_err(bad_form)
    }
}

/// Reads a text field of at most `limit` bytes ([`TEXT_LIMIT`] for an
/// ordinary field); a longer one is refused naming the field, without
/// reading the rest.
pub async fn read_text(field: &mut multer::Field<'_>, limit: usize) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
        if bytes.len() + chunk.len() > limit {
            return Err(AppError::Invalid(format!(
                "The field “{}” is longer than {limit} bytes.",
                field.name().unwrap_or("?")
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| {
        AppError::Invalid(format!(
            "The field “{}” is not UTF-8 text.",
            field.name().unwrap_or("?")
        ))
    })
}

/// Past the limit, reading stops after this many bytes in all.
pub const COUNT_CAP: usize = 16 * 1024 * 1024;

/// A file field as read.
#[derive(Debug, Default)]
pub struct Upload {
    /// The file, when it is within the limit (possibly empty).
    pub bytes: Vec<u8>,
    /// The size seen (capped at [`COUNT_CAP`]) when it was over the limit.
    pub too_big: Option<usize>,
}

/// The sentence for a form that cannot be read.
pub fn bad_form(e: multer::Error) -> AppError {
    AppError::Invalid(format!("The upload could not be read ({e})."))
}

/// Reads `field`, keeping at most `limit` bytes.
pub async fn read_field(field: &mut multer::Field<'_>, limit: usize) -> Result<Upload, AppError> {
    let mut upload = Upload::default();
    let mut total = 0usize;
    while let Some(chunk) = field.chunk().await.map_err(bad_form)? {
        total += chunk.len();
        if total <= limit {
            upload.bytes.extend_from_slice(&chunk);
        } else if total > COUNT_CAP {
            break;
        }
    }
    if total > limit {
        upload.bytes = Vec::new();
        upload.too_big = Some(total);
    }
    Ok(upload)
}

/// The `image` of a profile image form (an organisation's logo, a holder's
/// photo), opened by the caller after its access check and checked against
/// [`laurel::image::ImageRules::PROFILE`] (PNG, JPEG or SVG without anything
/// active, at most 512 KB): `(content type, bytes)`, or why it is refused.
pub async fn profile_image(mut form: Form) -> Result<(&'static str, Vec<u8>), AppError> {
    use laurel::image::{check_image, ImageError, ImageRules};

    let limit = ImageRules::PROFILE.max_bytes;
    let mut upload = Upload::default();
    while let Some(mut field) = form.next().await? {
        if field.name() == Some("image") {
            upload = read_field(&mut field, limit).await?;
        }
    }
    if let Some(bytes) = upload.too_big {
        Err(AppError::Invalid(
            ImageError::TooBig { bytes, max: limit }.to_string(),
        ))
    } else if upload.bytes.is_empty() {
        Err(AppError::Invalid("Choose an image file to upload.".into()))
    } else {
        check_image(&upload.bytes, &ImageRules::PROFILE)
            .map(|info| (info.kind.mime(), upload.bytes))
            .map_err(|e| AppError::Invalid(e.to_string()))
    }
}
