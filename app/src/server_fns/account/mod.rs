//! Accounts: the session in the header, sign-up (holders and issuers) and activation, sign-in and sign-out, the portal.
//! Each file holds one server function, answered at `/api/account/<file name>`.

pub mod activate;
pub mod activate_holder;
pub mod check_signup_token;
pub mod delete_account;
pub mod get_portal;
pub mod get_session;
pub mod login;
pub mod logout;
pub mod request_signup;
pub mod sign_out_everywhere;
