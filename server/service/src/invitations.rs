//! Invitations to join an organisation: how long a link lives, how many may
//! be sent, and the mail that carries the link.

use chrono::Duration;
use laurel::{Email, Role};

use crate::mail::{html_escape as escape, OutgoingMail};

/// How long an invitation link stays valid.
pub const INVITE_TTL: Duration = Duration::days(7);
/// Invitations (new and sent again) one organisation may send per hour.
pub const INVITES_PER_HOUR: i64 = 20;

/// Counts one invitation mail (new or sent again): against
/// [`INVITES_PER_HOUR`], and against a new organisation's daily mail limit
/// (`crate::sending`).
pub async fn count(
    store: &laurel_store::Store,
    organisation_id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), crate::ServiceError> {
    crate::accounts::rate_limit(
        store,
        &format!("invite:org:{organisation_id}"),
        INVITES_PER_HOUR,
        3600,
    )
    .await?;
    crate::sending::count_mail(store, organisation_id, now).await
}

/// The invitation mail: who invites, to which organisation and role, and
/// the single-use link.
pub fn invitation_mail(
    to: &Email,
    inviter: &str,
    organisation_name: &str,
    role: Role,
    link: &str,
) -> OutgoingMail {
    let role_text = match role {
        Role::Privileged => {
            "a privileged user (issue badges, edit templates, manage users and billing)"
        }
        Role::Regular => "a regular user (issue badges and edit templates)",
    };
    OutgoingMail {
        to: to.clone(),
        subject: format!("{inviter} invited you to {organisation_name} on Laurel"),
        text: format!(
            "Hello,\n\n{inviter} invited you to join {organisation_name} on Laurel as {role_text}.\n\n\
             Open this link within 7 days to accept. If you already have a Laurel account, \
             you accept with its password; otherwise you choose one:\n\n{link}\n\n\
             The link works once. If you did not expect this invitation, ignore this mail.\n\n— Laurel\n"
        ),
        html: format!(
            "<p>Hello,</p><p>{inviter} invited you to join <strong>{organisation}</strong> on Laurel as {role_text}.</p>\
             <p><a href=\"{link}\">Accept the invitation</a></p>\
             <p>If you already have a Laurel account, you accept with its password; otherwise you choose one. \
             The link works once, for 7 days. If you did not expect this invitation, ignore this mail.</p><p>— Laurel</p>",
            inviter = escape(inviter),
            organisation = escape(organisation_name),
            link = escape(link),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_escapes_names_in_html() {
        let to = Email::parse("bo@example.org").unwrap();
        let mail = invitation_mail(
            &to,
            "Ada <script>",
            "R&D \"Lab\"",
            Role::Regular,
            "http://x/invite?token=a",
        );
        assert!(mail.html.contains("Ada &lt;script&gt;"));
        assert!(mail.html.contains("R&amp;D &quot;Lab&quot;"));
        assert!(!mail.html.contains("<script>"));
        assert!(mail.text.contains("http://x/invite?token=a"));
        assert!(mail.text.contains("regular user"));
        assert_eq!(
            mail.subject,
            "Ada <script> invited you to R&D \"Lab\" on Laurel"
        );
    }
}
