//! Server functions, one per file. Each checks its input, calls the store or
//! the core library, and returns plain data for the components.

pub mod accept_invite;
pub mod accept_invite_existing;
pub mod activate;
pub mod change_password;
pub mod change_role;
pub mod check_invite;
pub mod check_reset_token;
pub mod check_signup_token;
pub mod disable_mfa;
pub mod enable_mfa;
pub mod get_assertion;
pub mod get_audit_log;
pub mod get_members;
pub mod get_org_settings;
pub mod get_organisation;
pub mod get_portal;
pub mod get_security;
pub mod invite_member;
pub mod login;
pub mod logout;
pub mod remove_member;
pub mod remove_org_image;
pub mod request_password_reset;
pub mod request_signup;
pub mod resend_invitation;
pub mod reset_password;
pub mod revoke_invitation;
pub mod save_org_profile;
pub mod sign_out_everywhere;
pub mod start_mfa_setup;
pub mod take_recovery_codes;
pub mod upload_org_image;
pub mod verify_login_code;
