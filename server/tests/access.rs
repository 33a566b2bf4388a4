//! Every server function, asked by everyone: the real binary lists the
//! server functions it answers (`laurel server-fns`), and each is called as
//! an anonymous visitor, a holder (signed in, member of no organisation), a
//! regular member, a privileged member, and a member of another
//! organisation. The table below says who may call each; a
//! server function missing from it fails the test, so a new endpoint cannot
//! ship without its access check being stated and tested.
//!
//! - Anonymous: every function but the public ones answers 401.
//! - A holder and a member of another organisation: every organisation's
//!   function answers 404, and the server's log shows `require_role` refused that very
//!   request (its `x-request-id`) — not some later "not found".
//! - A regular member: the privileged functions answer 403, `require_role`
//!   refusing it in the log.
//! - The privileged member passes every check (never 401 or 403, and no
//!   refusal in the log).
//!
//! The arguments are one form that every function can read (unknown fields
//! are ignored), so each call reaches its access check; the multipart
//! uploads are `uploads.rs`'s.

mod common;
#[path = "common/owner.rs"]
mod owner;

use std::collections::BTreeSet;

use common::*;
use laurel_store::testing::TestDatabase;

/// Who may call a server function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// Anyone (sign-up, sign-in, tokens in links, public pages).
    Public,
    /// A signed-in person (their wallet, their security settings).
    User,
    /// A member of the organisation named by `subdomain`.
    Regular,
    /// A privileged member of it.
    Privileged,
}
use Access::*;

const TABLE: &[(&str, Access)] = &[
    ("account/activate", Public),
    ("account/activate_holder", Public),
    ("account/check_signup_token", Public),
    ("account/delete_account", User),
    ("account/get_portal", Public),
    ("account/get_session", Public),
    ("account/login", Public),
    ("account/logout", Public),
    ("account/request_signup", Public),
    ("account/sign_out_everywhere", User),
    ("analytics/export_analytics", Regular),
    ("analytics/get_analytics", Regular),
    ("billing/add_invoice_method", Privileged),
    ("billing/change_plan", Privileged),
    ("billing/choose_plan", Privileged),
    ("billing/finish_card", Privileged),
    ("billing/get_history", Privileged),
    ("billing/get_invoice", Privileged),
    ("billing/get_payment", Privileged),
    ("billing/get_subscription", Regular),
    ("billing/invoice_pdf", Privileged),
    ("billing/pay_invoice", Privileged),
    ("billing/payment_method_action", Privileged),
    ("billing/save_billing_details", Privileged),
    ("billing/start_card", Privileged),
    ("claim/accept_badge", Public),
    ("claim/create_wallet", Public),
    ("claim/get_claim", Public),
    ("issuing/batch_results", Regular),
    ("issuing/confirm_batch", Regular),
    ("issuing/export_register", Regular),
    ("issuing/get_batch", Regular),
    ("issuing/get_batches", Regular),
    ("issuing/get_dashboard", Regular),
    ("issuing/get_issued_badge", Regular),
    ("issuing/get_register", Regular),
    ("issuing/issue_by_hand", Regular),
    ("issuing/resend_badge_mail", Regular),
    ("issuing/revoke_badge", Regular),
    ("issuing/upload_batch", Regular),
    ("members/accept_invite", Public),
    ("members/accept_invite_existing", Public),
    ("members/change_role", Privileged),
    ("members/check_invite", Public),
    ("members/get_audit_log", Privileged),
    ("members/get_members", Privileged),
    ("members/invite_member", Privileged),
    ("members/remove_member", Privileged),
    ("members/resend_invitation", Privileged),
    ("members/revoke_invitation", Privileged),
    ("public/get_abuse_subject", Public),
    ("public/get_api_reference", Public),
    ("public/get_assertion", Public),
    ("public/get_organisation", Public),
    ("public/get_profile", Public),
    ("public/get_public_collection", Public),
    ("public/get_report", Public),
    ("public/report_abuse", Public),
    ("public/verify_badge", Public),
    ("security/change_password", User),
    ("security/check_reset_token", Public),
    ("security/disable_mfa", User),
    ("security/enable_mfa", User),
    // Answers "no one is signed in" (nothing) to the signed-out.
    ("security/get_security", Public),
    ("security/request_password_reset", Public),
    ("security/reset_password", Public),
    ("security/start_mfa_setup", User),
    ("security/take_recovery_codes", User),
    ("security/verify_login_code", Public),
    ("settings/add_integration_key", Privileged),
    ("settings/create_api_token", Privileged),
    ("settings/create_webhook", Privileged),
    ("settings/generate_integration_key", Privileged),
    ("settings/get_api_settings", Privileged),
    ("settings/get_org_settings", Privileged),
    ("settings/remove_org_image", Privileged),
    ("settings/revoke_api_token", Privileged),
    ("settings/revoke_integration_key", Privileged),
    ("settings/save_org_profile", Privileged),
    ("settings/setup_remote", Privileged),
    ("settings/upload_org_image", Privileged),
    ("settings/webhook_action", Privileged),
    ("templates/archive_template", Regular),
    ("templates/duplicate_template", Regular),
    ("templates/get_template", Regular),
    ("templates/get_templates", Regular),
    ("templates/save_template", Regular),
    ("wallet/add_address", User),
    ("wallet/arrange_collection", User),
    ("wallet/check_import", User),
    ("wallet/confirm_address", User),
    ("wallet/create_collection", User),
    ("wallet/delete_collection", User),
    ("wallet/export_data", User),
    ("wallet/get_collection", User),
    ("wallet/get_import", User),
    ("wallet/get_wallet", User),
    ("wallet/get_wallet_badge", User),
    ("wallet/import_badge", User),
    ("wallet/remove_address", User),
    ("wallet/remove_import", User),
    ("wallet/remove_photo", User),
    ("wallet/save_collection", User),
    ("wallet/save_profile", User),
    ("wallet/set_visibility", User),
    ("wallet/set_visibility_all", User),
    ("wallet/upload_photo", User),
];

/// Multipart uploads: tested by `uploads.rs` (this form is not multipart).
const MULTIPART: &[&str] = &[
    "issuing/upload_batch",
    "public/verify_badge",
    "settings/upload_org_image",
    "templates/save_template",
    "wallet/import_badge",
    "wallet/upload_photo",
];

/// Calls that end the caller's own session(s): made anonymously only.
const ENDS_SESSIONS: &[&str] = &["account/logout", "account/sign_out_everywhere"];

/// One form every server function can read: a value of the right type for
/// every argument name any of them takes (unknown fields are ignored).
const ARGS: &str = "subdomain=access&id=1&slug=x&token=x&public_id=x&handle=x\
    &user_id=1&role=regular&email=x%40example.org&password=x&password_confirm=x\
    &current_password=x&new_password=x&new_password_confirm=x&code=000000\
    &number=1&plan_id=1&invitation_id=1&token_id=1&key_id=1&endpoint_id=1\
    &template_id=1&action=test&kind=holder&op=add&public=1&archive=1\
    &archived=false&change=x&name=x&url=x&export=x&reason=x&display_name=x\
    &organisation_name=x&contact_name=x&contact_phone=x&summary=x&description=x\
    &legal_name=x&billing_email=x%40example.org&address=x&vat_id=x\
    &recipients=x&achieved_on=2026-01-01&evidence_url=&evidence_narrative=\
    &setup_intent=x&public_key=x&linkedin_url=&facebook_url=&twitter_url=&wechat_id=\
    &org=access&badge=x&details=&reply_to=";

/// A regular member of `org` with a session; returns the `Cookie` value.
/// A signed-in holder: an account of no organisation. Returns its id and
/// its `Cookie` header value.
async fn signed_in_holder(store: &laurel_store::Store, email: &str) -> (i64, String) {
    let user = store
        .ensure_holder_account(email, "Holder", "$argon2id$not-a-login")
        .await
        .unwrap();
    let (session, hash) = laurel_service::accounts::new_token();
    store
        .create_session(
            user.id,
            &hash,
            chrono::Utc::now() + chrono::Duration::hours(1),
            "127.0.0.1",
            "test",
            None,
        )
        .await
        .unwrap();
    (user.id, format!("laurel_session={session}"))
}

async fn signed_in_member(store: &laurel_store::Store, org: &laurel_store::Organisation) -> String {
    let (user_id, cookie) = signed_in_holder(store, "regular@access.example").await;
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, false);
    laurel_store::testing::execute(
        store,
        &format!(
            "INSERT INTO memberships (organisation_id, user_id, role, created_at) \
             VALUES ({}, {}, 'regular', '{now}')",
            org.id, user_id
        ),
    )
    .await;
    cookie
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    Anonymous,
    Holder,
    Stranger,
    Regular,
    Privileged,
}

#[test]
fn every_server_function_checks_who_asks() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = TestDatabase::sqlite();
    let (privileged, regular, stranger, holder) = runtime.block_on(async {
        let store = laurel_store::testing::open(&db).await;
        let (org, privileged) = owner::signed_in_owner(&store, "access").await;
        let (_, stranger) = owner::signed_in_owner(&store, "elsewhere").await;
        let regular = signed_in_member(&store, &org).await;
        let (_, holder) = signed_in_holder(&store, "holder@access.example").await;
        store.close().await;
        (privileged, regular, stranger, holder)
    });

    // The server functions this build answers.
    let listed = laurel(&temp_dir("access-list"))
        .arg("server-fns")
        .output()
        .unwrap();
    assert!(listed.status.success());
    let endpoints: Vec<(String, String)> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (method, path) = l.split_once(' ').unwrap();
            (method.to_owned(), path.to_owned())
        })
        .collect();
    let served: BTreeSet<&str> = endpoints
        .iter()
        .map(|(_, p)| p.trim_start_matches("/api/"))
        .collect();
    let tabled: BTreeSet<&str> = TABLE.iter().map(|(e, _)| *e).collect();
    assert_eq!(
        served.difference(&tabled).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "server functions without a row in TABLE: say who may call them"
    );
    assert_eq!(
        tabled.difference(&served).collect::<Vec<_>>(),
        Vec::<&&str>::new(),
        "rows of TABLE that are no server function"
    );

    let dir = temp_dir("access");
    let log = dir.join("server.log");
    let mut cmd = laurel(&dir);
    cmd.env("DATABASE_URL", &db.url)
        .env("LAUREL_LOG_FORMAT", "json")
        // `require_role`'s refusals, inside each request's span (its id).
        .env(
            "RUST_LOG",
            "warn,laurel_app::ssr::access=info,laurel::routes=info",
        )
        .stderr(std::fs::File::create(&log).unwrap());
    let server = Server::start_with(cmd, free_port());
    let http = agent();
    let mut n = 0;
    // `(request id, endpoint, caller, status)`.
    let mut calls = Vec::new();
    for (method, path) in &endpoints {
        let endpoint = path.trim_start_matches("/api/");
        if MULTIPART.contains(&endpoint) {
            continue;
        }
        let access = TABLE.iter().find(|(e, _)| *e == endpoint).unwrap().1;
        for caller in [
            Caller::Anonymous,
            Caller::Holder,
            Caller::Stranger,
            Caller::Regular,
            Caller::Privileged,
        ] {
            if caller != Caller::Anonymous && ENDS_SESSIONS.contains(&endpoint) {
                continue;
            }
            n += 1;
            let id = format!("access-{n:04}");
            let cookie = match caller {
                Caller::Anonymous => None,
                Caller::Holder => Some(&holder),
                Caller::Stranger => Some(&stranger),
                Caller::Regular => Some(&regular),
                Caller::Privileged => Some(&privileged),
            };
            let url = format!("{}{path}", server.base);
            let response = if method == "GET" {
                let mut req = http
                    .get(format!("{url}?{ARGS}"))
                    .header("x-request-id", &id)
                    .header("Accept", "application/json");
                if let Some(c) = cookie {
                    req = req.header("Cookie", c);
                }
                req.call()
            } else {
                let mut req = http
                    .post(&url)
                    .header("x-request-id", &id)
                    .header("Origin", &server.base)
                    .header("Accept", "application/json")
                    .header("Content-Type", "application/x-www-form-urlencoded");
                if let Some(c) = cookie {
                    req = req.header("Cookie", c);
                }
                req.send(ARGS)
            };
            let status = response.unwrap().status().as_u16();
            calls.push((id, endpoint.to_owned(), access, caller, status));
        }
    }
    // The log, complete once the server stopped.
    server.stop();
    let log = std::fs::read_to_string(&log).unwrap();
    let refused = |id: &str, why: &str| {
        log.lines()
            .any(|l| l.contains(&format!("\"{id}\"")) && l.contains(why))
    };
    let mut wrong = Vec::new();
    for (id, endpoint, access, caller, status) in &calls {
        let (ok, expected) = match (access, caller) {
            (Public, _) => (*status < 500, "no server error"),
            (_, Caller::Anonymous) => (*status == 401, "401"),
            (User, _) => (*status != 401 && *status < 500, "signed in: not 401"),
            (Regular | Privileged, Caller::Stranger | Caller::Holder) => (
                *status == 404 && refused(id, "not a member: refused"),
                "404 from require_role",
            ),
            (Privileged, Caller::Regular) => (
                *status == 403 && refused(id, "role too low: refused"),
                "403 from require_role",
            ),
            (Regular | Privileged, Caller::Regular | Caller::Privileged) => (
                ![401, 403].contains(status) && *status < 500 && !refused(id, "refused"),
                "passes require_role",
            ),
        };
        if !ok {
            wrong.push(format!(
                "{endpoint} as {caller:?}: {status}, expected {expected} ({id})"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} calls:\n{}",
        wrong.len(),
        calls.len(),
        wrong.join("\n")
    );
    assert!(calls.len() > 400, "{} calls", calls.len());
    runtime.block_on(db.cleanup());
}
