//! Badge templates: list, designer (save), duplicate, archive.
//! Each file holds one server function, answered at `/api/templates/<file name>`.

pub mod archive_template;
pub mod duplicate_template;
pub mod get_template;
pub mod get_templates;
pub mod save_template;
