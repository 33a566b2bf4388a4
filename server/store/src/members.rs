//! An organisation's people: members and their roles, invitations (emailed
//! tokens of purpose `invite`), and the organisation's view of the audit log.
//!
//! Every change that could leave an organisation without a privileged user
//! (a demotion, a removal) first takes the organisation's write lock — an
//! `UPDATE` of its row, which PostgreSQL serialises per row and SQLite per
//! database — and then counts the privileged members inside the same
//! transaction, so two concurrent demotions of the last two privileged users
//! cannot both succeed. The guarded statement repeats the count in its own
//! `WHERE` as a second lock.

use chrono::{DateTime, Utc};
use laurel::AuditEvent;
use laurel::Role;

use super::accounts::{EmailToken, Membership, TokenProblem, TokenPurpose, User};
use super::audit::{bind_audit, Audit, INSERT_AUDIT_SQL};
use super::sessions::{bind_session, NewSession, INSERT_SESSION_SQL};
use super::{with_pool, Store, StoreError};
use crate::BeginWrite as _;

/// One member of an organisation, for the user list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Member {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

/// An invitation that has not been accepted (it may have expired).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Invitation {
    pub id: i64,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// What the person who opened an invitation link is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationDetails {
    pub email: String,
    pub role: Role,
    pub organisation_id: i64,
    pub subdomain: String,
    pub organisation_name: String,
    /// The invited address already has a Laurel account: accept with its
    /// password instead of choosing one.
    pub has_account: bool,
}

/// One line of an organisation's audit log.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    /// The acting user's email; empty when no user is known (a failed
    /// sign-in names the address tried in `detail`).
    pub actor: String,
    pub event: String,
    pub detail: String,
    pub ip: String,
}

/// Why a change to the members was refused; each a sentence for the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberProblem {
    /// The user is not a member of this organisation.
    NotMember,
    /// The change would leave the organisation without a privileged user.
    LastPrivileged,
    /// The invited address already belongs to a member.
    AlreadyMember,
    /// The invitation was accepted, revoked or replaced meanwhile.
    InvitationGone,
}

impl MemberProblem {
    pub fn message(self) -> &'static str {
        match self {
            MemberProblem::NotMember => "That person is not a member of this organisation.",
            MemberProblem::LastPrivileged => {
                "An organisation needs at least one privileged user: make someone else privileged first."
            }
            MemberProblem::AlreadyMember => "That person is already a member of this organisation.",
            MemberProblem::InvitationGone => {
                "That invitation is no longer pending: it was accepted, revoked or sent again."
            }
        }
    }
}

/// Why an invitation could not be accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptProblem {
    Token(TokenProblem),
    /// Someone chose a password for a new account, but the address has one.
    AccountExists,
    /// The existing account given is not the invited address's.
    WrongAccount,
}

impl AcceptProblem {
    pub fn message(self) -> &'static str {
        match self {
            AcceptProblem::Token(t) => t.message(),
            AcceptProblem::AccountExists => {
                "This address already has a Laurel account: open the link again and accept with that account's password."
            }
            AcceptProblem::WrongAccount => "This invitation is for another address.",
        }
    }
}

/// A new invitation: the token, the mail that carries it and the audit line
/// are written in one transaction.
#[derive(Debug, Clone)]
pub struct NewInvitation<'a> {
    pub organisation_id: i64,
    pub email: &'a str,
    pub role: Role,
    pub token_hash: &'a str,
    pub expires_at: DateTime<Utc>,
    pub mail_job: &'a serde_json::Value,
    pub actor_id: i64,
    pub ip: &'a str,
}

/// A new session to start in the transaction that accepts an invitation.
#[derive(Debug, Clone)]
pub struct InviteSession<'a> {
    pub session_hash: &'a str,
    pub expires_at: DateTime<Utc>,
    pub ip: &'a str,
    pub user_agent: &'a str,
    /// The session the browser had, ended (the ID rotates).
    pub replacing: Option<&'a str>,
}

impl<'a> InviteSession<'a> {
    fn new_session(&self) -> NewSession<'a> {
        NewSession {
            session_hash: self.session_hash,
            expires_at: self.expires_at,
            ip: self.ip,
            user_agent: self.user_agent,
        }
    }
}

/// Accepting an invitation as a new person: the account to create.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub display_name: &'a str,
    pub password_hash: &'a str,
}

/// What a role change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleChange {
    pub email: String,
    pub old_role: Role,
    pub new_role: Role,
    /// Sessions of the member ended because they gained privileges.
    pub sessions_ended: u64,
}

const INVITATION_COLUMNS: &str =
    "id, email, COALESCE(role, 'regular') AS role, expires_at, created_at";

/// Takes the organisation's write lock for the rest of the transaction (see
/// the module documentation); affects no row when there is no such
/// organisation.
const LOCK_ORGANISATION_SQL: &str = "UPDATE organisations SET name = name WHERE id = $1";

impl Store {
    /// The user's membership in the organisation with this subdomain.
    pub async fn membership_in(
        &self,
        user_id: i64,
        subdomain: &str,
    ) -> Result<Option<Membership>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Membership>(
                "SELECT m.organisation_id, o.subdomain, o.name AS organisation_name, m.role \
                 FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
                 WHERE m.user_id = $1 AND o.subdomain = $2",
            )
            .bind(user_id)
            .bind(subdomain)
            .fetch_optional(p)
            .await
        })?)
    }

    /// The organisation's members, privileged first, then by email.
    pub async fn members(&self, organisation_id: i64) -> Result<Vec<Member>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Member>(
                "SELECT u.id AS user_id, u.email, u.display_name, m.role, m.created_at \
                 FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.organisation_id = $1 \
                 ORDER BY CASE m.role WHEN 'privileged' THEN 0 ELSE 1 END, u.email",
            )
            .bind(organisation_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Invitations of the organisation not accepted yet (expired ones too,
    /// so they can be sent again), newest first.
    pub async fn pending_invitations(
        &self,
        organisation_id: i64,
    ) -> Result<Vec<Invitation>, StoreError> {
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM email_tokens \
             WHERE organisation_id = $1 AND purpose = 'invite' AND used_at IS NULL \
             ORDER BY id DESC"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Invitation>(&sql)
                .bind(organisation_id)
                .fetch_all(p)
                .await
        })?)
    }

    /// One pending invitation of the organisation.
    pub async fn pending_invitation(
        &self,
        organisation_id: i64,
        invitation_id: i64,
    ) -> Result<Option<Invitation>, StoreError> {
        let sql = format!(
            "SELECT {INVITATION_COLUMNS} FROM email_tokens \
             WHERE id = $1 AND organisation_id = $2 AND purpose = 'invite' AND used_at IS NULL"
        );
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, Invitation>(&sql)
                .bind(invitation_id)
                .bind(organisation_id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Invites `email`: replaces any pending invitation of the same address
    /// to the same organisation, stores the token, queues its mail and logs
    /// it — all or nothing. Refused when the address is a member already.
    pub async fn create_invitation(
        &self,
        i: &NewInvitation<'_>,
    ) -> Result<Result<i64, MemberProblem>, StoreError> {
        let now = Utc::now();
        let payload = i.mail_job.to_string();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            // A write first, so that SQLite takes its write lock before this
            // transaction reads anything (no stale snapshot to upgrade).
            sqlx::query(
                "DELETE FROM email_tokens \
                 WHERE organisation_id = $1 AND email = $2 AND purpose = 'invite' AND used_at IS NULL",
            )
            .bind(i.organisation_id)
            .bind(i.email)
            .execute(&mut *tx)
            .await?;
            let member = sqlx::query_scalar::<_, i64>(
                "SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.organisation_id = $1 AND u.email = $2",
            )
            .bind(i.organisation_id)
            .bind(i.email)
            .fetch_optional(&mut *tx)
            .await?;
            if member.is_some() {
                tx.rollback().await?;
                return Ok(Err(MemberProblem::AlreadyMember));
            }
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO email_tokens (token_hash, purpose, email, organisation_id, role, expires_at, created_at) \
                 VALUES ($1, 'invite', $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(i.token_hash)
            .bind(i.email)
            .bind(i.organisation_id)
            .bind(i.role.as_str())
            .bind(i.expires_at)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            super::jobs::bind_job(sqlx::query(super::jobs::INSERT_JOB_SQL), super::jobs::MAIL_QUEUE, &payload, now)
                .execute(&mut *tx)
                .await?;
            bind_audit(
                sqlx::query(INSERT_AUDIT_SQL),
                Audit {
                    organisation_id: Some(i.organisation_id),
                    user_id: Some(i.actor_id),
                    event: AuditEvent::MemberInvited,
                    detail: format!("{} as {}", i.email, i.role),
                    ip: i.ip,
                },
                now,
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Ok(id))
        })
    }

    /// Sends a pending invitation again: the old token stops working, a new
    /// one (with its mail) replaces it, in one transaction. `mail_job` must
    /// carry the new token to the invitation's address.
    #[allow(clippy::too_many_arguments)]
    pub async fn resend_invitation(
        &self,
        organisation_id: i64,
        invitation_id: i64,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        mail_job: &serde_json::Value,
        actor_id: i64,
        ip: &str,
    ) -> Result<Result<i64, MemberProblem>, StoreError> {
        let now = Utc::now();
        let payload = mail_job.to_string();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let old = sqlx::query_as::<_, (String, String)>(
                "DELETE FROM email_tokens \
                 WHERE id = $1 AND organisation_id = $2 AND purpose = 'invite' AND used_at IS NULL \
                 RETURNING email, COALESCE(role, 'regular')",
            )
            .bind(invitation_id)
            .bind(organisation_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((email, role)) = old else {
                tx.rollback().await?;
                return Ok(Err(MemberProblem::InvitationGone));
            };
            let id = sqlx::query_scalar::<_, i64>(
                "INSERT INTO email_tokens (token_hash, purpose, email, organisation_id, role, expires_at, created_at) \
                 VALUES ($1, 'invite', $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(token_hash)
            .bind(&email)
            .bind(organisation_id)
            .bind(&role)
            .bind(expires_at)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            super::jobs::bind_job(sqlx::query(super::jobs::INSERT_JOB_SQL), super::jobs::MAIL_QUEUE, &payload, now)
                .execute(&mut *tx)
                .await?;
            bind_audit(
                sqlx::query(INSERT_AUDIT_SQL),
                Audit {
                    organisation_id: Some(organisation_id),
                    user_id: Some(actor_id),
                    event: AuditEvent::InvitationResent,
                    detail: format!("{email} as {role}"),
                    ip,
                },
                now,
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Ok(id))
        })
    }

    /// Withdraws a pending invitation: its link stops working.
    pub async fn revoke_invitation(
        &self,
        organisation_id: i64,
        invitation_id: i64,
        actor_id: i64,
        ip: &str,
    ) -> Result<Result<(), MemberProblem>, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let email = sqlx::query_scalar::<_, String>(
                "DELETE FROM email_tokens \
                 WHERE id = $1 AND organisation_id = $2 AND purpose = 'invite' AND used_at IS NULL \
                 RETURNING email",
            )
            .bind(invitation_id)
            .bind(organisation_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(email) = email else {
                tx.rollback().await?;
                return Ok(Err(MemberProblem::InvitationGone));
            };
            bind_audit(
                sqlx::query(INSERT_AUDIT_SQL),
                Audit {
                    organisation_id: Some(organisation_id),
                    user_id: Some(actor_id),
                    event: AuditEvent::InvitationRevoked,
                    detail: email.to_owned(),
                    ip,
                },
                now,
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Ok(()))
        })
    }

    /// What an invitation link offers, if it can still be used.
    pub async fn invitation_details(
        &self,
        token_hash: &str,
    ) -> Result<Result<InvitationDetails, TokenProblem>, StoreError> {
        let token = match self.usable_token(TokenPurpose::Invite, token_hash).await? {
            Ok(t) => t,
            Err(problem) => return Ok(Err(problem)),
        };
        let Some(organisation_id) = token.organisation_id else {
            return Ok(Err(TokenProblem::Unknown));
        };
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, (String, String, bool)>(
                "SELECT o.subdomain, o.name, EXISTS (SELECT 1 FROM users u WHERE u.email = $2) \
                 FROM organisations o WHERE o.id = $1",
            )
            .bind(organisation_id)
            .bind(&token.email)
            .fetch_optional(p)
            .await
        })?;
        let Some((subdomain, organisation_name, has_account)) = row else {
            return Ok(Err(TokenProblem::Unknown));
        };
        Ok(Ok(InvitationDetails {
            role: token
                .role
                .as_deref()
                .unwrap_or_default()
                .parse()
                .unwrap_or(Role::Regular),
            email: token.email,
            organisation_id,
            subdomain,
            organisation_name,
            has_account,
        }))
    }

    /// Accepts an invitation as a new person: uses the token, creates the
    /// account, the membership with the invited role and a session — all or
    /// nothing. An address that has an account meanwhile is refused, and the
    /// link stays usable (to accept with that account's password).
    pub async fn accept_invitation_new(
        &self,
        token_hash: &str,
        account: &NewAccount<'_>,
        session: &InviteSession<'_>,
    ) -> Result<Result<(Membership, User), AcceptProblem>, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let token = sqlx::query_as::<_, EmailToken>(
                "UPDATE email_tokens SET used_at = $1 \
                 WHERE token_hash = $2 AND purpose = 'invite' AND used_at IS NULL AND expires_at > $1 \
                 RETURNING id, email, organisation_id, role, expires_at, used_at",
            )
            .bind(now)
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((token, organisation_id)) = token.and_then(|t| t.organisation_id.map(|o| (t, o))) else {
                tx.rollback().await?;
                let problem = self.usable_token(TokenPurpose::Invite, token_hash).await?.err();
                return Ok(Err(AcceptProblem::Token(problem.unwrap_or(TokenProblem::Unknown))));
            };
            let role = token.role.as_deref().unwrap_or_default().parse().unwrap_or(Role::Regular);
            let user = sqlx::query_as::<_, User>(super::accounts::INSERT_USER_SQL)
                .bind(&token.email)
                .bind(account.password_hash)
                .bind(account.display_name)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await;
            let user = match user {
                Ok(Some(user)) => user,
                // The address is an account's own, or another account's
                // confirmed further address: sign in with that account.
                Ok(None) => {
                    tx.rollback().await?;
                    return Ok(Err(AcceptProblem::AccountExists));
                }
                Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                    tx.rollback().await?;
                    return Ok(Err(AcceptProblem::AccountExists));
                }
                Err(e) => return Err(e.into()),
            };
            sqlx::query(
                "INSERT INTO memberships (organisation_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(organisation_id)
            .bind(user.id)
            .bind(role.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if let Some(old) = session.replacing {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                    .bind(old)
                    .execute(&mut *tx)
                    .await?;
            }
            bind_session(sqlx::query(INSERT_SESSION_SQL), &session.new_session(), user.id, now)
                .execute(&mut *tx)
            .await?;
            bind_audit(
                sqlx::query(INSERT_AUDIT_SQL),
                Audit {
                    organisation_id: Some(organisation_id),
                    user_id: Some(user.id),
                    event: AuditEvent::InvitationAccepted,
                    detail: format!("{} as {role} (new account)", token.email),
                    ip: session.ip,
                },
                now,
            )
            .execute(&mut *tx)
            .await?;
            let membership = sqlx::query_as::<_, Membership>(
                "SELECT m.organisation_id, o.subdomain, o.name AS organisation_name, m.role \
                 FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
                 WHERE m.organisation_id = $1 AND m.user_id = $2",
            )
            .bind(organisation_id)
            .bind(user.id)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Ok((membership, user)))
        })
    }

    /// Accepts an invitation with an existing account (whose password the
    /// caller has checked): uses the token and adds the membership (a member
    /// already keeps their role). Joining is a gain of privilege, so every
    /// session the account had ends in the same transaction; `session`, when
    /// given, is the fresh one that replaces the browser's.
    pub async fn accept_invitation_existing(
        &self,
        token_hash: &str,
        user_id: i64,
        session: Option<&InviteSession<'_>>,
        ip: &str,
    ) -> Result<Result<Membership, AcceptProblem>, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            let token = sqlx::query_as::<_, EmailToken>(
                "UPDATE email_tokens SET used_at = $1 \
                 WHERE token_hash = $2 AND purpose = 'invite' AND used_at IS NULL AND expires_at > $1 \
                 RETURNING id, email, organisation_id, role, expires_at, used_at",
            )
            .bind(now)
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((token, organisation_id)) = token.and_then(|t| t.organisation_id.map(|o| (t, o))) else {
                tx.rollback().await?;
                let problem = self.usable_token(TokenPurpose::Invite, token_hash).await?.err();
                return Ok(Err(AcceptProblem::Token(problem.unwrap_or(TokenProblem::Unknown))));
            };
            let owner = sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = $1")
                .bind(&token.email)
                .fetch_optional(&mut *tx)
                .await?;
            if owner != Some(user_id) {
                tx.rollback().await?;
                return Ok(Err(AcceptProblem::WrongAccount));
            }
            let role = token.role.as_deref().unwrap_or_default().parse().unwrap_or(Role::Regular);
            sqlx::query(
                "INSERT INTO memberships (organisation_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (organisation_id, user_id) DO NOTHING",
            )
            .bind(organisation_id)
            .bind(user_id)
            .bind(role.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            if let Some(session) = session {
                if let Some(old) = session.replacing {
                    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
                        .bind(old)
                        .execute(&mut *tx)
                        .await?;
                }
                bind_session(sqlx::query(INSERT_SESSION_SQL), &session.new_session(), user_id, now)
                    .execute(&mut *tx)
                .await?;
            }
            bind_audit(
                sqlx::query(INSERT_AUDIT_SQL),
                Audit {
                    organisation_id: Some(organisation_id),
                    user_id: Some(user_id),
                    event: AuditEvent::InvitationAccepted,
                    detail: format!("{} as {role} (existing account)", token.email),
                    ip,
                },
                now,
            )
            .execute(&mut *tx)
            .await?;
            let membership = sqlx::query_as::<_, Membership>(
                "SELECT m.organisation_id, o.subdomain, o.name AS organisation_name, m.role \
                 FROM memberships m JOIN organisations o ON o.id = m.organisation_id \
                 WHERE m.organisation_id = $1 AND m.user_id = $2",
            )
            .bind(organisation_id)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Ok(membership))
        })
    }

    /// Gives a member another role. Refuses to demote the last privileged
    /// member (race-free, see the module documentation). A promotion ends the
    /// member's sessions in the same transaction: sessions that existed
    /// before a gain of privilege never carry it (the member signs in again
    /// and gets a new session ID). Demotions take effect on the next request
    /// without ending sessions, since every request reads the membership.
    pub async fn change_role(
        &self,
        organisation_id: i64,
        user_id: i64,
        role: Role,
        actor_id: i64,
        ip: &str,
    ) -> Result<Result<RoleChange, MemberProblem>, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(LOCK_ORGANISATION_SQL)
                .bind(organisation_id)
                .execute(&mut *tx)
                .await?;
            let current = sqlx::query_as::<_, (String, String)>(
                "SELECT m.role, u.email FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.organisation_id = $1 AND m.user_id = $2",
            )
            .bind(organisation_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((old_role, email)) = current else {
                tx.rollback().await?;
                return Ok(Err(MemberProblem::NotMember));
            };
            let old_role: Role = old_role.parse().unwrap_or(Role::Regular);
            if old_role == role {
                tx.rollback().await?;
                return Ok(Ok(RoleChange { email, old_role, new_role: role, sessions_ended: 0 }));
            }
            let updated = sqlx::query(
                "UPDATE memberships SET role = $1 WHERE organisation_id = $2 AND user_id = $3 \
                 AND ($1 = 'privileged' OR (SELECT COUNT(*) FROM memberships \
                      WHERE organisation_id = $2 AND role = 'privileged' AND user_id <> $3) > 0)",
            )
            .bind(role.as_str())
            .bind(organisation_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 0 {
                tx.rollback().await?;
                return Ok(Err(MemberProblem::LastPrivileged));
            }
            let sessions_ended = if role > old_role {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            } else {
                0
            };
            bind_audit(
                sqlx::query(INSERT_AUDIT_SQL),
                Audit {
                    organisation_id: Some(organisation_id),
                    user_id: Some(actor_id),
                    event: AuditEvent::RoleChanged,
                    detail: format!("{email}: {old_role} → {role}"),
                    ip,
                },
                now,
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Ok(RoleChange { email, old_role, new_role: role, sessions_ended }))
        })
    }

    /// Removes a member from the organisation (their account stays).
    /// Refuses to remove the last privileged member. Returns their email.
    pub async fn remove_member(
        &self,
        organisation_id: i64,
        user_id: i64,
        actor_id: i64,
        ip: &str,
    ) -> Result<Result<String, MemberProblem>, StoreError> {
        let now = Utc::now();
        with_pool!(self, p => {
            let mut tx = p.begin_write().await?;
            sqlx::query(LOCK_ORGANISATION_SQL)
                .bind(organisation_id)
                .execute(&mut *tx)
                .await?;
            let email = sqlx::query_scalar::<_, String>(
                "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
                 WHERE m.organisation_id = $1 AND m.user_id = $2",
            )
            .bind(organisation_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(email) = email else {
                tx.rollback().await?;
                return Ok(Err(MemberProblem::NotMember));
            };
            let deleted = sqlx::query(
                "DELETE FROM memberships WHERE organisation_id = $1 AND user_id = $2 \
                 AND (role <> 'privileged' OR (SELECT COUNT(*) FROM memberships \
                      WHERE organisation_id = $1 AND role = 'privileged' AND user_id <> $2) > 0)",
            )
            .bind(organisation_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if deleted == 0 {
                tx.rollback().await?;
                return Ok(Err(MemberProblem::LastPrivileged));
            }
            bind_audit(
                sqlx::query(INSERT_AUDIT_SQL),
                Audit {
                    organisation_id: Some(organisation_id),
                    user_id: Some(actor_id),
                    event: AuditEvent::MemberRemoved,
                    detail: email.to_owned(),
                    ip,
                },
                now,
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Ok(email))
        })
    }

    /// The organisation's audit log, newest first, `limit` entries with an
    /// id below `before`: the organisation's own events, and the account
    /// events (sign-in, lock-out, …, written without an organisation) of its
    /// current members — by user id, or, when no user was known, by the
    /// address tried.
    pub async fn organisation_audit(
        &self,
        organisation_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, AuditEntry>(
                "SELECT a.id, a.created_at, COALESCE(u.email, '') AS actor, a.event, a.detail, a.ip \
                 FROM audit_log a LEFT JOIN users u ON u.id = a.user_id \
                 WHERE a.id < $2 AND ( \
                   a.organisation_id = $1 \
                   OR (a.organisation_id IS NULL AND a.user_id IN \
                       (SELECT user_id FROM memberships WHERE organisation_id = $1)) \
                   OR (a.organisation_id IS NULL AND a.user_id IS NULL AND a.detail IN \
                       (SELECT mu.email FROM memberships mm JOIN users mu ON mu.id = mm.user_id \
                        WHERE mm.organisation_id = $1)) \
                 ) \
                 ORDER BY a.id DESC LIMIT $3",
            )
            .bind(organisation_id)
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(p)
            .await
        })?)
    }
}
