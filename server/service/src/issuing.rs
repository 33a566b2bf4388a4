//! Issuing: the one function every award goes through (by hand, CSV batch,
//! API or demo). It checks the organisation may issue, signs the OB 2.0 JWS
//! and the OB 3.0 VC-JWT once, and stores the award.

use chrono::{DateTime, Months, Utc};
use laurel::award::Award;
use laurel::crypto::{jws, MasterKey, SigningKey};
use laurel::ob2::Evidence;
use laurel::recipient::{hash_identity, new_salt};
use laurel::Email;

use crate::documents;
use crate::mail::{html_escape, mail_job_payload, OutgoingMail};
use crate::urls::OrgUrls;
use crate::ServiceError;
use laurel_store::{
    BadgeClassRow, IssueOutcome, IssueRecord, IssuerKeyRow, NewAssertion, Organisation, Store,
};

/// The organisation's active signing key, created on first use.
pub async fn active_key(
    store: &Store,
    master: &MasterKey,
    organisation_id: i64,
) -> Result<(IssuerKeyRow, SigningKey), ServiceError> {
    if let Some(found) = current_key(store, master, organisation_id).await? {
        return Ok(found);
    }
    let new = NewKey::generate(master)?;
    match store
        .add_active_issuer_key(organisation_id, &new.kid, &new.public_pem, &new.sealed)
        .await
    {
        Ok(row) => Ok((row, new.key)),
        // Another request made the first key at the same moment: the unique
        // index on the active key (one per organisation) kept theirs; use it.
        Err(e) if e.is_conflict() => current_key(store, master, organisation_id)
            .await?
            .ok_or(ServiceError::Internal),
        Err(e) => Err(e.into()),
    }
}

/// The organisation's active key, opened, if it has one.
async fn current_key(
    store: &Store,
    master: &MasterKey,
    organisation_id: i64,
) -> Result<Option<(IssuerKeyRow, SigningKey)>, ServiceError> {
    let Some(row) = store
        .issuer_keys(organisation_id)
        .await?
        .into_iter()
        .find(|k| k.retired_at.is_none())
    else {
        return Ok(None);
    };
    let key = open_key(master, &row)?;
    Ok(Some((row, key)))
}

/// Makes a new active key; the old ones stay published (and verifiable).
pub async fn rotate_key(
    store: &Store,
    master: &MasterKey,
    organisation_id: i64,
) -> Result<(IssuerKeyRow, SigningKey), ServiceError> {
    let new = NewKey::generate(master)?;
    let row = store
        .add_active_issuer_key(organisation_id, &new.kid, &new.public_pem, &new.sealed)
        .await?;
    Ok((row, new.key))
}

/// A fresh signing key with what the store keeps of it.
struct NewKey {
    key: SigningKey,
    kid: String,
    public_pem: String,
    sealed: Vec<u8>,
}

impl NewKey {
    fn generate(master: &MasterKey) -> Result<Self, ServiceError> {
        let key = SigningKey::generate().map_err(|e| {
            tracing::error!(error = %e, "key generation failed");
            ServiceError::Internal
        })?;
        let public = key.public_key();
        // The key ID is the public key's thumbprint: unique, stable, not
        // guessable as a sequence.
        let kid = public.thumbprint();
        let sealed = master.seal(&key.to_pkcs8_der(), &seal_context(&kid));
        Ok(Self {
            public_pem: public.to_pem(),
            key,
            kid,
            sealed,
        })
    }
}

fn seal_context(kid: &str) -> String {
    format!("laurel issuer key {kid}")
}

/// Whether `master` opens this stored key (`laurel doctor`).
pub fn master_opens(master: &MasterKey, row: &IssuerKeyRow) -> bool {
    master
        .open(&row.sealed_private, &seal_context(&row.kid))
        .is_ok()
}

fn open_key(master: &MasterKey, row: &IssuerKeyRow) -> Result<SigningKey, ServiceError> {
    let der = master.open(&row.sealed_private, &seal_context(&row.kid)).map_err(|e| {
        tracing::error!(kid = %row.kid, error = %e, "cannot open an issuer key: is LAUREL_MASTER_KEY the one it was sealed with?");
        ServiceError::Internal
    })?;
    SigningKey::from_pkcs8_der(&der).map_err(|e| {
        tracing::error!(kid = %row.kid, error = %e, "stored issuer key is unreadable");
        ServiceError::Internal
    })
}

/// A new public identifier for an assertion: 128 random bits, base64url.
pub fn new_slug() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).expect("the system random number generator works");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Expiry of a badge issued on `issued_on` from a template valid for
/// `validity_years` (0 = never expires).
pub fn expiry(issued_on: DateTime<Utc>, validity_years: i32) -> Option<DateTime<Utc>> {
    let years = u32::try_from(validity_years).ok().filter(|y| *y > 0)?;
    issued_on.checked_add_months(Months::new(years.checked_mul(12)?))
}

/// Where an award comes from (stored with the badge).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Hand,
    /// A CSV batch row: `(batch id, row id)`.
    Batch(i64, i64),
    Api,
    Demo,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Hand => "hand",
            Source::Batch(..) => "batch",
            Source::Api => "api",
            Source::Demo => "demo",
        }
    }
}

/// An organisation ready to issue: its URLs and its signing key, loaded
/// once for any number of awards (a batch signs thousands with one key).
pub struct Issuer<'a> {
    store: &'a Store,
    public_url: &'a str,
    org: &'a Organisation,
    urls: OrgUrls,
    key_row: IssuerKeyRow,
    key: SigningKey,
    /// Seals the holder mails (`mail::mail_job_payload`).
    master: MasterKey,
    clock: crate::Clock,
    /// `billing::may_issue`'s last yes (when, and what it counts against),
    /// trusted for [`ALLOWANCE_FOR`]: a batch asks the database once a
    /// second rather than once a row. The trial's quota and a new
    /// organisation's daily limits are still counted exactly, in each
    /// award's transaction.
    allowed: std::sync::Mutex<Option<(std::time::Instant, crate::billing::Allowance)>>,
}

/// How long an [`Issuer`] trusts billing's last yes.
const ALLOWANCE_FOR: std::time::Duration = std::time::Duration::from_secs(1);

impl<'a> Issuer<'a> {
    /// Loads (or makes, the first time) the organisation's signing key.
    pub async fn load(
        store: &'a Store,
        master: &MasterKey,
        public_url: &'a str,
        urls: OrgUrls,
        org: &'a Organisation,
    ) -> Result<Self, ServiceError> {
        let (key_row, key) = active_key(store, master, org.id).await?;
        Ok(Self {
            store,
            public_url,
            org,
            urls,
            key_row,
            key,
            master: master.clone(),
            clock: crate::Clock::system(),
            allowed: std::sync::Mutex::new(None),
        })
    }

    /// The same issuer on another clock (billing: the trial, the cycle a
    /// badge counts in).
    pub fn with_clock(mut self, clock: crate::Clock) -> Self {
        self.clock = clock;
        self
    }

    /// [`Issuer::load`] with the server's context: its store, master key,
    /// public URL and the organisation's URLs.
    pub async fn of(
        ctx: &'a crate::ServerContext,
        org: &'a Organisation,
    ) -> Result<Self, ServiceError> {
        Self::load(
            &ctx.store,
            &ctx.master_key,
            &ctx.public_url,
            ctx.urls(&org.subdomain),
            org,
        )
        .await
        .map(|issuer| issuer.with_clock(ctx.clock.clone()))
    }

    pub fn urls(&self) -> &OrgUrls {
        &self.urls
    }

    /// Billing's answer for one more award at `now`: the cached yes while it
    /// is fresh, else `billing::may_issue` (a refusal is never cached).
    async fn allowance(
        &self,
        now: chrono::DateTime<Utc>,
    ) -> Result<crate::billing::Allowance, ServiceError> {
        let cached = *self.allowed.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((at, allowance)) = cached {
            if at.elapsed() < ALLOWANCE_FOR {
                return Ok(allowance);
            }
        }
        let allowance = crate::billing::may_issue(self.store, self.org, now, 1).await?;
        *self.allowed.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((std::time::Instant::now(), allowance));
        Ok(allowance)
    }

    /// Issues one badge of `class` (a version of template `template_id`)
    /// for `award` — the one function every award goes through (by hand, CSV
    /// batch, API, demo; a batch through [`Issuer::issue_chunk`], which is
    /// this for many at once). Checks the organisation may issue, signs the
    /// OB 2.0 JWS and the OB 3.0 VC-JWT, and records the badge, its usage
    /// count and the holder's mail (with a fresh claim link) in one
    /// transaction. With a template, the award's idempotency key makes a
    /// second call for the same holder, template and date return the badge
    /// already issued.
    pub async fn issue(
        &self,
        template_id: Option<i64>,
        class: &BadgeClassRow,
        award: &Award,
        source: Source,
    ) -> Result<IssueOutcome, ServiceError> {
        let prepared = self.prepare(&ToIssue {
            template_id,
            class,
            award,
            source,
        })?;
        let mut outcomes = self.record(std::slice::from_ref(&prepared)).await?;
        Ok(outcomes.remove(0))
    }

    /// Issues a chunk of awards (a CSV batch's): signed on every core, then
    /// recorded in one transaction — all or none, each exactly as
    /// [`Issuer::issue`] would. When the chunk as a whole is refused by
    /// billing (the trial's quota, or a new organisation's daily limit, runs
    /// out within it), each award is tried
    /// alone, so those within the quota are issued and the rest refused one
    /// by one. The results are in the order of `awards`.
    pub async fn issue_chunk(
        &self,
        awards: &[ToIssue<'_>],
    ) -> Result<Vec<Result<IssueOutcome, ServiceError>>, ServiceError> {
        let prepared = self.prepare_all(awards)?;
        match self.record(&prepared).await {
            Ok(outcomes) => Ok(outcomes.into_iter().map(Ok).collect()),
            Err(ServiceError::PaymentRequired(_) | ServiceError::TooMany(_))
                if prepared.len() > 1 =>
            {
                let mut results = Vec::with_capacity(prepared.len());
                for one in &prepared {
                    results.push(
                        self.record(std::slice::from_ref(one))
                            .await
                            .map(|mut o| o.remove(0)),
                    );
                }
                Ok(results)
            }
            // One award refused: its result, as the one-by-one path gives.
            Err(e @ (ServiceError::PaymentRequired(_) | ServiceError::TooMany(_))) => {
                Ok(vec![Err(e)])
            }
            Err(e) => Err(e),
        }
    }

    /// Signs `awards` on as many threads as there are cores (RSA signing is
    /// the CPU-heavy part of issuing). On a single-threaded runtime (tests)
    /// they are signed in place, one after the other.
    fn prepare_all(&self, awards: &[ToIssue<'_>]) -> Result<Vec<Prepared>, ServiceError> {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .min(awards.len());
        let multi_thread = tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        if threads <= 1 || !multi_thread {
            return awards.iter().map(|a| self.prepare(a)).collect();
        }
        let per_thread = awards.len().div_ceil(threads);
        // `block_in_place`: this worker thread blocks while the scoped
        // threads sign; the runtime moves its other tasks elsewhere.
        tokio::task::block_in_place(|| {
            std::thread::scope(|scope| {
                let handles: Vec<_> = awards
                    .chunks(per_thread)
                    .map(|part| {
                        scope.spawn(move || {
                            part.iter()
                                .map(|a| self.prepare(a))
                                .collect::<Result<Vec<_>, _>>()
                        })
                    })
                    .collect();
                let mut all = Vec::with_capacity(awards.len());
                for handle in handles {
                    all.extend(handle.join().map_err(|_| ServiceError::Internal)??);
                }
                Ok(all)
            })
        })
    }

    /// Everything about one award but the database: slug, salt, the two
    /// signatures, the holder's mail and the webhook body.
    fn prepare(&self, item: &ToIssue<'_>) -> Result<Prepared, ServiceError> {
        let ToIssue {
            template_id,
            class,
            award,
            source,
        } = *item;
        if class.organisation_id != self.org.id {
            return Err(ServiceError::NotFound);
        }
        let urls = &self.urls;
        let slug = new_slug();
        let salt = new_salt();
        let email = award.holder.email.as_str();
        let identity_hash = hash_identity(email, &salt);
        let issued_on = award
            .achieved_on
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc())
            .ok_or(ServiceError::Internal)?;
        let expires = expiry(issued_on, class.validity_years);
        let evidence_docs: Vec<Evidence> =
            if award.evidence_url.is_some() || award.evidence_narrative.is_some() {
                vec![Evidence {
                    kind: "Evidence".into(),
                    id: award.evidence_url.clone(),
                    narrative: award.evidence_narrative.clone(),
                }]
            } else {
                vec![]
            };
        let key_url = urls.key(&self.key_row.kid);
        let signed = documents::assertion_parts(
            urls,
            class,
            &slug,
            &salt,
            &identity_hash,
            issued_on,
            expires,
            evidence_docs.clone(),
            Some(&key_url),
        );
        let payload = serde_json::to_value(&signed).map_err(|_| ServiceError::Internal)?;
        let signed_jws = jws::sign(&payload, &self.key, None, None);
        let credential = documents::credential(
            self.org,
            urls,
            class,
            &slug,
            &salt,
            &identity_hash,
            issued_on,
            expires,
            &evidence_docs,
        );
        let credential_jwt = laurel::ob3::sign_vc_jwt(&credential, &self.key, &key_url);
        let idempotency_key = template_id
            .map(|t| laurel::award::idempotency_key(t, &award.holder.email, award.achieved_on));
        let (claim_token, claim_hash) = crate::accounts::new_token();
        let name = award.holder.display_name();
        let mail = holder_mail(
            self.public_url,
            urls,
            self.org,
            class,
            &slug,
            &award.holder.email,
            &name,
            &claim_token,
        );
        let webhook = crate::webhooks::body(
            laurel::WebhookEvent::BadgeIssued,
            &self.org.subdomain,
            serde_json::json!({
                "badge": crate::webhooks::badge_data(
                    urls,
                    &slug,
                    template_id,
                    &class.name,
                    email,
                    &name,
                    issued_on,
                    expires,
                    source.as_str(),
                )
            }),
        );
        Ok(Prepared {
            class_id: class.id,
            template_id,
            source,
            slug,
            email: email.to_owned(),
            name,
            salt,
            identity_hash,
            issued_on,
            expires,
            evidence_url: award.evidence_url.clone(),
            evidence_narrative: award.evidence_narrative.clone(),
            signed_jws,
            credential_jwt,
            first_name: award.holder.first_name.clone(),
            last_name: award.holder.last_name.clone(),
            last_name_prefix: award.holder.last_name_prefix.clone(),
            is_individual: award.holder.is_individual,
            idempotency_key,
            claim_hash,
            mail: mail_job_payload(&self.master, &mail),
            webhook,
        })
    }

    /// Records prepared awards in one transaction (after billing's check).
    async fn record(&self, prepared: &[Prepared]) -> Result<Vec<IssueOutcome>, ServiceError> {
        let now = self.clock.now();
        let allowance = self.allowance(now).await?;
        let assertions: Vec<NewAssertion<'_>> = prepared
            .iter()
            .map(|p| NewAssertion {
                organisation_id: self.org.id,
                badge_class_id: p.class_id,
                slug: &p.slug,
                recipient_email: &p.email,
                recipient_name: &p.name,
                salt: &p.salt,
                identity_hash: &p.identity_hash,
                issued_on: p.issued_on,
                expires_at: p.expires,
                evidence_url: p.evidence_url.as_deref(),
                evidence_narrative: p.evidence_narrative.as_deref(),
                key_id: self.key_row.id,
                signed_jws: &p.signed_jws,
                credential_jwt: &p.credential_jwt,
                template_id: p.template_id,
                holder_first_name: &p.first_name,
                holder_last_name: &p.last_name,
                holder_last_name_prefix: &p.last_name_prefix,
                holder_is_individual: p.is_individual,
                source: p.source.as_str(),
                batch_id: match p.source {
                    Source::Batch(batch, _) => Some(batch),
                    _ => None,
                },
                idempotency_key: p.idempotency_key.as_deref(),
                claim_token_hash: Some(&p.claim_hash),
            })
            .collect();
        let records: Vec<IssueRecord<'_>> = prepared
            .iter()
            .zip(&assertions)
            .map(|(p, assertion)| IssueRecord {
                assertion,
                mail_job: &p.mail,
                batch_row_id: match p.source {
                    Source::Batch(_, row) => Some(row),
                    _ => None,
                },
                webhook: Some((&p.webhook.0, &p.webhook.1)),
            })
            .collect();
        let outcomes = self
            .store
            .record_issues(
                &records,
                laurel_store::Metering {
                    at: now,
                    trial_subscription: allowance.trial_subscription,
                    daily_limit: allowance.daily_limit,
                },
            )
            .await
            .map_err(|e| {
                // The trial or the day's limit ran out under us: ask
                // billing again next time.
                *self.allowed.lock().unwrap_or_else(|p| p.into_inner()) = None;
                crate::billing::quota_reached(e)
            })?;
        for (outcome, p) in outcomes.iter().zip(prepared) {
            if matches!(outcome, IssueOutcome::Issued(_)) {
                // Two signatures a badge (the JWS and the VC-JWT).
                metrics::counter!("laurel_badges_issued_total", "source" => p.source.as_str())
                    .increment(1);
            }
        }
        Ok(outcomes)
    }
}

/// One award to issue: the class (a version of template `template_id`), the
/// award, and where it comes from.
#[derive(Debug, Clone, Copy)]
pub struct ToIssue<'a> {
    pub template_id: Option<i64>,
    pub class: &'a BadgeClassRow,
    pub award: &'a Award,
    pub source: Source,
}

/// An award signed and ready to record.
struct Prepared {
    class_id: i64,
    template_id: Option<i64>,
    source: Source,
    slug: String,
    email: String,
    name: String,
    salt: String,
    identity_hash: String,
    issued_on: DateTime<Utc>,
    expires: Option<DateTime<Utc>>,
    evidence_url: Option<String>,
    evidence_narrative: Option<String>,
    signed_jws: String,
    credential_jwt: String,
    first_name: String,
    last_name: String,
    last_name_prefix: String,
    is_individual: bool,
    idempotency_key: Option<String>,
    claim_hash: String,
    mail: serde_json::Value,
    webhook: (String, String),
}

/// The longest revocation reason (holders and verifiers read it).
pub const MAX_REVOCATION_REASON: usize = 500;

/// Revokes an issued badge with a reason (the portal's and the API's one
/// way): the public assertion then answers 410 Gone and both revocation
/// lists include it. `NotFound` when the organisation has no such badge,
/// `Conflict` when it is already revoked.
pub async fn revoke(
    ctx: &crate::ServerContext,
    organisation_id: i64,
    slug: &str,
    reason: &str,
    user_id: Option<i64>,
    ip: &str,
) -> Result<(), ServiceError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::Invalid(
            "Give the reason for revoking; the holder and verifiers see it.".into(),
        ));
    }
    if reason.chars().count() > MAX_REVOCATION_REASON {
        return Err(ServiceError::Invalid(format!(
            "The reason can be at most {MAX_REVOCATION_REASON} characters."
        )));
    }
    let store = &ctx.store;
    if store
        .assertion_by_slug(organisation_id, slug)
        .await?
        .is_none()
    {
        return Err(ServiceError::NotFound);
    }
    if !store
        .revoke_assertion(organisation_id, slug, reason)
        .await?
    {
        return Err(ServiceError::Conflict(
            "This badge is already revoked.".into(),
        ));
    }
    // This instance serves the revocation at once; the others within their
    // poll of the document generation.
    if let Err(e) = ctx.documents.refresh(store).await {
        tracing::warn!(error = %e, "the document generation could not be read");
    }
    store
        .audit(laurel_store::Audit {
            organisation_id: Some(organisation_id),
            user_id,
            event: laurel::AuditEvent::BadgeRevoked,
            detail: format!("{slug}: {reason}"),
            ip,
        })
        .await?;
    if let Some(a) = store.assertion_by_slug(organisation_id, slug).await? {
        crate::webhooks::emit_badge(
            ctx,
            laurel::WebhookEvent::BadgeRevoked,
            &a,
            serde_json::json!({ "reason": reason }),
        )
        .await;
    }
    Ok(())
}

/// The mail telling a holder about their badge: what it is, who issued it,
/// the verification page, the image to download and the claim link.
#[allow(clippy::too_many_arguments)]
pub fn holder_mail(
    public_url: &str,
    urls: &OrgUrls,
    org: &Organisation,
    class: &BadgeClassRow,
    slug: &str,
    to: &Email,
    name: &str,
    claim_token: &str,
) -> OutgoingMail {
    let verify = urls.assertion(slug);
    let image = urls.baked(slug, &class.image_type);
    let site = crate::urls::SiteUrls::new(public_url);
    let claim = site.claim(claim_token);
    let report = site.report_abuse(&org.subdomain, slug);
    let e = html_escape;
    OutgoingMail {
        to: to.clone(),
        subject: format!("Your badge “{}” from {}", class.name, org.name),
        text: format!(
            "Hello {name},\n\n{org} has awarded you the badge “{badge}”.\n\n\
             Keep it in your wallet: {claim}\n\
             Anyone can check it here: {verify}\n\
             The badge image, with the credential baked in: {image}\n\n\
             This mail was sent by Laurel on behalf of {org}.\n\
             Not expecting it, or is it unwanted? Tell us: {report}\n",
            org = org.name,
            badge = class.name,
        ),
        html: format!(
            "<p>Hello {name},</p><p>{org} has awarded you the badge <strong>{badge}</strong>.</p>\
             <p><a href=\"{claim}\">Keep it in your wallet</a></p>\
             <p>Anyone can check it on its <a href=\"{verify}\">verification page</a>. \
             <a href=\"{image}\">Download the badge image</a> (the credential is baked into it).</p>\
             <p>This mail was sent by Laurel on behalf of {org}. \
             Not expecting it, or is it unwanted? <a href=\"{report}\">Report it</a>.</p>",
            name = e(name),
            org = e(&org.name),
            badge = e(&class.name),
            claim = e(&claim),
            verify = e(&verify),
            image = e(&image),
            report = e(&report),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_adds_whole_years() {
        let t: DateTime<Utc> = "2024-02-29T12:00:00Z".parse().unwrap();
        assert_eq!(expiry(t, 0), None);
        assert_eq!(expiry(t, -1), None);
        assert_eq!(
            expiry(t, 1).unwrap().to_rfc3339(),
            "2025-02-28T12:00:00+00:00"
        );
        assert_eq!(
            expiry(t, 4).unwrap().to_rfc3339(),
            "2028-02-29T12:00:00+00:00"
        );
    }

    #[test]
    fn slugs_are_random_and_url_safe() {
        let a = new_slug();
        assert_eq!(a.len(), 22);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(a, new_slug());
    }
}
