//! The holder's claim page: see the badge, accept it.
//! Each file holds one server function, answered at `/api/claim/<file name>`.

pub mod accept_badge;
pub mod get_claim;
