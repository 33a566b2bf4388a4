//! Server functions, one per file. Each checks its input, calls the store or
//! the core library, and returns plain data for the components.

pub mod get_assertion;
pub mod get_organisation;
