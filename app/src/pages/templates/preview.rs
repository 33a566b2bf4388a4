//! The badge as holders and visitors see it: the designer's live preview and
//! the template page.

use leptos::prelude::*;

/// The badge as holders and visitors see it (the designer's live preview
/// and the template page).
#[component]
pub fn BadgePreview(
    #[prop(into)] name: Signal<String>,
    #[prop(into)] description: Signal<String>,
    #[prop(into)] criteria: Signal<String>,
    #[prop(into)] criteria_url: Signal<String>,
    #[prop(into)] tags: Signal<String>,
    #[prop(into)] validity: Signal<String>,
    #[prop(into)] image_url: Signal<Option<String>>,
    issuer: String,
) -> impl IntoView {
    view! {
        <figure class="space-y-3 rounded-lg border border-stone-200 bg-white p-5 shadow-sm" data-testid="preview">
            <figcaption class="text-xs uppercase tracking-wide text-stone-500">
                "Preview: how holders and visitors see this badge"
            </figcaption>
            <div class="flex items-start gap-4">
                {move || match image_url.get() {
                    Some(u) => view! { <img src=u alt="Badge image" width="96" height="96" class="h-24 w-24 object-contain" /> }.into_any(),
                    None => view! { <div class="flex h-24 w-24 items-center justify-center rounded-full bg-stone-100 text-xs text-stone-700">"No image yet"</div> }.into_any(),
                }}
                <div class="min-w-0 space-y-1">
                    <p class="text-lg font-semibold" data-testid="preview-name">
                        {move || { let n = name.get(); if n.trim().is_empty() { "Badge name".to_owned() } else { n } }}
                    </p>
                    <p class="text-sm text-stone-600">"Issued by " {issuer}</p>
                    <p class="text-sm" data-testid="preview-description">{move || description.get()}</p>
                </div>
            </div>
            <div class="prose prose-sm max-w-none text-sm" data-testid="preview-criteria"
                inner_html=move || laurel::markdown::render(&criteria.get())
            ></div>
            {move || {
                let u = criteria_url.get();
                (!u.trim().is_empty()).then(|| view! { <p class="text-sm">"Criteria: " <span class="underline">{u}</span></p> })
            }}
            <p class="text-xs text-stone-500">
                {move || match validity.get().trim().parse::<i32>() {
                    Ok(y) if y > 0 => format!("Expires {y} year(s) after it is earned."),
                    _ => "Never expires.".to_owned(),
                }}
                {move || {
                    let t = tags.get();
                    (!t.trim().is_empty()).then(|| format!(" · Tags: {t}"))
                }}
            </p>
        </figure>
    }
}
