//! The verifier's answer: one [`Check`] per question asked of the badge, each
//! with a sentence for the person who asked, and the documents it read.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a check looked at. The order of the variants is the order checks
/// appear in a [`Report`], from reading the input to the issuer it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckName {
    /// What the input is (JSON, a URL, a JWS, an image) and, for a URL,
    /// whether it could be fetched.
    Input,
    /// Reading the badge baked into a PNG or SVG image.
    Unbake,
    /// Whether the assertion or credential, and every document fetched for
    /// it, is JSON with the fields the specification requires.
    Structure,
    /// Whether the badge is authentic: the RS256 signature of a signed badge
    /// or VC-JWT, or for a hosted badge the copy served at its `id`.
    Signature,
    /// Whether the signing key belongs to the issuer.
    KeyOwnership,
    /// Whether the issuer may speak for where the badge (hosted) or the key
    /// (VC-JWT) lives.
    IssuerScope,
    /// Whether the issuer has revoked the badge.
    Revocation,
    /// Whether the badge is within its validity period at `Options::now`.
    Expiry,
    /// Whether the badge was awarded to `Options::recipient`.
    RecipientMatch,
    /// The badge class (OB 2.0) or achievement (OB 3.0).
    Badge,
    /// The issuer's profile.
    Issuer,
}

impl CheckName {
    /// Every check, in report order.
    pub const ALL: [CheckName; 11] = [
        CheckName::Input,
        CheckName::Unbake,
        CheckName::Structure,
        CheckName::Signature,
        CheckName::KeyOwnership,
        CheckName::IssuerScope,
        CheckName::Revocation,
        CheckName::Expiry,
        CheckName::RecipientMatch,
        CheckName::Badge,
        CheckName::Issuer,
    ];

    /// The question the check answers, in plain words (the public
    /// verifier's headings).
    pub fn question(self) -> &'static str {
        match self {
            CheckName::Input => "Is it a badge Laurel can read?",
            CheckName::Unbake => "Is a badge baked into the image?",
            CheckName::Structure => "Is it a well-formed Open Badge?",
            CheckName::Signature => "Is it authentic?",
            CheckName::KeyOwnership => "Does the signing key belong to the issuer?",
            CheckName::IssuerScope => "May the issuer speak for where it lives?",
            CheckName::Revocation => "Is it still in force (not revoked)?",
            CheckName::Expiry => "Is it within its validity period?",
            CheckName::RecipientMatch => "Was it awarded to this person?",
            CheckName::Badge => "What badge is it?",
            CheckName::Issuer => "Who issued it?",
        }
    }
}

/// How a check ended. Only `Failed` makes a badge invalid: `Skipped` means the
/// check did not apply or could not run (the message says why), `Warning`
/// flags something odd that does not by itself make the badge untrustworthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Failed,
    Skipped,
    Warning,
}

/// One answered question about the badge.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Check {
    pub name: CheckName,
    pub outcome: Outcome,
    /// A complete sentence (or two) for the person verifying the badge.
    pub message: String,
}

/// Everything the verifier found out about one badge.
///
/// Every check appears at least once, in [`CheckName`] order (`Unbake` only
/// for images); a check may appear more than once when several things went
/// wrong in it, or when a warning accompanies its result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// True when no check failed.
    pub valid: bool,
    /// `"2.0"` or `"3.0"` once the input was recognised as an Open Badges
    /// assertion or credential.
    pub version: Option<String>,
    pub checks: Vec<Check>,
    /// The assertion (OB 2.0: the hosted copy for hosted badges, the JWS
    /// payload for signed ones) or the credential (OB 3.0).
    pub assertion: Option<Value>,
    /// The badge class (OB 2.0) or achievement (OB 3.0).
    pub badge: Option<Value>,
    /// The issuer profile: fetched from its `id` for OB 2.0, as embedded in
    /// the credential for OB 3.0.
    pub issuer: Option<Value>,
}

impl Report {
    /// The first check with this name.
    pub fn check(&self, name: CheckName) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// The first failed check with this name, if any.
    pub fn failure(&self, name: CheckName) -> Option<&Check> {
        self.checks
            .iter()
            .find(|c| c.name == name && c.outcome == Outcome::Failed)
    }
}
