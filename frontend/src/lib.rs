//! The WebAssembly entry point. Laurel hydrates in islands mode: the page is
//! server HTML, and the loader (`<HydrationScripts islands=true>`) calls this
//! entry, then hydrates each `<leptos-island>` on the page with its function
//! from this module. Nothing else lives here.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // Links the app crate, whose islands this module exports, and marks the
    // document as live for tests (and anyone looking).
    laurel_app::mark_hydrated();
}
