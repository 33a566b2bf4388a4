//! `/abuse`: the recipient of a holder mail reports it (the link at the
//! foot of every holder mail names the organisation and the badge). A plain
//! form, no script; what it says goes to the operator
//! (`server_fns::public::report_abuse`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::{ActionError, Field};
use crate::components::portal::error_of;
use crate::components::style::{BUTTON, INPUT, LABEL, NOTICE};
use crate::server_fns::public::get_abuse_subject::get_abuse_subject;
use crate::server_fns::public::report_abuse::{ReportAbuse, MAX_DETAILS};

#[component]
pub fn ReportAbusePage() -> impl IntoView {
    let query = use_query_map();
    let org = move || query.read().get("org").unwrap_or_default();
    let badge = move || query.read().get("badge").unwrap_or_default();
    let sent = move || query.read().get("sent").is_some();
    let subject = Resource::new(org, get_abuse_subject);
    let action = ServerAction::<ReportAbuse>::new();
    view! {
        <Title text="Report an unwanted mail" />
        <section class="mx-auto max-w-lg space-y-4">
            <Show
                when=sent
                fallback=move || view! {
                    <h1 class="text-2xl font-bold">"Report an unwanted mail"</h1>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            subject.await.ok().flatten().map(|name| view! {
                                <p data-testid="abuse-subject">"About the badge mail sent on behalf of " <strong>{name}</strong> "."</p>
                            })
                        })}
                    </Suspense>
                    <p class="text-stone-700">
                        "Laurel sends badge mails for the organisations that award the badges. "
                        "If this one was not for you, or should not have been sent, tell the people who run this Laurel: they look into it, and can stop an organisation from sending."
                    </p>
                    <ActionForm action attr:class="space-y-4">
                        <input type="hidden" name="org" value=org() />
                        <input type="hidden" name="badge" value=badge() />
                        <fieldset class="space-y-2">
                            <legend class=LABEL>"What is wrong with it?"</legend>
                            {laurel::AbuseReason::ALL
                                .iter()
                                .enumerate()
                                .map(|(i, r)| view! {
                                    <label class="flex items-start gap-2">
                                        <input type="radio" name="reason" value=r.as_str() checked=i == 0 required=true class="mt-1" />
                                        <span>{r.label()}</span>
                                    </label>
                                })
                                .collect_view()}
                        </fieldset>
                        <div>
                            <label for="details" class=LABEL>"Anything we should know (optional)"</label>
                            <textarea id="details" name="details" rows="4" maxlength=MAX_DETAILS.to_string() class=INPUT></textarea>
                        </div>
                        <Field
                            label="Your email address, if you would like an answer (optional)"
                            name="reply_to"
                            kind="email"
                            autocomplete="email"
                            required=false
                        />
                        <ActionError error=error_of(action.value()) />
                        <button type="submit" class=BUTTON>"Send the report"</button>
                    </ActionForm>
                }
            >
                <h1 class="text-2xl font-bold">"Thank you"</h1>
                <p role="status" class=NOTICE data-testid="abuse-sent">
                    "Your report has reached the people who run this Laurel. If you left your address, they may write to you."
                </p>
            </Show>
        </section>
    }
}
