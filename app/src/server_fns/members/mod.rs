//! An organisation's people: members and roles, invitations, the audit log.
//! Each file holds one server function, answered at `/api/members/<file name>`.

pub mod accept_invite;
pub mod accept_invite_existing;
pub mod change_role;
pub mod check_invite;
pub mod get_audit_log;
pub mod get_members;
pub mod invite_member;
pub mod remove_member;
pub mod resend_invitation;
pub mod revoke_invitation;
