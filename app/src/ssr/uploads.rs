//! Reading a file field of a multipart form without holding more than its
//! limit: the bytes are kept up to the limit, then only counted (up to
//! [`COUNT_CAP`]), so a refusal can say by how much the file is too big.

use crate::error::AppError;

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

/// A profile image form (an organisation's logo, a holder's photo): its
/// text fields and its `image` file, checked against
/// [`laurel::image::ImageRules::PROFILE`] (PNG, JPEG or SVG without anything
/// active, at most 512 KB). The text fields are there even when the image
/// is refused, so the caller checks who is asking first.
pub struct ProfileImage {
    pub fields: Vec<(String, String)>,
    /// `(content type, bytes)`, or why the image is refused.
    pub image: Result<(&'static str, Vec<u8>), AppError>,
}

impl ProfileImage {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads a profile image form; an `Err` only when the form itself cannot
/// be read.
pub async fn profile_image(
    data: leptos::server_fn::codec::MultipartData,
) -> Result<ProfileImage, AppError> {
    use laurel::image::{check_image, ImageError, ImageRules};

    let mut form = data.into_inner().ok_or(AppError::Internal)?;
    let limit = ImageRules::PROFILE.max_bytes;
    let mut fields = Vec::new();
    let mut upload = Upload::default();
    while let Some(mut field) = form.next_field().await.map_err(bad_form)? {
        match field.name().map(str::to_owned) {
            Some(name) if name == "image" => upload = read_field(&mut field, limit).await?,
            Some(name) => fields.push((name, field.text().await.map_err(bad_form)?)),
            None => {}
        }
    }
    let image = if let Some(bytes) = upload.too_big {
        Err(AppError::Invalid(
            ImageError::TooBig { bytes, max: limit }.to_string(),
        ))
    } else if upload.bytes.is_empty() {
        Err(AppError::Invalid("Choose an image file to upload.".into()))
    } else {
        check_image(&upload.bytes, &ImageRules::PROFILE)
            .map(|info| (info.kind.mime(), upload.bytes))
            .map_err(|e| AppError::Invalid(e.to_string()))
    };
    Ok(ProfileImage { fields, image })
}
