//! An organisation's settings: public profile and image, and the API
//! (remote issuing and API tokens). Each file holds one server function, answered at
//! `/api/settings/<file name>`.

pub mod add_integration_key;
pub mod create_api_token;
pub mod create_webhook;
pub mod generate_integration_key;
pub mod get_api_settings;
pub mod get_org_settings;
pub mod remove_org_image;
pub mod revoke_api_token;
pub mod revoke_integration_key;
pub mod save_org_profile;
pub mod setup_remote;
pub mod upload_org_image;
pub mod webhook_action;
