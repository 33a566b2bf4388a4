//! An organisation's settings: public profile and image.
//! Each file holds one server function, answered at `/api/settings/<file name>`.

pub mod get_org_settings;
pub mod remove_org_image;
pub mod save_org_profile;
pub mod upload_org_image;
