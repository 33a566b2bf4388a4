//! The holder's wallet: the badges issued to the signed-in account's address,
//! their visibility, further addresses, badges imported from other issuers,
//! collections, and the public profile's settings. Each file holds one
//! server function, answered at `/api/wallet/<file name>`. Every one starts
//! with `require_user` and touches only that user's badges.

pub mod add_address;
pub mod arrange_collection;
pub mod check_import;
pub mod confirm_address;
pub mod create_collection;
pub mod delete_collection;
pub mod export_data;
pub mod get_collection;
pub mod get_import;
pub mod get_wallet;
pub mod get_wallet_badge;
pub mod import_badge;
pub mod remove_address;
pub mod remove_import;
pub mod remove_photo;
pub mod save_collection;
pub mod save_profile;
pub mod set_visibility;
pub mod set_visibility_all;
pub mod upload_photo;
