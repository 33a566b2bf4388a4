//! Pieces every form uses: labelled fields and the error line of an action.

use leptos::prelude::*;

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
                class="mt-1 w-full rounded border border-stone-300 px-3 py-2"
            />
            {hint.map(|h| view! { <p id=hint_id class="mt-1 text-xs text-stone-600">{h}</p> })}
        </div>
    }
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

pub const BUTTON: &str =
    "rounded bg-emerald-700 px-4 py-2 font-medium text-white hover:bg-emerald-800";
