//! The holder's wallet: the badges issued to the signed-in account's address,
//! their visibility, and the public profile's settings. Each file holds one
//! server function, answered at `/api/wallet/<file name>`. Every one starts
//! with `require_user` and touches only that user's badges.

pub mod get_wallet;
pub mod save_profile;
pub mod set_visibility;
