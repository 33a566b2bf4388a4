//! The holder's claim page: see the badge, accept it, keep it in a wallet
//! (creating the account when the address has none).
//! Each file holds one server function, answered at `/api/claim/<file name>`.

pub mod accept_badge;
pub mod create_wallet;
pub mod get_claim;
