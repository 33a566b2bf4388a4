//! Cookies on an https deployment: every cookie Laurel sets carries the
//! `__Host-` prefix (with `Secure`, `Path=/` and no `Domain`, which browsers
//! demand of that prefix), and a session cookie without the prefix — what a
//! neighbouring subdomain or a forged plain-http answer could plant — is not
//! read. The real binary, with an https public URL (TLS itself is the load
//! balancer's; the server speaks plain HTTP behind it).

mod common;
#[path = "common/owner.rs"]
mod owner;

use common::*;
use laurel_store::testing::TestDatabase;

const PUBLIC_URL: &str = "https://laurel.test";

#[test]
fn https_cookies_are_host_prefixed_and_only_those_are_read() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = TestDatabase::sqlite();
    let password = "tulip-gravel-orbit-93-lantern";
    let session = runtime.block_on(async {
        let store = laurel_store::testing::open(&db).await;
        let (_, cookie) = owner::signed_in_owner(&store, "cookies").await;
        let hash = laurel_service::accounts::hash_password(password)
            .await
            .unwrap();
        store
            .ensure_holder_account("holder@cookies.example", "Holder", &hash)
            .await
            .unwrap();
        store.close().await;
        cookie.strip_prefix("laurel_session=").unwrap().to_owned()
    });

    let dir = temp_dir("cookies");
    let mut cmd = laurel(&dir);
    cmd.env("DATABASE_URL", &db.url)
        .env("LAUREL_PUBLIC_URL", PUBLIC_URL);
    let server = Server::start_with(cmd, free_port());
    // Redirects not followed: the sign-in's own answer carries the cookie.
    let http: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(std::time::Duration::from_secs(10)))
        .build()
        .into();
    let page = |cookie: &str| {
        let mut res = http
            .get(format!("{}/account/security", server.base))
            .header("Cookie", cookie)
            .call()
            .unwrap();
        res.body_mut().read_to_string().unwrap()
    };

    // The same live session: read under its prefixed name only.
    let signed_in = page(&format!("__Host-laurel_session={session}"));
    assert!(
        signed_in.contains("owner@cookies.example"),
        "the prefixed cookie is the session"
    );
    let planted = page(&format!("laurel_session={session}"));
    assert!(planted.contains("Please sign in"), "{planted}");
    assert!(!planted.contains("owner@cookies.example"));

    // Signing in sets the prefixed cookie, with what the prefix demands.
    let res = http
        .post(format!("{}/api/account/login", server.base))
        .header("Origin", PUBLIC_URL)
        .header("Accept", "application/json")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("email=holder%40cookies.example&password=tulip-gravel-orbit-93-lantern")
        .unwrap();
    assert!(
        res.status().is_success() || res.status().is_redirection(),
        "{}",
        res.status()
    );
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session_cookie = cookies
        .iter()
        .find(|c| c.starts_with("__Host-laurel_session="))
        .unwrap_or_else(|| panic!("no prefixed session cookie in {cookies:?}"));
    for part in ["Secure", "Path=/", "HttpOnly", "SameSite=Lax"] {
        assert!(
            session_cookie.split("; ").any(|p| p == part),
            "{part} in {session_cookie}"
        );
    }
    assert!(!session_cookie.contains("Domain="), "{session_cookie}");
    assert!(
        cookies.iter().all(|c| c.starts_with("__Host-")),
        "every cookie prefixed: {cookies:?}"
    );
    server.stop();
}
