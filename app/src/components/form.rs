//! Pieces every form uses: labelled fields and the error line of an action.

use leptos::prelude::*;

use crate::components::style::INPUT;
use crate::error::AppError;

/// A labelled input. `name` is the server function argument it fills.
#[component]
pub fn Field(
    label: &'static str,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(default = true)] required: bool,
) -> impl IntoView {
    let hint_id = hint.map(|_| format!("{name}-hint"));
    view! {
        <div>
            <label for=name class="block text-sm font-semibold">{label}</label>
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                value=value
                aria-describedby=hint_id.clone()
                class=INPUT
            />
            {hint.map(|h| view! { <p id=hint_id class="mt-1 text-xs text-stone-600">{h}</p> })}
        </div>
    }
}

/// Text for a `<textarea>`'s content or the document `<title>`: the
/// one place such text is escaped. Leptos escapes every text node but
/// these: tachys renders a `<textarea>`'s children, and leptos_meta the
/// title, as they are, so a stored value holding `</textarea>` or
/// `</title>` would close the element and inject markup (stored XSS).
/// Escaped on the server only: in the browser the text goes into the DOM
/// as text, where an entity would show as one.
pub fn rcdata(text: impl Into<String>) -> String {
    let text = text.into();
    #[cfg(feature = "ssr")]
    {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}

/// The error of the last plain (JavaScript-free) submission of the form of
/// server function `F`, which the server sent back in the page's URL
/// (`?__path=…&__err=…`); `None` when that error belongs to another form.
/// Multipart forms post without an `ActionForm`, so they read it here.
pub fn url_error<F: leptos::server_fn::ServerFn>() -> Option<AppError> {
    use leptos::server_fn::error::ServerFnUrlError;
    use_context::<leptos::server::ServerActionError>()
        .filter(|e| e.path() == F::PATH)
        .map(|e| ServerFnUrlError::<AppError>::decode_err(e.err()))
}

/// The error of the last submission of an action, as an alert.
#[component]
pub fn ActionError(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! {
                <p role="alert" class="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
                    {e.to_string()}
                </p>
            }
        })
    }
}
