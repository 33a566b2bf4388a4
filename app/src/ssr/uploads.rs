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
