//! An account's security: two-factor authentication, recovery codes, password change and reset.
//! Each file holds one server function, answered at `/api/security/<file name>`.

pub mod change_password;
pub mod check_reset_token;
pub mod disable_mfa;
pub mod enable_mfa;
pub mod get_security;
pub mod request_password_reset;
pub mod reset_password;
pub mod start_mfa_setup;
pub mod take_recovery_codes;
pub mod verify_login_code;
