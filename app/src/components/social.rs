//! Social links on a public profile — an organisation's and a holder's
//! share one shape (`laurel::SocialLinks`), one form part and one list.

use laurel::domain::VisibleLink;
use laurel::SocialLinks;
use leptos::prelude::*;

use crate::components::style::INPUT;

/// The four link fields, each with its "visible" toggle. The names are the
/// server functions' arguments (`linkedin_url`, `linkedin_visible`, …).
#[component]
pub fn SocialFields(links: SocialLinks) -> impl IntoView {
    view! {
        <Social label="LinkedIn" name="linkedin_url" toggle="linkedin_visible" value=links.linkedin_url visible=links.linkedin_visible />
        <Social label="Facebook" name="facebook_url" toggle="facebook_visible" value=links.facebook_url visible=links.facebook_visible />
        <Social label="Twitter" name="twitter_url" toggle="twitter_visible" value=links.twitter_url visible=links.twitter_visible />
        <Social label="WeChat" name="wechat_id" toggle="wechat_visible" kind="text" value=links.wechat_id visible=links.wechat_visible />
    }
}

#[component]
fn Social(
    label: &'static str,
    name: &'static str,
    toggle: &'static str,
    value: String,
    visible: bool,
    #[prop(default = "url")] kind: &'static str,
) -> impl IntoView {
    let field_id = format!("{name}_field");
    view! {
        <div class="grid grid-cols-[1fr_auto] items-end gap-3">
            <div>
                <label for=field_id.clone() class="block text-sm font-semibold">{label}</label>
                <input id=field_id name=name type=kind value=value class=INPUT />
            </div>
            <label class="flex items-center gap-2 pb-2 text-sm">
                <input type="checkbox" name=toggle value="on" checked=visible />
                {format!("{label} visible")}
            </label>
        </div>
    }
}

/// The links a visitor sees (only those switched visible).
#[component]
pub fn SocialList(links: Vec<VisibleLink>) -> impl IntoView {
    (!links.is_empty()).then(|| {
        view! {
            <ul class="mt-4 flex flex-wrap gap-4 text-sm" aria-label="Social links" data-testid="social-links">
                {links.into_iter().map(|l| view! {
                    <li>
                        {match l.url {
                            Some(u) => view! { <a href=u rel="me noopener" class="text-emerald-800 underline">{l.network}</a> }.into_any(),
                            None => view! { <span>{format!("{}: {}", l.network, l.text)}</span> }.into_any(),
                        }}
                    </li>
                }).collect_view()}
            </ul>
        }
    })
}

/// The server side of [`SocialFields`]: the posted fields, checked
/// (checkboxes arrive only when ticked).
#[cfg(feature = "ssr")]
#[allow(clippy::too_many_arguments)] // one per form field, as posted
pub fn posted_links(
    linkedin_url: String,
    linkedin_visible: Option<String>,
    facebook_url: String,
    facebook_visible: Option<String>,
    twitter_url: String,
    twitter_visible: Option<String>,
    wechat_id: String,
    wechat_visible: Option<String>,
) -> Result<SocialLinks, laurel::ParseError> {
    SocialLinks {
        linkedin_url,
        linkedin_visible: linkedin_visible.is_some(),
        facebook_url,
        facebook_visible: facebook_visible.is_some(),
        twitter_url,
        twitter_visible: twitter_visible.is_some(),
        wechat_id,
        wechat_visible: wechat_visible.is_some(),
    }
    .checked()
}
