//! Remote issuing, wire-compatible with EXeed (`laurel::remote` has the
//! format and the signature check): the one place a signed request becomes
//! a badge, through [`Issuer::issue`] like every other award, so signing,
//! idempotency (the same integration, template, holder and date give the
//! first badge back, never a second), usage counting and the holder's mail
//! hold for it too.
//!
//! Every refusal of authenticity is the same [`RemoteError::Unauthorized`]:
//! an unknown integration ID, a missing, malformed or wrong signature, a
//! stale timestamp, a revoked key — nothing that tells an attacker which.

use chrono::Utc;
use laurel::award::{Award, Holder};
use laurel::crypto::PublicKey;
use laurel::remote::{self, FieldError, RequestError};
use laurel_store::{AssertionRow, IssueOutcome, Organisation};

use crate::issuing::{Issuer, Source};
use crate::{accounts, ServerContext, ServiceError};

#[derive(Debug)]
pub enum RemoteError {
    /// The body is not a JSON object.
    NotJson,
    /// Fields missing or not valid, each named.
    Fields(Vec<FieldError>),
    /// Not authentic (whatever the reason: see the module's text).
    Unauthorized,
    /// No active template with this external ID.
    UnknownTemplate,
    /// Over [`ServerContext::api_per_minute`]; try again after this many seconds.
    TooMany(i64),
    /// The organisation may not issue (the text says why).
    Forbidden(String),
    /// Billing refuses issuing (the text says why): 402.
    PaymentRequired(String),
    /// A new organisation's daily sending limit (the text says which): 429.
    Limited(String),
    /// The database is unavailable; nothing was saved: 503.
    Unavailable(String),
    Internal,
}

impl From<ServiceError> for RemoteError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Forbidden => {
                RemoteError::Forbidden("This organisation may not issue badges.".into())
            }
            ServiceError::PaymentRequired(why) => RemoteError::PaymentRequired(why),
            ServiceError::TooMany(why) => RemoteError::Limited(why),
            ServiceError::Unavailable(why) => RemoteError::Unavailable(why),
            _ => RemoteError::Internal,
        }
    }
}

impl From<laurel_store::StoreError> for RemoteError {
    fn from(e: laurel_store::StoreError) -> Self {
        ServiceError::from(e).into()
    }
}

/// What a request made: a new badge, or the one the same request made before.
#[derive(Debug, Clone)]
pub struct Issued {
    pub created: bool,
    pub organisation: Organisation,
    pub assertion: AssertionRow,
}

/// Answers one remote-issue request: `body` as received, `signature` the
/// `IssuerIntegration` header, `timestamp` the optional
/// `IssuerIntegration-Timestamp` header.
pub async fn issue(
    ctx: &ServerContext,
    body: &[u8],
    signature: Option<&str>,
    timestamp: Option<&str>,
) -> Result<Issued, RemoteError> {
    let req = remote::parse(body).map_err(|e| match e {
        RequestError::NotJson => RemoteError::NotJson,
        RequestError::Fields(f) => RemoteError::Fields(f),
    })?;
    let Some(integration) = ctx.store.integration_by_id(&req.integration_id).await? else {
        tracing::info!("remote issue: unknown integration");
        return Err(RemoteError::Unauthorized);
    };
    let org = ctx
        .store
        .organisation_by_id(integration.organisation_id)
        .await?
        .ok_or(RemoteError::Unauthorized)?;
    // Each active key with its row id, so the one that signed can be marked used.
    let (ids, keys): (Vec<i64>, Vec<PublicKey>) = ctx
        .store
        .active_integration_keys(org.id)
        .await?
        .into_iter()
        .filter_map(|k| Some((k.id, PublicKey::from_pem(&k.public_pem).ok()?)))
        .unzip();
    let signed_by = match remote::verify(
        &req,
        &org.subdomain,
        signature,
        timestamp,
        &keys,
        Utc::now(),
    ) {
        Ok(i) => i,
        Err(problem) => {
            tracing::info!(
                organisation = org.id,
                ?problem,
                "remote issue: not authentic"
            );
            return Err(RemoteError::Unauthorized);
        }
    };
    if let Some(id) = ids.get(signed_by) {
        ctx.store.touch_integration_key(*id).await?;
    }
    match accounts::rate_limit(
        &ctx.store,
        &format!("remote:{}", org.id),
        ctx.api_per_minute,
        60,
    )
    .await
    {
        Ok(()) => {}
        Err(ServiceError::TooMany(_)) => return Err(RemoteError::TooMany(60)),
        Err(e) => return Err(e.into()),
    }
    let Some((template, class)) = ctx
        .store
        .template_by_external_id(org.id, &req.external_template_id)
        .await?
        .filter(|(t, _)| t.archived_at.is_none())
    else {
        return Err(RemoteError::UnknownTemplate);
    };
    let award = Award {
        holder: Holder {
            email: req.holder_email.clone(),
            first_name: req.holder_first_name.trim().to_owned(),
            last_name: req.holder_last_name.trim().to_owned(),
            last_name_prefix: req.holder_last_name_prefix.trim().to_owned(),
            is_individual: req.is_holder_individual,
        },
        achieved_on: req.passed_exam_date,
        evidence_url: None,
        evidence_narrative: None,
        template: None,
    };
    let issuer = Issuer::of(ctx, &org).await?;
    let outcome = issuer
        .issue(Some(template.id), &class, &award, Source::Api)
        .await?;
    Ok(match outcome {
        IssueOutcome::Issued(a) => Issued {
            created: true,
            organisation: org,
            assertion: a,
        },
        IssueOutcome::AlreadyIssued(a) => Issued {
            created: false,
            organisation: org,
            assertion: a,
        },
    })
}

/// The zip a privileged member downloads once when Laurel generates an
/// integration key: the private key as .NET XML and as PKCS#8 PEM, and a
/// note with the values a client needs. Nothing of it is kept.
pub fn key_bundle(
    key: &laurel::crypto::SigningKey,
    integration_id: &str,
    domain_name: &str,
    endpoint: &str,
) -> Result<Vec<u8>, zip::result::ZipError> {
    use std::io::Write;
    let note = format!(
        "Laurel remote issuing (EXeed-compatible)\n\n\
         Endpoint:            POST {endpoint}\n\
         issuerIntegrationId: {integration_id}\n\
         DomainName:          {domain_name}\n\
         Key fingerprint:     {}\n\n\
         integration-key.xml  the private key for RSACryptoServiceProvider.FromXmlString (.NET)\n\
         integration-key.pem  the same private key as PKCS#8 PEM (OpenSSL, Python, Node…)\n\n\
         Laurel keeps only the public key. Keep these files secret; if they leak,\n\
         revoke the key in Settings → API and make a new one.\n",
        key.public_key().thumbprint()
    );
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o600);
    for (name, body) in [
        ("integration-key.xml", key.to_dotnet_xml()),
        ("integration-key.pem", key.to_pkcs8_pem()),
        ("README.txt", note),
    ] {
        zip.start_file(name, options)?;
        zip.write_all(body.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}
