//! An organisation's people: the user list with role changes, removals and
//! invitations (`/portal/:subdomain/users`), the audit log
//! (`/portal/:subdomain/audit`), and accepting an invitation (`/invite`).
//! Every form works as a plain HTML form without JavaScript (errors come
//! back in the URL) and as an in-page request once hydrated. The server
//! functions check the role themselves; these pages only show what they get.

mod audit;
mod invite;
mod users;

pub use audit::AuditPage;
pub use invite::{InviteAcceptedPage, InvitePage};
pub use users::MembersPage;
