use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimView {
    pub badge: String,
    pub description: String,
    pub issuer: String,
    pub holder: String,
    pub image_url: String,
    pub verify_url: String,
    pub download_url: String,
    pub issued_on: String,
    pub revoked: bool,
    pub claimed: bool,
    /// The assertion's public slug.
    pub slug: String,
    /// The address the badge was issued to.
    pub email: String,
    /// How the holder keeps it in a wallet.
    pub wallet: ClaimWallet,
}

/// Where the claim page sends the holder for their wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimWallet {
    /// Signed in with the badge's address: the wallet holds it.
    SignedIn,
    /// The address has an account: sign in.
    SignIn,
    /// No account yet: create one here.
    Create,
}

/// What a holder's claim link shows: their badge and how to keep it.
#[server(endpoint = "claim/get_claim")]
pub async fn get_claim(token: String) -> Result<ClaimView, AppError> {
    use crate::ssr::{auth, context};
    use laurel_service::accounts;

    let ctx = context()?;
    let a = ctx
        .store
        .assertion_by_claim_token(&accounts::token_hash(&token))
        .await?
        .ok_or_else(|| {
            AppError::Invalid(
                "This claim link is not valid (a newer mail may have replaced it).".into(),
            )
        })?;
    let class = ctx
        .store
        .badge_class_by_id(a.badge_class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = ctx
        .store
        .organisation_by_id(a.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let urls = ctx.urls(&org.subdomain);
    let download_url = urls.baked(&a.slug, &class.image_type);
    let holder = ctx.store.address_holder(&a.recipient_email).await?;
    let me = auth::current_user().await?.map(|u| u.user_id);
    let wallet = match holder {
        Some(id) if Some(id) == me => ClaimWallet::SignedIn,
        Some(_) => ClaimWallet::SignIn,
        None => ClaimWallet::Create,
    };
    Ok(ClaimView {
        badge: class.name,
        description: class.description,
        issuer: org.name,
        holder: a.recipient_name,
        image_url: urls.badge_image(&class.slug),
        verify_url: urls.assertion(&a.slug),
        download_url,
        issued_on: a.issued_on.format("%Y-%m-%d").to_string(),
        revoked: a.revoked_at.is_some(),
        claimed: a.claimed_at.is_some(),
        slug: a.slug,
        email: a.recipient_email,
        wallet,
    })
}
