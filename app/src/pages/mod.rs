pub mod account;
pub mod home;
pub mod members;
pub mod not_found;
pub mod organisation;
pub mod security;
pub mod settings;
pub mod verify;
