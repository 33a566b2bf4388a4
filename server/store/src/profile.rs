//! An organisation's public profile: summary, image and social links.

use super::{with_pool, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Default, sqlx::FromRow)]
pub struct OrganisationProfile {
    pub summary: String,
    pub image_type: Option<String>,
    pub linkedin_url: String,
    pub linkedin_visible: bool,
    pub facebook_url: String,
    pub facebook_visible: bool,
    pub twitter_url: String,
    pub twitter_visible: bool,
    pub wechat_id: String,
    pub wechat_visible: bool,
}

const COLUMNS: &str = "summary, image_type, linkedin_url, linkedin_visible, facebook_url, \
    facebook_visible, twitter_url, twitter_visible, wechat_id, wechat_visible";

impl Store {
    pub async fn organisation_profile(
        &self,
        organisation_id: i64,
    ) -> Result<Option<OrganisationProfile>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM organisations WHERE id = $1");
        Ok(with_pool!(self, p => {
            sqlx::query_as::<_, OrganisationProfile>(&sql)
                .bind(organisation_id)
                .fetch_optional(p)
                .await
        })?)
    }

    /// Saves the text parts of the profile (the image has its own calls).
    pub async fn save_organisation_profile(
        &self,
        organisation_id: i64,
        p: &OrganisationProfile,
    ) -> Result<(), StoreError> {
        with_pool!(self, pool => {
            sqlx::query(
                "UPDATE organisations SET summary = $1, linkedin_url = $2, linkedin_visible = $3, \
                 facebook_url = $4, facebook_visible = $5, twitter_url = $6, twitter_visible = $7, \
                 wechat_id = $8, wechat_visible = $9 WHERE id = $10",
            )
            .bind(&p.summary)
            .bind(&p.linkedin_url)
            .bind(p.linkedin_visible)
            .bind(&p.facebook_url)
            .bind(p.facebook_visible)
            .bind(&p.twitter_url)
            .bind(p.twitter_visible)
            .bind(&p.wechat_id)
            .bind(p.wechat_visible)
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
        Ok(match row {
            Some((Some(t), Some(b))) => Some((t, b)),
            _ => None,
        })
    }
}
