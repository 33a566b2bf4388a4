//! Issuing: by hand, CSV batches, the dashboard, the register and one issued badge (revoke, resend).
//! Each file holds one server function, answered at `/api/issuing/<file name>`.

pub mod batch_results;
pub mod confirm_batch;
pub mod export_register;
pub mod get_batch;
pub mod get_batches;
pub mod get_dashboard;
pub mod get_issued_badge;
pub mod get_register;
pub mod issue_by_hand;
#[cfg(feature = "ssr")]
mod register;
pub mod resend_badge_mail;
pub mod revoke_badge;
pub mod upload_batch;
