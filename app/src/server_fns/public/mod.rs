//! What visitors see: an organisation's public page, a holder's public
//! profile and collections, a badge's verification page, the public verifier (any Open
//! Badge, no account) and the report of an unwanted mail.
//! Each file holds one server function, answered at `/api/public/<file name>`.

pub mod get_abuse_subject;
pub mod get_api_reference;
pub mod get_assertion;
pub mod get_organisation;
pub mod get_profile;
pub mod get_public_collection;
pub mod get_report;
pub mod report_abuse;
pub mod verify_badge;
