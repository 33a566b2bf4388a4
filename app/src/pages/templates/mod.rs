//! Badge templates (`/portal/:subdomain/templates…`), one module per page:
//! the list, a template's page (preview, versions, issue by hand) and the
//! designer with its live preview. Every form works without JavaScript;
//! hydrated, the designer previews as you type and keeps your input when the
//! server refuses it.

mod designer;
mod detail;
mod list;
mod preview;

pub use designer::TemplateEditorPage;
pub use detail::TemplatePage;
pub use list::TemplatesPage;
