//! The WebAssembly entry point: hydrate the server-rendered HTML into the
//! interactive Leptos application. Nothing else lives here.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(laurel_app::App);
}
