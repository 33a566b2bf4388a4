//! # Laurel core
//!
//! The Open Badges core of Laurel: the domain types that parse, the Open
//! Badges 2.0 / 3.0 credential model, recipient hashing, signing and baking.
//! This crate has no web framework and no database code so that it can be
//! tested on its own (`cargo test -p laurel`); without its `crypto` feature it
//! also compiles to WebAssembly for the browser.

pub mod award;
pub mod bake;
#[cfg(feature = "crypto")]
pub mod crypto;
pub mod domain;
pub mod image;
pub mod markdown;
pub mod ob2;
pub mod ob3;
pub mod recipient;
pub mod template;
#[cfg(feature = "crypto")]
pub mod verify;

pub use domain::{Email, ParseError, PublicUrl, Subdomain};
