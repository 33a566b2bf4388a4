use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use crate::error::AppError;

/// Sets the signed-in holder's profile photo from a multipart form (field
/// `image`): the same rules and reading as an organisation's image
/// (`ssr::uploads::profile_image`). The profile must be saved first.
#[server(input = MultipartFormData, endpoint = "wallet/upload_photo")]
pub async fn upload_photo(data: MultipartData) -> Result<(), AppError> {
    use crate::ssr::context;
    use crate::ssr::uploads::{profile_image, Form};

    let (form, user) = Form::for_user(data).await?;
    let (mime, image) = profile_image(form).await?;
    if !context()?
        .store
        .set_holder_image(user.user_id, Some((mime, &image)))
        .await?
    {
        return Err(AppError::Invalid(
            "Save your profile (a handle and a display name) before adding a photo.".into(),
        ));
    }
    leptos_axum::redirect(&format!("{}?saved=1#profile", crate::paths::WALLET));
    Ok(())
}
