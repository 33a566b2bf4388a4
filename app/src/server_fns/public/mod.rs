//! What visitors see: an organisation's public page, a holder's public
//! profile and a badge's verification page.
//! Each file holds one server function, answered at `/api/public/<file name>`.

pub mod get_assertion;
pub mod get_organisation;
pub mod get_profile;
