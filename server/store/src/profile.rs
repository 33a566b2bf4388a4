//! Public profiles' shared parts — an organisation's (summary, image, social
//! links, contact address, LinkedIn company ID) — and the social-link
//! columns that organisations and holders share (`SocialColumns`, read into
//! and written from [`laurel::SocialLinks`]).

use laurel::SocialLinks;

use super::{with_pool, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrganisationProfile {
    pub summary: String,
    pub image_type: Option<String>,
    pub links: SocialLinks,
    /// The public contact address (the Issuer profile's `email`); empty
    /// when not set.
    pub contact_email: String,
    /// LinkedIn's company ID (`organizationId` of the add-to-profile
    /// link); empty when not set.
    pub linkedin_org_id: String,
}

/// The eight social-link columns, as both `organisations` and
/// `holder_profiles` name them.
#[derive(sqlx::FromRow)]
pub(crate) struct SocialColumns {
    linkedin_url: String,
    linkedin_visible: bool,
    facebook_url: String,
    facebook_visible: bool,
    twitter_url: String,
    twitter_visible: bool,
    wechat_id: String,
    wechat_visible: bool,
}

impl From<SocialColumns> for SocialLinks {
    fn from(c: SocialColumns) -> Self {
        SocialLinks {
            linkedin_url: c.linkedin_url,
            linkedin_visible: c.linkedin_visible,
            facebook_url: c.facebook_url,
            facebook_visible: c.facebook_visible,
            twitter_url: c.twitter_url,
            twitter_visible: c.twitter_visible,
            wechat_id: c.wechat_id,
            wechat_visible: c.wechat_visible,
        }
    }
}

pub(crate) const SOCIAL_COLUMNS: &str = "linkedin_url, linkedin_visible, facebook_url, \
    facebook_visible, twitter_url, twitter_visible, wechat_id, wechat_visible";

/// `SET linkedin_url = $n, …` for the eight columns, numbered from `first`;
/// bind them with [`bind_social`] in the same order.
pub(crate) fn social_assignments(first: usize) -> String {
    SOCIAL_COLUMNS
        .split(", ")
        .enumerate()
        .map(|(i, c)| format!("{c} = ${}", first + i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Binds the eight social-link values in [`SOCIAL_COLUMNS`]' order.
macro_rules! bind_social {
    ($query:expr, $links:expr) => {
        $query
            .bind(&$links.linkedin_url)
            .bind($links.linkedin_visible)
            .bind(&$links.facebook_url)
            .bind($links.facebook_visible)
            .bind(&$links.twitter_url)
            .bind($links.twitter_visible)
            .bind(&$links.wechat_id)
            .bind($links.wechat_visible)
    };
}
pub(crate) use bind_social;

#[derive(sqlx::FromRow)]
struct OrganisationProfileRow {
    summary: String,
    image_type: Option<String>,
    contact_email: String,
    linkedin_org_id: String,
    #[sqlx(flatten)]
    links: SocialColumns,
}

impl Store {
    pub async fn organisation_profile(
        &self,
        organisation_id: i64,
    ) -> Result<Option<OrganisationProfile>, StoreError> {
        let sql = format!(
            "SELECT summary, image_type, contact_email, linkedin_org_id, {SOCIAL_COLUMNS} \
             FROM organisations WHERE id = $1"
        );
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, OrganisationProfileRow>(&sql)
                .bind(organisation_id)
                .fetch_optional(p)
                .await
        })?;
        Ok(row.map(|r| OrganisationProfile {
            summary: r.summary,
            image_type: r.image_type,
            contact_email: r.contact_email,
            linkedin_org_id: r.linkedin_org_id,
            links: r.links.into(),
        }))
    }

    /// The LinkedIn company ID the organisation entered, if any: what every
    /// add-to-LinkedIn link of its badges names as `organizationId`.
    pub async fn linkedin_org_id(
        &self,
        organisation_id: i64,
    ) -> Result<Option<String>, StoreError> {
        let id = with_pool!(self, p => {
            sqlx::query_scalar::<_, String>("SELECT linkedin_org_id FROM organisations WHERE id = $1")
                .bind(organisation_id)
                .fetch_optional(p)
                .await
        })?;
        Ok(id.filter(|id| !id.is_empty()))
    }

    /// Saves the text parts of the profile (the image has its own calls).
    pub async fn save_organisation_profile(
        &self,
        organisation_id: i64,
        p: &OrganisationProfile,
    ) -> Result<(), StoreError> {
        let sql = format!(
            "UPDATE organisations SET summary = $1, contact_email = $2, linkedin_org_id = $3, {} \
             WHERE id = $12",
            social_assignments(4)
        );
        with_pool!(self, pool => {
            bind_social!(
                sqlx::query(&sql)
                    .bind(&p.summary)
                    .bind(&p.contact_email)
                    .bind(&p.linkedin_org_id),
                p.links
            )
            .bind(organisation_id)
            .execute(pool)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Sets (`Some`) or removes (`None`) the profile image.
    pub async fn set_organisation_image(
        &self,
        organisation_id: i64,
        image: Option<(&str, &[u8])>,
    ) -> Result<(), StoreError> {
        let (kind, bytes) = match image {
            Some((k, b)) => (Some(k), Some(b)),
            None => (None, None),
        };
        with_pool!(self, p => {
            sqlx::query("UPDATE organisations SET image_type = $1, image = $2 WHERE id = $3")
                .bind(kind)
                .bind(bytes)
                .bind(organisation_id)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// `(content type, bytes)` of the profile image, if there is one.
    pub async fn organisation_image(
        &self,
        organisation_id: i64,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let row = with_pool!(self, p => {
            sqlx::query_as::<_, (Option<String>, Option<Vec<u8>>)>(
                "SELECT image_type, image FROM organisations WHERE id = $1",
            )
            .bind(organisation_id)
            .fetch_optional(p)
            .await
        })?;
        Ok(image_of(row))
    }
}

/// `(content type, bytes)` of an image's two columns, when both are set.
pub(crate) fn image_of(
    row: Option<(Option<String>, Option<Vec<u8>>)>,
) -> Option<(String, Vec<u8>)> {
    match row {
        Some((Some(t), Some(b))) => Some((t, b)),
        _ => None,
    }
}
