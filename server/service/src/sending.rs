//! How much a new organisation may send. Anyone can sign up and start a
//! trial, and every badge brings a Laurel-branded mail to an address the
//! organisation chose; so until the operator has verified the organisation
//! (`laurel orgs verify`) or it has paid an invoice, it issues at most
//! [`NEW_ORGANISATION`]'s badges and mails a day, and each badge's mail is
//! sent again at most [`RESENDS_PER_BADGE`] times a day. This module is the
//! one place that decides when the limits apply and what they say; the
//! store counts against them in the transaction that queues each mail.

use chrono::{DateTime, Utc};
use laurel_store::{day_key, Conflict, DailyLimit, Organisation, Store, StoreError};

use crate::ServiceError;

/// The daily limits of an organisation that is neither verified nor has
/// paid: badges issued, and mails to people outside it (badge mails,
/// resends, invitations), per UTC day.
pub const NEW_ORGANISATION: DailyLimit = DailyLimit {
    badges: 100,
    mails: 200,
};

/// How many times a day one badge's mail may be sent again.
pub const RESENDS_PER_BADGE: i64 = 3;

/// The limits that apply to the organisation now: none once the operator
/// verified it or it paid an invoice (read afresh, not from a copy of the
/// organisation loaded earlier).
pub async fn daily_limit(
    store: &Store,
    organisation_id: i64,
) -> Result<Option<DailyLimit>, ServiceError> {
    let trusted = store
        .sending_trusted(organisation_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok((!trusted).then_some(NEW_ORGANISATION))
}

fn limit_sentence(limit: DailyLimit) -> String {
    format!(
        "Until Laurel verifies your organisation, it can issue {} badges and send {} mails a day, and today's are used up. \
         Sending goes on tomorrow (UTC), or at once when your organisation is verified or its paid plan has started: \
         ask the operator of this Laurel to verify it.",
        limit.badges, limit.mails
    )
}

/// The store's refusal as the sentence to show (a 429 to machines).
pub fn limit_reached(e: StoreError) -> ServiceError {
    match e {
        StoreError::Conflict(Conflict::DailyLimitReached) => {
            ServiceError::TooMany(limit_sentence(NEW_ORGANISATION))
        }
        other => other.into(),
    }
}

/// The sentence refusing `badges` more today, if the limits apply and
/// they would be passed (pages show it before anyone tries).
pub async fn refusal(
    store: &Store,
    organisation_id: i64,
    now: DateTime<Utc>,
    badges: i64,
) -> Result<Option<String>, ServiceError> {
    let Some(limit) = daily_limit(store, organisation_id).await? else {
        return Ok(None);
    };
    let (sent_badges, sent_mails) = store.sent_on(organisation_id, &day_key(now)).await?;
    let left = (limit.badges - sent_badges)
        .min(limit.mails - sent_mails)
        .max(0);
    Ok((badges > left).then(|| {
        if left == 0 {
            limit_sentence(limit)
        } else {
            format!(
                "Until Laurel verifies your organisation, it can issue {} badges a day: {left} more today, and this would issue {badges}. \
                 Issue fewer today, or ask the operator of this Laurel to verify your organisation.",
                limit.badges
            )
        }
    }))
}

/// What a page says of the limits while they apply: `(badges, mails)`
/// left today, or `None` when the organisation sends without them.
pub async fn left_today(
    store: &Store,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<(i64, i64)>, ServiceError> {
    let Some(limit) = daily_limit(store, organisation_id).await? else {
        return Ok(None);
    };
    let (badges, mails) = store.sent_on(organisation_id, &day_key(now)).await?;
    Ok(Some((
        (limit.badges - badges).max(0),
        (limit.mails - mails).max(0),
    )))
}

/// Counts one mail the organisation sends outside issuing (a resent badge
/// mail, an invitation) against today's limit, when it applies; refused
/// with the sentence to show when the limit is reached.
pub async fn count_mail(
    store: &Store,
    organisation_id: i64,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let Some(limit) = daily_limit(store, organisation_id).await? else {
        return Ok(());
    };
    store
        .count_mail(organisation_id, &day_key(now), limit)
        .await
        .map_err(limit_reached)
}

/// Counts one more resend of the badge `slug`'s mail; refused past
/// [`RESENDS_PER_BADGE`] in 24 hours, with when it may be sent again. (A
/// resend the daily mail limit then refuses has still used one up.)
pub async fn count_resend(
    store: &Store,
    org: &Organisation,
    slug: &str,
) -> Result<(), ServiceError> {
    let (count, retry_in) = store
        .hit_rate_limit(&format!("resend:{}:{slug}", org.id), 24 * 3600)
        .await?;
    if count > RESENDS_PER_BADGE {
        let hours = (retry_in + 3599) / 3600;
        return Err(ServiceError::TooMany(format!(
            "This badge's mail was already sent again {RESENDS_PER_BADGE} times today. It can be sent again in {hours} h."
        )));
    }
    Ok(())
}
