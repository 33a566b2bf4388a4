pub mod form;
pub mod layout;
pub mod portal;
pub mod style;
