//! Server functions, grouped in folders by area. Each file holds one
//! `#[server]` function of the same name, answered at `/api/<area>/<name>`
//! (its `endpoint`), so a URL seen in the browser or a log leads to its file:
//! `/api/issuing/get_register` is `server_fns/issuing/get_register.rs`. Each
//! checks its input and the caller's role (`ssr::access::require_role` first,
//! when organisation-scoped), calls `laurel_service` or `laurel_store`, and
//! returns plain data for the components.

pub mod account;
pub mod analytics;
pub mod billing;
pub mod claim;
pub mod issuing;
pub mod members;
pub mod public;
pub mod security;
pub mod settings;
pub mod templates;
pub mod wallet;
