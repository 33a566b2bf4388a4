//! An organisation's "Basic information" (`/portal/:subdomain/settings`):
//! profile image, summary, and social links each with a visibility toggle
//! for the public profile. Privileged members only (enforced on the server).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::{url_error, ActionError};
use crate::components::portal::error_of;
use crate::components::style::{ALERT, BUTTON, INPUT, SECONDARY};
use crate::server_fns::settings::get_org_settings::{get_org_settings, OrgSettings};
use crate::server_fns::settings::remove_org_image::RemoveOrgImage;
use crate::server_fns::settings::save_org_profile::SaveOrgProfile;
use crate::server_fns::settings::upload_org_image::UploadOrgImage;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let params = use_params_map();
    let settings = Resource::new(
        move || params.read().get("subdomain").unwrap_or_default(),
        get_org_settings,
    );
    view! {
        <Title text="Settings" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => view! { <SettingsForms s /> }.into_any(),
                    Err(e) => view! {
                        <section class="mx-auto max-w-md space-y-3">
                            <h1 class="text-2xl font-bold">"Settings"</h1>
                            <p role="alert" class=ALERT>
                                {e.to_string()}
                            </p>
                            <p><a href="/portal" class="underline">"Back to the portal"</a></p>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
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
                <input
                    id=field_id
                    name=name
                    type=kind
                    value=value
                    class=INPUT
                />
            </div>
            <label class="flex items-center gap-2 pb-2 text-sm">
                <input type="checkbox" name=toggle value="on" checked=visible />
                {format!("{label} visible")}
            </label>
        </div>
    }
}

#[component]
fn SettingsForms(s: OrgSettings) -> impl IntoView {
    let save = ServerAction::<SaveOrgProfile>::new();
    let remove = ServerAction::<RemoveOrgImage>::new();
    // The upload is a plain multipart form (it works the same with or
    // without JavaScript); its error comes back in the URL, read here.
    let upload_error = Signal::stored(url_error::<UploadOrgImage>());
    let saved = use_query_map().read_untracked().get("saved").is_some();
    let upload_url = <UploadOrgImage as ServerFn>::url();
    let remove_sub = s.subdomain.clone();
    view! {
        <section class="mx-auto max-w-2xl space-y-8">
            <header>
                <h1 class="text-2xl font-bold">"Settings"</h1>
                <p class="text-stone-600">
                    {s.name.clone()} " · "
                    <a href=s.public_url.clone() class="underline">"public profile"</a>
                </p>
            </header>
            {saved.then(|| view! { <p role="status" class="rounded bg-emerald-50 px-3 py-2 text-emerald-900">"Saved."</p> })}

            <section class="space-y-3">
                <h2 class="text-lg font-semibold">"Profile image"</h2>
                {s.image_url.clone().map(|u| view! {
                    <img src=u alt="Current profile image" width="96" height="96" class="rounded border" />
                })}
                <form
                    method="post"
                    enctype="multipart/form-data"
                    action=upload_url
                    class="space-y-2"
                >
                    <input type="hidden" name="subdomain" value=s.subdomain.clone() />
                    <label for="image" class="block text-sm font-semibold">"Upload an image (PNG, JPEG or SVG, at most 512 KB)"</label>
                    <input id="image" name="image" type="file" accept="image/png,image/jpeg,image/svg+xml" required=true />
                    <ActionError error=upload_error />
                    <button type="submit" class=BUTTON>"Upload image"</button>
                </form>
                {s.image_url.is_some().then(move || view! {
                    <ActionForm action=remove>
                        <input type="hidden" name="subdomain" value=remove_sub />
                        <button type="submit" class=SECONDARY>"Remove image"</button>
                    </ActionForm>
                })}
            </section>

            <section class="space-y-3">
                <h2 class="text-lg font-semibold">"Basic information"</h2>
                <ActionForm action=save attr:class="space-y-4">
                    <input type="hidden" name="subdomain" value=s.subdomain.clone() />
                    <div>
                        <label for="summary" class="block text-sm font-semibold">"Summary"</label>
                        <textarea id="summary" name="summary" rows="4" class=INPUT>
                            {s.summary.clone()}
                        </textarea>
                    </div>
                    <Social label="LinkedIn" name="linkedin_url" toggle="linkedin_visible" value=s.linkedin_url.clone() visible=s.linkedin_visible />
                    <Social label="Facebook" name="facebook_url" toggle="facebook_visible" value=s.facebook_url.clone() visible=s.facebook_visible />
                    <Social label="Twitter" name="twitter_url" toggle="twitter_visible" value=s.twitter_url.clone() visible=s.twitter_visible />
                    <Social label="WeChat" name="wechat_id" toggle="wechat_visible" kind="text" value=s.wechat_id.clone() visible=s.wechat_visible />
                    <ActionError error=error_of(save.value()) />
                    <button type="submit" class=BUTTON>"Save"</button>
                </ActionForm>
            </section>
        </section>
    }
}
