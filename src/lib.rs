//! # Laurel core
//!
//! The Open Badges core of Laurel: the domain types that parse, and (as later
//! work lands) the Open Badges 2.0 / 3.0 credential model, recipient hashing,
//! signing and baking. This crate has no web framework and no database code so
//! that it can be tested on its own (`cargo test -p laurel`) and compiled to
//! WebAssembly for the browser.

pub mod domain;

pub use domain::{Email, ParseError, PublicUrl, Subdomain};
