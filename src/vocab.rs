//! Laurel's closed vocabularies, one enum each, shared by the server and the
//! browser: organisation roles, badge and batch statuses, the register's sort
//! orders and the audit log's events. Each has one spelling, used in the
//! database, in URLs and in JSON (strum derives the word; `as_str`, `FromStr`
//! and serde all go through it), so no page or query compares raw strings.
//!
//! The store reads them from text columns with `#[sqlx(try_from = "String")]`
//! and binds `as_str()`; this crate stays free of database code.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A value that is not one of a vocabulary's words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("“{value}” is not a known {kind}.")]
pub struct UnknownWord {
    pub kind: &'static str,
    pub value: String,
}

/// Defines a vocabulary: the enum with the derives every vocabulary has
/// (`Copy`, `Ord` in declaration order, `Hash`, serde, strum's string form and variant list), and
/// `ALL`, `as_str`, `FromStr` (refusing unknown words with a sentence naming
/// `$kind`), `TryFrom<String>` and `Display`, all spelling the same word.
macro_rules! vocabulary {
    ($(
        $(#[$meta:meta])*
        pub enum $name:ident: $kind:literal {
            $($(#[$vmeta:meta])* $variant:ident,)+
        }
    )+) => {$(
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            Serialize,
            Deserialize,
            strum::IntoStaticStr,
            strum::VariantArray,
        )]
        #[serde(try_from = "String", into = "&'static str")]
        $(#[$meta])*
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every word, in declaration order (for selects and checks).
            pub const ALL: &'static [$name] = <$name as strum::VariantArray>::VARIANTS;

            /// The word as stored and sent.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownWord;
            fn from_str(s: &str) -> Result<Self, UnknownWord> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s.trim())
                    .ok_or_else(|| UnknownWord { kind: $kind, value: s.chars().take(40).collect() })
            }
        }

        // For `#[sqlx(try_from = "String")]` on the store's row fields.
        impl TryFrom<String> for $name {
            type Error = UnknownWord;
            fn try_from(s: String) -> Result<Self, UnknownWord> {
                s.parse()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )+};
}

vocabulary! {
    /// A member's role in one organisation. Ordered: a higher role includes
    /// everything a lower one may do.
    #[strum(serialize_all = "snake_case")]
    pub enum Role: "role" {
        /// Issues badges and edits templates.
        Regular,
        /// Also manages users, roles, subscription, payment details and API
        /// credentials.
        Privileged,
    }

    /// Where an issued badge stands. Revoked wins over expired, expired over
    /// active: see [`BadgeStatus::at`], the one place that rule is written.
    #[strum(serialize_all = "snake_case")]
    pub enum BadgeStatus: "badge status" {
        Active,
        Expired,
        Revoked,
    }

    /// A CSV batch's life: previewed, then confirmed (running) or cancelled;
    /// running until every row is issued or failed (done).
    #[strum(serialize_all = "snake_case")]
    pub enum BatchStatus: "batch status" {
        Preview,
        Running,
        Done,
        Cancelled,
    }

    /// One row of a CSV batch.
    #[strum(serialize_all = "snake_case")]
    pub enum RowStatus: "batch row status" {
        /// Refused at upload (the message says why).
        Invalid,
        /// Valid, waiting to be issued.
        Pending,
        Issued,
        /// Issued before (same holder, template and date): not issued again.
        Skipped,
        /// Issuing it failed (the message says why).
        Failed,
    }

    /// What a holder imported a badge from: a baked image or text (a URL,
    /// JSON, a JWS or a VC-JWT).
    #[strum(serialize_all = "snake_case")]
    pub enum ImportKind: "import kind" {
        Png,
        Svg,
        Text,
    }

    /// Where a badge is shared from its verification page (or the wallet).
    #[strum(serialize_all = "snake_case")]
    pub enum ShareChannel: "share channel" {
        Linkedin,
        X,
        Facebook,
        Email,
    }

    /// What happened to a badge, for its issuer's analytics (one
    /// append-only stream, `laurel_store` `analytics_events`): issued,
    /// claimed by its holder, a view of its verification page, a share click,
    /// an embed (oEmbed) fetched, a verifier fetching its signed document,
    /// an import into a wallet, revoked, expired.
    #[strum(serialize_all = "snake_case")]
    pub enum BadgeEventKind: "badge event" {
        Issued,
        Claimed,
        View,
        Share,
        Embed,
        Verified,
        Imported,
        Revoked,
        Expired,
    }

    /// Where a visitor of a verification page came from, told by the
    /// `Referer` header's host (only the class is kept, never the address).
    #[strum(serialize_all = "snake_case")]
    pub enum Referrer: "referrer" {
        /// No referrer, or a page of this Laurel.
        Direct,
        Search,
        /// A social network (LinkedIn, X, Facebook, Mastodon, …).
        Social,
        /// A badge embedded on another site (the embed card's link).
        Embed,
        Other,
    }

    /// Which signed or hosted document a verifier fetched (a browser gets
    /// the page instead: content negotiation tells them apart).
    #[strum(serialize_all = "snake_case")]
    pub enum VerifyFormat: "document format" {
        /// The OB 2.0 hosted assertion (JSON-LD).
        Ob2Json,
        /// The OB 2.0 signed assertion (JWS).
        Jws,
        /// The OB 3.0 credential as a VC-JWT.
        VcJwt,
        /// The OB 3.0 credential as JSON.
        Ob3Json,
    }

    /// How long after the achievement date a badge was issued (the seed
    /// article's "automated issuance efficiency").
    #[strum(serialize_all = "snake_case")]
    pub enum IssueDelay: "issue delay" {
        SameDay,
        UpToWeek,
        UpToMonth,
        Later,
    }

    /// Where a remote-issuing key came from: made in Laurel (its private
    /// half downloaded once) or a public key an organisation added.
    #[strum(serialize_all = "snake_case")]
    pub enum KeyOrigin: "key origin" {
        Generated,
        Uploaded,
    }

    /// What an API token may do (`/api/v1`), spelt as in OAuth scopes.
    pub enum ApiScope: "API scope" {
        #[strum(serialize = "templates:read")]
        TemplatesRead,
        #[strum(serialize = "badges:read")]
        BadgesRead,
        #[strum(serialize = "badges:issue")]
        BadgesIssue,
        #[strum(serialize = "badges:revoke")]
        BadgesRevoke,
    }

    /// What an organisation's webhook endpoints may be told (`ping` is the
    /// test event, sent on request only).
    #[strum(serialize_all = "snake_case")]
    pub enum WebhookEvent: "webhook event" {
        #[strum(serialize = "badge.issued")]
        BadgeIssued,
        #[strum(serialize = "badge.claimed")]
        BadgeClaimed,
        #[strum(serialize = "badge.revoked")]
        BadgeRevoked,
        #[strum(serialize = "badge.shared")]
        BadgeShared,
        #[strum(serialize = "batch.finished")]
        BatchFinished,
        #[strum(serialize = "ping")]
        Ping,
    }

    /// The issued-badge register's sort orders.
    #[derive(Default)]
    #[strum(serialize_all = "snake_case")]
    pub enum RegisterSort: "sort order" {
        #[default]
        Newest,
        Oldest,
        Name,
        Email,
    }

    /// Every event the audit log records, as `area.what_happened`.
    pub enum AuditEvent: "audit event" {
        #[strum(serialize = "organisation.activated")]
        OrganisationActivated,
        #[strum(serialize = "organisation.verified")]
        OrganisationVerified,
        #[strum(serialize = "organisation.unverified")]
        OrganisationUnverified,
        #[strum(serialize = "holder.signed_up")]
        HolderSignedUp,
        #[strum(serialize = "account.deleted")]
        AccountDeleted,
        #[strum(serialize = "user.signed_in")]
        SignedIn,
        #[strum(serialize = "user.sign_in_failed")]
        SignInFailed,
        #[strum(serialize = "user.locked_out")]
        LockedOut,
        #[strum(serialize = "user.signed_out_everywhere")]
        SignedOutEverywhere,
        #[strum(serialize = "password.changed")]
        PasswordChanged,
        #[strum(serialize = "password.change_failed")]
        PasswordChangeFailed,
        #[strum(serialize = "password.reset_requested")]
        PasswordResetRequested,
        #[strum(serialize = "password.reset")]
        PasswordReset,
        #[strum(serialize = "mfa.enabled")]
        MfaEnabled,
        #[strum(serialize = "mfa.disabled")]
        MfaDisabled,
        #[strum(serialize = "mfa.failed")]
        MfaFailed,
        #[strum(serialize = "mfa.recovery_code_used")]
        RecoveryCodeUsed,
        #[strum(serialize = "member.invited")]
        MemberInvited,
        #[strum(serialize = "member.role_changed")]
        RoleChanged,
        #[strum(serialize = "member.removed")]
        MemberRemoved,
        #[strum(serialize = "invitation.accepted")]
        InvitationAccepted,
        #[strum(serialize = "invitation.resent")]
        InvitationResent,
        #[strum(serialize = "invitation.revoked")]
        InvitationRevoked,
        #[strum(serialize = "profile.updated")]
        ProfileUpdated,
        #[strum(serialize = "profile.image_changed")]
        ProfileImageChanged,
        #[strum(serialize = "profile.image_removed")]
        ProfileImageRemoved,
        #[strum(serialize = "template.created")]
        TemplateCreated,
        #[strum(serialize = "template.updated")]
        TemplateUpdated,
        #[strum(serialize = "template.archived")]
        TemplateArchived,
        #[strum(serialize = "template.restored")]
        TemplateRestored,
        #[strum(serialize = "badge.issued")]
        BadgeIssued,
        #[strum(serialize = "badge.revoked")]
        BadgeRevoked,
        #[strum(serialize = "badge.mail_resent")]
        BadgeMailResent,
        #[strum(serialize = "batch.uploaded")]
        BatchUploaded,
        #[strum(serialize = "batch.confirmed")]
        BatchConfirmed,
        #[strum(serialize = "batch.cancelled")]
        BatchCancelled,
        #[strum(serialize = "batch.resumed")]
        BatchResumed,
        #[strum(serialize = "wallet.badge_imported")]
        BadgeImported,
        #[strum(serialize = "wallet.import_removed")]
        ImportRemoved,
        #[strum(serialize = "integration.created")]
        IntegrationCreated,
        #[strum(serialize = "integration.regenerated")]
        IntegrationRegenerated,
        #[strum(serialize = "integration.key_added")]
        IntegrationKeyAdded,
        #[strum(serialize = "integration.key_revoked")]
        IntegrationKeyRevoked,
        #[strum(serialize = "api_token.created")]
        ApiTokenCreated,
        #[strum(serialize = "api_token.revoked")]
        ApiTokenRevoked,
        #[strum(serialize = "webhook.created")]
        WebhookCreated,
        #[strum(serialize = "webhook.deleted")]
        WebhookDeleted,
        #[strum(serialize = "billing.plan_chosen")]
        PlanChosen,
        #[strum(serialize = "billing.plan_change_scheduled")]
        PlanChangeScheduled,
        #[strum(serialize = "billing.plan_ending_scheduled")]
        PlanEndingScheduled,
        #[strum(serialize = "billing.payment_method_added")]
        PaymentMethodAdded,
        #[strum(serialize = "billing.payment_method_removed")]
        PaymentMethodRemoved,
        #[strum(serialize = "billing.payment_method_default")]
        PaymentMethodDefault,
    }

    /// How an organisation pays: by card through Stripe, or by bank
    /// transfer against the invoice (the embedded default; an operator marks
    /// the invoice paid).
    #[strum(serialize_all = "snake_case")]
    pub enum PaymentProvider: "payment provider" {
        Invoice,
        Stripe,
    }

    /// A payment method's life: a card is pending until Stripe confirms the
    /// SetupIntent; removed methods are kept for the payment history.
    #[strum(serialize_all = "snake_case")]
    pub enum MethodStatus: "payment method status" {
        Pending,
        Confirmed,
        Removed,
    }

    /// An invoice or a credit note (a correction: invoices never change).
    #[strum(serialize_all = "snake_case")]
    pub enum InvoiceKind: "invoice kind" {
        Invoice,
        CreditNote,
    }

    /// Whether an invoice is still owed. `Void` is an invoice cancelled by a
    /// credit note.
    #[strum(serialize_all = "snake_case")]
    pub enum InvoiceStatus: "invoice status" {
        Open,
        Paid,
        Void,
    }

    /// One attempt to collect an invoice.
    #[strum(serialize_all = "snake_case")]
    pub enum PaymentStatus: "payment status" {
        Pending,
        Succeeded,
        Failed,
    }

    /// What is wrong with a mail Laurel sent, as its recipient reports it
    /// (the link at the foot of every holder mail).
    #[strum(serialize_all = "snake_case")]
    pub enum AbuseReason: "reason" {
        /// I never dealt with this organisation.
        Unexpected,
        /// Unwanted mail, or too much of it.
        Spam,
        /// It pretends to be someone else, or asks for money or passwords.
        Fraud,
        Other,
    }
}

impl AbuseReason {
    /// The choice as the report form words it.
    pub fn label(self) -> &'static str {
        match self {
            AbuseReason::Unexpected => "I never had anything to do with this organisation",
            AbuseReason::Spam => "It is unwanted mail, or too much of it",
            AbuseReason::Fraud => "It pretends to be someone else, or asks for money or passwords",
            AbuseReason::Other => "Something else",
        }
    }
}

/// An API token's scopes: a set of [`ApiScope`]s, written space-separated
/// (in the database, in forms and in the API's JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ApiScopes(std::collections::BTreeSet<ApiScope>);

impl ApiScopes {
    pub fn contains(&self, scope: ApiScope) -> bool {
        self.0.contains(&scope)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = ApiScope> + '_ {
        self.0.iter().copied()
    }
}

impl FromIterator<ApiScope> for ApiScopes {
    fn from_iter<I: IntoIterator<Item = ApiScope>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

impl std::fmt::Display for ApiScopes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let words: Vec<&str> = self.iter().map(ApiScope::as_str).collect();
        f.write_str(&words.join(" "))
    }
}

impl std::str::FromStr for ApiScopes {
    type Err = UnknownWord;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split_whitespace().map(str::parse).collect()
    }
}

impl TryFrom<String> for ApiScopes {
    type Error = UnknownWord;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl Role {
    /// True when a member with this role may do what `needed` may.
    pub fn includes(self, needed: Role) -> bool {
        self >= needed
    }
}

impl BadgeStatus {
    /// The status at `now` of a badge revoked at `revoked_at` (if ever) that
    /// expires at `expires_at` (if ever). A badge is expired from its expiry
    /// instant on.
    pub fn at(
        revoked_at: Option<DateTime<Utc>>,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Self {
        if revoked_at.is_some() {
            BadgeStatus::Revoked
        } else if expires_at.is_some_and(|e| e <= now) {
            BadgeStatus::Expired
        } else {
            BadgeStatus::Active
        }
    }

    /// The word shown to people ("Active").
    pub fn label(self) -> &'static str {
        match self {
            BadgeStatus::Active => "Active",
            BadgeStatus::Expired => "Expired",
            BadgeStatus::Revoked => "Revoked",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use strum::VariantArray;

    #[test]
    fn every_word_round_trips_through_text_and_json() {
        fn check<T>(all: &[T])
        where
            T: Copy + std::fmt::Debug + PartialEq + std::str::FromStr + Serialize,
            T: for<'de> Deserialize<'de> + std::fmt::Display,
            <T as std::str::FromStr>::Err: std::fmt::Debug,
        {
            for v in all {
                let text = v.to_string();
                assert_eq!(text.parse::<T>().unwrap(), *v);
                let json = serde_json::to_string(v).unwrap();
                assert_eq!(json, format!("\"{text}\""));
                assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *v);
            }
        }
        check(Role::VARIANTS);
        check(BadgeStatus::VARIANTS);
        check(BatchStatus::VARIANTS);
        check(RowStatus::VARIANTS);
        check(RegisterSort::VARIANTS);
        check(ImportKind::VARIANTS);
        check(ShareChannel::VARIANTS);
        check(BadgeEventKind::VARIANTS);
        check(Referrer::VARIANTS);
        check(VerifyFormat::VARIANTS);
        check(IssueDelay::VARIANTS);
        check(AuditEvent::VARIANTS);
        check(AbuseReason::VARIANTS);
        assert_eq!(AbuseReason::Unexpected.as_str(), "unexpected");
        assert_eq!(Role::Privileged.as_str(), "privileged");
        assert_eq!(AuditEvent::BadgeMailResent.as_str(), "badge.mail_resent");
        assert_eq!(RegisterSort::default(), RegisterSort::Newest);
    }

    #[test]
    fn unknown_words_are_refused_with_a_sentence() {
        let e = "owner".parse::<Role>().unwrap_err();
        assert_eq!(e.to_string(), "“owner” is not a known role.");
        assert!(
            Role::try_from("Privileged".to_owned()).is_err(),
            "case matters"
        );
        assert!("".parse::<BadgeStatus>().is_err());
        assert_eq!(" privileged ".parse::<Role>().unwrap(), Role::Privileged);
    }

    #[test]
    fn api_scopes_are_a_set_spelt_with_spaces() {
        let s: ApiScopes = "badges:read  templates:read badges:read".parse().unwrap();
        assert_eq!(s.to_string(), "templates:read badges:read");
        assert!(s.contains(ApiScope::BadgesRead) && !s.contains(ApiScope::BadgesIssue));
        let e = "badges:read badges:write".parse::<ApiScopes>().unwrap_err();
        assert_eq!(e.to_string(), "“badges:write” is not a known API scope.");
        assert!("".parse::<ApiScopes>().unwrap().is_empty());
    }

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Privileged.includes(Role::Regular));
        assert!(Role::Privileged.includes(Role::Privileged));
        assert!(!Role::Regular.includes(Role::Privileged));
    }

    #[test]
    fn revoked_beats_expired_beats_active() {
        let now = Utc::now();
        let past = Some(now - Duration::days(1));
        let future = Some(now + Duration::days(1));
        assert_eq!(BadgeStatus::at(None, None, now), BadgeStatus::Active);
        assert_eq!(BadgeStatus::at(None, future, now), BadgeStatus::Active);
        assert_eq!(BadgeStatus::at(None, past, now), BadgeStatus::Expired);
        assert_eq!(BadgeStatus::at(None, Some(now), now), BadgeStatus::Expired);
        assert_eq!(BadgeStatus::at(Some(now), past, now), BadgeStatus::Revoked);
        assert_eq!(
            BadgeStatus::at(Some(now), future, now),
            BadgeStatus::Revoked
        );
    }
}
