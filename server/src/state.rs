//! The router's state: Leptos' options plus the context server functions use.

use axum::extract::FromRef;
use laurel_service::ServerContext;
use leptos::prelude::LeptosOptions;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub ctx: ServerContext,
    /// `LAUREL_DATA_DIR` (the development mail page reads it).
    pub data_dir: std::path::PathBuf,
    /// `/metrics`: its token and the Prometheus renderer.
    pub metrics: crate::metrics::Metrics,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for ServerContext {
    fn from_ref(state: &AppState) -> Self {
        state.ctx.clone()
    }
}
