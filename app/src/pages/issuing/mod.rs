//! The issuer workspace around templates, one module per page: the dashboard,
//! CSV batches (upload → preview → confirm → progress → result file), the
//! issued-badge register with its detail page (revoke, resend), and the
//! holder's claim page. Every page renders whole on the server and works
//! without JavaScript; hydrated, the batch page follows progress live.

mod batches;
mod claim;
mod dashboard;
mod issued_badge;
mod register;

pub use batches::{BatchPage, BatchesPage};
pub use claim::ClaimPage;
pub use dashboard::DashboardPage;
pub use issued_badge::IssuedBadgePage;
pub use register::RegisterPage;
