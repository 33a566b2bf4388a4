pub mod form;
pub mod layout;
pub mod portal;
pub mod social;
pub mod style;
