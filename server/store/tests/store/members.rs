//! Organisation members, roles, invitations and the organisation's audit
//! log, against a real SQLite file and a real PostgreSQL database (fresh for
//! each test, dropped afterwards).

use chrono::{Duration, Utc};
use laurel::AuditEvent;
use laurel::Role;
use laurel_store::on_both_backends;
use laurel_store::{
    AcceptProblem, Activation, Audit, InviteSession, MemberProblem, NewAccount, NewInvitation,
    Store, TokenProblem, TokenPurpose, User, MAIL_QUEUE,
};

on_both_backends!(invitations_on_sqlite, invitations_on_postgres, invitations);
on_both_backends!(roles_on_sqlite, roles_on_postgres, roles);
on_both_backends!(
    concurrent_demotions_on_sqlite,
    concurrent_demotions_on_postgres,
    concurrent_demotions
);
on_both_backends!(audit_on_sqlite, audit_on_postgres, audit);

fn mail() -> serde_json::Value {
    serde_json::json!({"to": "x@example.org", "subject": "s", "text": "t", "html": "h"})
}

/// A new organisation with its first (privileged) user, as activation makes
/// them.
async fn organisation(store: &Store, subdomain: &str, email: &str) -> (i64, User) {
    let token = format!("signup-{subdomain}");
    store
        .create_email_token(
            TokenPurpose::Signup,
            email,
            &token,
            Utc::now() + Duration::hours(1),
            None,
            None,
            &mail(),
        )
        .await
        .unwrap();
    let session = format!("session-{subdomain}");
    let (org, user) = store
        .activate_signup(&Activation {
            token_hash: &token,
            organisation_name: &format!("Org {subdomain}"),
            subdomain,
            contact_name: "Contact",
            contact_phone: "",
            password_hash: "$argon2id$fake",
            session_hash: &session,
            session_expires: Utc::now() + Duration::days(1),
            ip: "10.0.0.1",
            user_agent: "test",
        })
        .await
        .unwrap()
        .unwrap();
    (org.id, user)
}

fn invitation<'a>(
    org: i64,
    email: &'a str,
    role: Role,
    token: &'a str,
    actor: i64,
) -> NewInvitation<'a> {
    static MAIL: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    NewInvitation {
        organisation_id: org,
        email,
        role,
        token_hash: token,
        expires_at: Utc::now() + Duration::days(7),
        mail_job: MAIL.get_or_init(mail),
        actor_id: actor,
        ip: "10.0.0.2",
    }
}

fn session(hash: &str) -> InviteSession<'_> {
    InviteSession {
        session_hash: hash,
        expires_at: Utc::now() + Duration::days(1),
        ip: "10.0.0.3",
        user_agent: "test",
        replacing: None,
    }
}

fn account() -> NewAccount<'static> {
    NewAccount {
        display_name: "Cy Newcomer",
        password_hash: "$argon2id$fake-cy",
    }
}

/// Joins the organisation through an invitation as a new account.
async fn join(store: &Store, org: i64, actor: i64, email: &str, role: Role) -> User {
    let token = format!("join-{email}");
    store
        .create_invitation(&invitation(org, email, role, &token, actor))
        .await
        .unwrap()
        .unwrap();
    let session_hash = format!("join-session-{email}");
    store
        .accept_invitation_new(&token, &account(), &session(&session_hash))
        .await
        .unwrap()
        .unwrap()
        .1
}

async fn invitations(store: &Store) {
    let (a, ada) = organisation(store, "org-a", "ada@a.example").await;
    let (b, bob) = organisation(store, "org-b", "bob@b.example").await;
    let mails = store.count_pending(MAIL_QUEUE).await.unwrap();

    // An invitation: its token, its mail and its audit line.
    let first = store
        .create_invitation(&invitation(
            a,
            "cy@a.example",
            Role::Regular,
            "inv-1",
            ada.id,
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.count_pending(MAIL_QUEUE).await.unwrap(),
        mails + 1,
        "the mail is queued with it"
    );
    let pending = store.pending_invitations(a).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        (
            pending[0].id,
            pending[0].email.as_str(),
            pending[0].role.as_str()
        ),
        (first, "cy@a.example", "regular")
    );
    let details = store.invitation_details("inv-1").await.unwrap().unwrap();
    assert_eq!(details.email, "cy@a.example");
    assert_eq!(details.role, Role::Regular);
    assert_eq!(details.organisation_id, a);
    assert_eq!(details.subdomain, "org-a");
    assert_eq!(details.organisation_name, "Org org-a");
    assert!(!details.has_account);

    // Organisation B sees none of it and cannot touch it.
    assert!(store.pending_invitations(b).await.unwrap().is_empty());
    assert_eq!(store.pending_invitation(b, first).await.unwrap(), None);
    assert_eq!(
        store
            .revoke_invitation(b, first, bob.id, "ip")
            .await
            .unwrap()
            .unwrap_err(),
        MemberProblem::InvitationGone
    );
    assert_eq!(
        store
            .resend_invitation(
                b,
                first,
                "inv-stolen",
                Utc::now() + Duration::days(7),
                &mail(),
                bob.id,
                "ip"
            )
            .await
            .unwrap()
            .unwrap_err(),
        MemberProblem::InvitationGone
    );
    assert!(store
        .invitation_details("inv-stolen")
        .await
        .unwrap()
        .is_err());
    assert!(
        store.invitation_details("inv-1").await.unwrap().is_ok(),
        "B's attempts changed nothing"
    );

    // Inviting the same address again replaces the pending invitation.
    let second = store
        .create_invitation(&invitation(
            a,
            "cy@a.example",
            Role::Regular,
            "inv-2",
            ada.id,
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .invitation_details("inv-1")
            .await
            .unwrap()
            .unwrap_err(),
        TokenProblem::Unknown
    );
    assert_eq!(store.pending_invitations(a).await.unwrap().len(), 1);

    // Resend: a new token and mail; the old link stops working.
    let before = store.count_pending(MAIL_QUEUE).await.unwrap();
    let third = store
        .resend_invitation(
            a,
            second,
            "inv-3",
            Utc::now() + Duration::days(7),
            &mail(),
            ada.id,
            "ip",
        )
        .await
        .unwrap()
        .unwrap();
    assert_ne!(third, second);
    assert_eq!(store.count_pending(MAIL_QUEUE).await.unwrap(), before + 1);
    assert_eq!(
        store
            .invitation_details("inv-2")
            .await
            .unwrap()
            .unwrap_err(),
        TokenProblem::Unknown
    );
    assert_eq!(
        store
            .pending_invitation(a, third)
            .await
            .unwrap()
            .unwrap()
            .email,
        "cy@a.example"
    );

    // Accept as a new person: account, membership, session at once.
    let (membership, cy) = store
        .accept_invitation_new("inv-3", &account(), &session("s-cy"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(membership.organisation_id, a);
    assert_eq!(membership.role, Role::Regular);
    assert_eq!(cy.email, "cy@a.example");
    assert_eq!(cy.display_name, "Cy Newcomer");
    assert_eq!(
        store.session_user("s-cy").await.unwrap().unwrap().user_id,
        cy.id
    );
    assert_eq!(
        store
            .membership_in(cy.id, "org-a")
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Regular
    );
    assert_eq!(store.membership_in(cy.id, "org-b").await.unwrap(), None);
    assert!(
        store.pending_invitations(a).await.unwrap().is_empty(),
        "accepted is no longer pending"
    );
    // A link works once.
    assert_eq!(
        store
            .accept_invitation_new("inv-3", &account(), &session("s-cy-2"))
            .await
            .unwrap()
            .unwrap_err(),
        AcceptProblem::Token(TokenProblem::Used)
    );
    assert_eq!(
        store
            .invitation_details("inv-3")
            .await
            .unwrap()
            .unwrap_err(),
        TokenProblem::Used
    );
    assert!(store.session_user("s-cy-2").await.unwrap().is_none());

    // A member cannot be invited again; nothing is written, no mail queued.
    let before = store.count_pending(MAIL_QUEUE).await.unwrap();
    assert_eq!(
        store
            .create_invitation(&invitation(
                a,
                "cy@a.example",
                Role::Privileged,
                "inv-again",
                ada.id
            ))
            .await
            .unwrap()
            .unwrap_err(),
        MemberProblem::AlreadyMember
    );
    assert_eq!(store.count_pending(MAIL_QUEUE).await.unwrap(), before);
    assert!(store
        .invitation_details("inv-again")
        .await
        .unwrap()
        .is_err());

    // Expired and unknown links.
    let mut late = invitation(a, "dee@a.example", Role::Regular, "inv-late", ada.id);
    late.expires_at = Utc::now() - Duration::seconds(1);
    store.create_invitation(&late).await.unwrap().unwrap();
    assert_eq!(
        store
            .invitation_details("inv-late")
            .await
            .unwrap()
            .unwrap_err(),
        TokenProblem::Expired
    );
    assert_eq!(
        store
            .accept_invitation_new("inv-late", &account(), &session("s-dee"))
            .await
            .unwrap()
            .unwrap_err(),
        AcceptProblem::Token(TokenProblem::Expired)
    );
    assert!(
        store
            .user_by_email("dee@a.example")
            .await
            .unwrap()
            .is_none(),
        "no partial account"
    );
    assert_eq!(
        store
            .accept_invitation_new("nope", &account(), &session("s-x"))
            .await
            .unwrap()
            .unwrap_err(),
        AcceptProblem::Token(TokenProblem::Unknown)
    );
    // An expired invitation stays listed (to be sent again) until revoked.
    let late_id = store.pending_invitations(a).await.unwrap()[0].id;
    store
        .revoke_invitation(a, late_id, ada.id, "ip")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .invitation_details("inv-late")
            .await
            .unwrap()
            .unwrap_err(),
        TokenProblem::Unknown
    );
    assert_eq!(
        store
            .revoke_invitation(a, late_id, ada.id, "ip")
            .await
            .unwrap()
            .unwrap_err(),
        MemberProblem::InvitationGone
    );
    assert!(store.pending_invitations(a).await.unwrap().is_empty());

    // Accept with an existing account (Bob, privileged in B, joins A).
    store
        .create_invitation(&invitation(
            a,
            "bob@b.example",
            Role::Regular,
            "inv-bob",
            ada.id,
        ))
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .invitation_details("inv-bob")
            .await
            .unwrap()
            .unwrap()
            .has_account
    );
    assert_eq!(
        store
            .accept_invitation_new("inv-bob", &account(), &session("s-bob-x"))
            .await
            .unwrap()
            .unwrap_err(),
        AcceptProblem::AccountExists,
        "no second account for an address"
    );
    assert_eq!(
        store
            .user_by_email("bob@b.example")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "$argon2id$fake"
    );
    assert_eq!(
        store
            .accept_invitation_existing("inv-bob", cy.id, None, "ip")
            .await
            .unwrap()
            .unwrap_err(),
        AcceptProblem::WrongAccount
    );
    assert!(
        store.invitation_details("inv-bob").await.unwrap().is_ok(),
        "refusals leave the link usable"
    );
    assert!(store.session_user("session-org-b").await.unwrap().is_some());
    let joined = store
        .accept_invitation_existing("inv-bob", bob.id, Some(&session("s-bob-new")), "ip")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (joined.organisation_id, joined.role.as_str()),
        (a, "regular")
    );
    let roles: Vec<_> = store
        .memberships(bob.id)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.subdomain, m.role))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("org-a".to_owned(), Role::Regular),
            ("org-b".to_owned(), Role::Privileged)
        ],
        "one account, roles in two organisations"
    );
    assert!(
        store.session_user("session-org-b").await.unwrap().is_none(),
        "joining ends earlier sessions"
    );
    assert_eq!(
        store
            .session_user("s-bob-new")
            .await
            .unwrap()
            .unwrap()
            .user_id,
        bob.id
    );
    assert_eq!(
        store
            .accept_invitation_existing("inv-bob", bob.id, None, "ip")
            .await
            .unwrap()
            .unwrap_err(),
        AcceptProblem::Token(TokenProblem::Used)
    );
    // Without a session to start, joining still ends the old ones.
    let (c, carl) = organisation(store, "org-c", "carl@c.example").await;
    store
        .create_invitation(&invitation(
            c,
            "cy@a.example",
            Role::Privileged,
            "inv-cy-c",
            carl.id,
        ))
        .await
        .unwrap()
        .unwrap();
    store
        .accept_invitation_existing("inv-cy-c", cy.id, None, "ip")
        .await
        .unwrap()
        .unwrap();
    assert!(store.session_user("s-cy").await.unwrap().is_none());
    assert_eq!(
        store
            .membership_in(cy.id, "org-c")
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Privileged
    );

    // The member list of each organisation holds its own people only.
    let emails = |members: Vec<laurel_store::Member>| {
        members.into_iter().map(|m| m.email).collect::<Vec<_>>()
    };
    assert_eq!(
        emails(store.members(a).await.unwrap()),
        ["ada@a.example", "bob@b.example", "cy@a.example"]
    );
    assert_eq!(emails(store.members(b).await.unwrap()), ["bob@b.example"]);
}

async fn roles(store: &Store) {
    let (a, ada) = organisation(store, "org-a", "ada@a.example").await;
    let (b, bob) = organisation(store, "org-b", "bob@b.example").await;
    let cy = join(store, a, ada.id, "cy@a.example", Role::Regular).await;

    // The only privileged member can be neither demoted nor removed.
    assert_eq!(
        store
            .change_role(a, ada.id, Role::Regular, ada.id, "ip")
            .await
            .unwrap()
            .unwrap_err(),
        MemberProblem::LastPrivileged
    );
    assert_eq!(
        store
            .remove_member(a, ada.id, ada.id, "ip")
            .await
            .unwrap()
            .unwrap_err(),
        MemberProblem::LastPrivileged
    );
    assert_eq!(
        store
            .membership_in(ada.id, "org-a")
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Privileged
    );

    // A promotion ends the member's sessions (a new ID at the next sign-in).
    assert!(store
        .session_user("join-session-cy@a.example")
        .await
        .unwrap()
        .is_some());
    let change = store
        .change_role(a, cy.id, Role::Privileged, ada.id, "ip")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (change.old_role, change.new_role, change.sessions_ended),
        (Role::Regular, Role::Privileged, 1)
    );
    assert_eq!(change.email, "cy@a.example");
    assert!(store
        .session_user("join-session-cy@a.example")
        .await
        .unwrap()
        .is_none());
    // The same role again changes nothing.
    let same = store
        .change_role(a, cy.id, Role::Privileged, ada.id, "ip")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (same.old_role, same.new_role, same.sessions_ended),
        (Role::Privileged, Role::Privileged, 0)
    );

    // With two privileged members, one may step down; then the other is last.
    store
        .create_session(
            ada.id,
            "s-ada",
            Utc::now() + Duration::days(1),
            "ip",
            "ua",
            None,
        )
        .await
        .unwrap();
    let down = store
        .change_role(a, ada.id, Role::Regular, ada.id, "ip")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        down.sessions_ended, 0,
        "a demotion needs no new session: every request reads the role"
    );
    assert!(store.session_user("s-ada").await.unwrap().is_some());
    assert_eq!(
        store
            .change_role(a, cy.id, Role::Regular, ada.id, "ip")
            .await
            .unwrap()
            .unwrap_err(),
        MemberProblem::LastPrivileged
    );
    assert_eq!(
        store
            .remove_member(a, cy.id, cy.id, "ip")
            .await
            .unwrap()
            .unwrap_err(),
        MemberProblem::LastPrivileged
    );

    // Removal: the membership goes, the account stays.
    assert_eq!(
        store
            .remove_member(a, ada.id, cy.id, "ip")
            .await
            .unwrap()
            .unwrap(),
        "ada@a.example"
    );
    assert_eq!(store.membership_in(ada.id, "org-a").await.unwrap(), None);
    assert!(store
        .user_by_email("ada@a.example")
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        store
            .remove_member(a, ada.id, cy.id, "ip")
            .await
            .unwrap()
            .unwrap_err(),
        MemberProblem::NotMember
    );
    assert_eq!(
        store
            .change_role(a, ada.id, Role::Privileged, cy.id, "ip")
            .await
            .unwrap()
            .unwrap_err(),
        MemberProblem::NotMember
    );

    // Organisation isolation: B's ids cannot reach A's members, nor the reverse.
    assert_eq!(
        store
            .change_role(b, cy.id, Role::Regular, bob.id, "ip")
            .await
            .unwrap()
            .unwrap_err(),
        MemberProblem::NotMember
    );
    assert_eq!(
        store
            .remove_member(b, cy.id, bob.id, "ip")
            .await
            .unwrap()
            .unwrap_err(),
        MemberProblem::NotMember
    );
    assert_eq!(
        store
            .remove_member(a, bob.id, cy.id, "ip")
            .await
            .unwrap()
            .unwrap_err(),
        MemberProblem::NotMember
    );
    assert_eq!(
        store
            .membership_in(cy.id, "org-a")
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Privileged
    );
    assert_eq!(
        store
            .membership_in(bob.id, "org-b")
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Privileged
    );
    assert_eq!(store.membership_in(bob.id, "org-a").await.unwrap(), None);
    assert_eq!(
        store.membership_in(cy.id, "no-such-org").await.unwrap(),
        None
    );
}

/// Two privileged members demote themselves (or each other) at the same
/// moment: exactly one may succeed, every time.
async fn concurrent_demotions(store: &Store) {
    let (a, ada) = organisation(store, "org-a", "ada@a.example").await;
    let cy = join(store, a, ada.id, "cy@a.example", Role::Privileged).await;
    let privileged = || async {
        store
            .members(a)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.role == Role::Privileged)
            .count()
    };
    for round in 0..8 {
        assert_eq!(privileged().await, 2, "round {round} starts with two");
        let (s1, s2) = (store.clone(), store.clone());
        let (u1, u2) = (ada.id, cy.id);
        let one = tokio::spawn(async move { s1.change_role(a, u1, Role::Regular, u1, "ip").await });
        let two = if round % 2 == 0 {
            tokio::spawn(async move {
                s2.change_role(a, u2, Role::Regular, u2, "ip")
                    .await
                    .map(|r| r.map(|_| ()))
            })
        } else {
            // A removal races a demotion just the same.
            tokio::spawn(async move {
                s2.remove_member(a, u2, u1, "ip")
                    .await
                    .map(|r| r.map(|_| ()))
            })
        };
        let one = one.await.unwrap().unwrap().map(|_| ());
        let two = two.await.unwrap().unwrap();
        let outcomes = [one, two];
        assert_eq!(
            outcomes.iter().filter(|o| o.is_ok()).count(),
            1,
            "round {round}: exactly one succeeds ({outcomes:?})"
        );
        assert!(
            outcomes.contains(&Err(MemberProblem::LastPrivileged)),
            "round {round}: {outcomes:?}"
        );
        assert_eq!(
            privileged().await,
            1,
            "round {round}: one privileged member is left"
        );
        // Restore: whoever is left privileged promotes (or re-invites) the other.
        let members = store.members(a).await.unwrap();
        let boss = members
            .iter()
            .find(|m| m.role == Role::Privileged)
            .unwrap()
            .user_id;
        let other = if boss == ada.id { cy.id } else { ada.id };
        if members.iter().any(|m| m.user_id == other) {
            store
                .change_role(a, other, Role::Privileged, boss, "ip")
                .await
                .unwrap()
                .unwrap();
        } else {
            let token = format!("rejoin-{round}");
            store
                .create_invitation(&invitation(
                    a,
                    "cy@a.example",
                    Role::Privileged,
                    &token,
                    boss,
                ))
                .await
                .unwrap()
                .unwrap();
            store
                .accept_invitation_existing(&token, cy.id, None, "ip")
                .await
                .unwrap()
                .unwrap();
        }
    }
}

async fn audit(store: &Store) {
    let (a, ada) = organisation(store, "org-a", "ada@a.example").await;
    let (b, bob) = organisation(store, "org-b", "bob@b.example").await;
    let cy = join(store, a, ada.id, "cy@a.example", Role::Regular).await;
    store
        .change_role(a, cy.id, Role::Privileged, ada.id, "10.9.9.9")
        .await
        .unwrap()
        .unwrap();
    // Account events are written without an organisation.
    store
        .audit(Audit {
            organisation_id: None,
            user_id: Some(cy.id),
            event: AuditEvent::SignedIn,
            detail: String::new(),
            ip: "10.1.1.1",
        })
        .await
        .unwrap();
    store
        .audit(Audit {
            organisation_id: None,
            user_id: None,
            event: AuditEvent::SignInFailed,
            detail: "cy@a.example".into(),
            ip: "10.1.1.2",
        })
        .await
        .unwrap();
    store
        .audit(Audit {
            organisation_id: None,
            user_id: Some(bob.id),
            event: AuditEvent::SignedIn,
            detail: String::new(),
            ip: "10.2.2.2",
        })
        .await
        .unwrap();
    store
        .audit(Audit {
            organisation_id: None,
            user_id: None,
            event: AuditEvent::SignInFailed,
            detail: "bob@b.example".into(),
            ip: "10.2.2.3",
        })
        .await
        .unwrap();
    store
        .audit(Audit {
            organisation_id: None,
            user_id: None,
            event: AuditEvent::SignInFailed,
            detail: "stranger@x.example".into(),
            ip: "10.3.3.3",
        })
        .await
        .unwrap();
    store
        .audit(Audit {
            organisation_id: Some(b),
            user_id: Some(bob.id),
            event: AuditEvent::ProfileUpdated,
            detail: "only for B".into(),
            ip: "10.2.2.4",
        })
        .await
        .unwrap();

    let log = store.organisation_audit(a, None, 100).await.unwrap();
    let events: Vec<(&str, &str, &str)> = log
        .iter()
        .map(|e| (e.event.as_str(), e.actor.as_str(), e.ip.as_str()))
        .collect();
    assert_eq!(
        events,
        [
            ("user.sign_in_failed", "", "10.1.1.2"),
            ("user.signed_in", "cy@a.example", "10.1.1.1"),
            ("member.role_changed", "ada@a.example", "10.9.9.9"),
            ("invitation.accepted", "cy@a.example", "10.0.0.3"),
            ("member.invited", "ada@a.example", "10.0.0.2"),
            ("user.signed_in", "ada@a.example", "10.0.0.1"),
            ("organisation.activated", "ada@a.example", "10.0.0.1"),
        ],
        "A's own events and its members' sign-ins, nothing of B or strangers"
    );
    assert_eq!(log[0].detail, "cy@a.example");
    assert_eq!(log[2].detail, "cy@a.example: regular → privileged");
    assert!(log.windows(2).all(|w| w[0].id > w[1].id), "newest first");

    let log_b = store.organisation_audit(b, None, 100).await.unwrap();
    assert!(log_b.iter().all(|e| !e.detail.contains("cy@a.example")
        && e.actor != "cy@a.example"
        && e.actor != "ada@a.example"));
    assert!(log_b
        .iter()
        .any(|e| e.event == "profile.updated" && e.detail == "only for B"));
    assert!(log_b
        .iter()
        .any(|e| e.event == "user.sign_in_failed" && e.detail == "bob@b.example"));

    // Pages by id: no overlap, nothing lost.
    let first = store.organisation_audit(a, None, 3).await.unwrap();
    let second = store
        .organisation_audit(a, Some(first[2].id), 3)
        .await
        .unwrap();
    let third = store
        .organisation_audit(a, Some(second[2].id), 3)
        .await
        .unwrap();
    let ids: Vec<i64> = first
        .iter()
        .chain(&second)
        .chain(&third)
        .map(|e| e.id)
        .collect();
    assert_eq!(ids, log.iter().map(|e| e.id).collect::<Vec<_>>());
    assert_eq!(third.len(), 1);

    // A member who leaves takes their account events out of A's log.
    store
        .remove_member(a, cy.id, ada.id, "ip")
        .await
        .unwrap()
        .unwrap();
    let log = store.organisation_audit(a, None, 100).await.unwrap();
    assert!(!log
        .iter()
        .any(|e| e.event == "user.signed_in" && e.actor == "cy@a.example"));
    assert_eq!(log[0].event, "member.removed");
    assert_eq!(log[0].detail, "cy@a.example");
}
