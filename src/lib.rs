//! # Laurel core
//!
//! The Open Badges core of Laurel: the domain types that parse, the Open
//! Badges 2.0 / 3.0 credential model, recipient hashing, signing and baking.
//! This crate has no web framework and no database code so that it can be
//! tested on its own (`cargo test -p laurel`). Its features `crypto`, `bake`,
//! `image` and `verify` (all on by default) add signing, baking, image checks
//! and the verifier; without them it compiles to the browser's WebAssembly
//! with only what pages use (domain types, vocabularies, template fields,
//! Markdown).

pub mod analytics;
pub mod award;
#[cfg(feature = "bake")]
pub mod bake;
pub mod billing;
#[cfg(feature = "crypto")]
pub mod crypto;
pub mod domain;
#[cfg(feature = "image")]
pub mod image;
pub mod markdown;
pub mod ob2;
pub mod ob3;
pub mod recipient;
#[cfg(feature = "crypto")]
pub mod remote;
pub mod share;
pub mod template;
#[cfg(feature = "verify")]
pub mod verify;
pub mod vocab;

pub use domain::{Email, Handle, ParseError, PublicUrl, SocialLinks, Subdomain};
pub use vocab::{
    AbuseReason, ApiScope, ApiScopes, AuditEvent, BadgeEventKind, BadgeStatus, BatchStatus,
    ImportKind, InvoiceKind, InvoiceStatus, IssueDelay, KeyOrigin, MethodStatus, PaymentProvider,
    PaymentStatus, Referrer, RegisterSort, Role, RowStatus, ShareChannel, VerifyFormat,
    WebhookEvent,
};
