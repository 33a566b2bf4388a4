//! An organisation's "Basic information" (`/portal/:subdomain/settings`):
//! profile image, summary, and social links each with a visibility toggle
//! for the public profile. Privileged members only (enforced on the server).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::{rcdata, url_error, ActionError};
use crate::components::portal::error_of;
use crate::components::social::SocialFields;
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
                    " · "
                    <a href=crate::paths::portal(&s.subdomain).api_settings() class="underline">"API (remote issuing)"</a>
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
                            {rcdata(s.summary.clone())}
                        </textarea>
                    </div>
                    <div>
                        <label for="contact_email" class="block text-sm font-semibold">"Public contact address (optional)"</label>
                        <p id="contact_email-hint" class="text-sm text-stone-600">"Published in your Open Badges issuer profile, for people who check your badges."</p>
                        <input id="contact_email" name="contact_email" type="email" autocomplete="email" aria-describedby="contact_email-hint" value=s.contact_email.clone() class=INPUT />
                    </div>
                    <div>
                        <label for="linkedin_org_id" class="block text-sm font-semibold">"LinkedIn company ID (optional)"</label>
                        <p id="linkedin_org_id-hint" class="text-sm text-stone-600">"The number in your LinkedIn company page's admin address. With it, “Add to LinkedIn” links your badges to your company page."</p>
                        <input id="linkedin_org_id" name="linkedin_org_id" type="text" inputmode="numeric" aria-describedby="linkedin_org_id-hint" value=s.linkedin_org_id.clone() class=INPUT />
                    </div>
                    <SocialFields links=s.links.clone() />
                    <ActionError error=error_of(save.value()) />
                    <button type="submit" class=BUTTON>"Save"</button>
                </ActionForm>
            </section>
        </section>
    }
}
