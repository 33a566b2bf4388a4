//! Settings → API (`/portal/:subdomain/settings/api`): remote issuing,
//! wire-compatible with EXeed — the integration ID, the domain name a
//! client signs with, and the keys (generate a pair and download the
//! private key once, or add a public key; revoke any) — and the REST API's
//! tokens (made with scopes and an optional expiry, shown once, revoked). Privileged members
//! only (enforced on the server). Plain forms: the same without JavaScript.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::{url_error, ActionError};
use crate::components::portal::{error_of, loaded};
use crate::components::style::{BUTTON, CARD, INPUT, LABEL, NOTICE, SECONDARY};
use crate::server_fns::settings::add_integration_key::AddIntegrationKey;
use crate::server_fns::settings::create_api_token::CreateApiToken;
use crate::server_fns::settings::create_webhook::CreateWebhook;
use crate::server_fns::settings::generate_integration_key::GenerateIntegrationKey;
use crate::server_fns::settings::get_api_settings::{
    get_api_settings, ApiSettings, KeyItem, TokenItem, WebhookItem,
};
use crate::server_fns::settings::revoke_api_token::RevokeApiToken;
use crate::server_fns::settings::revoke_integration_key::RevokeIntegrationKey;
use crate::server_fns::settings::setup_remote::SetupRemote;
use crate::server_fns::settings::webhook_action::WebhookAction as WebhookActionFn;

#[component]
pub fn ApiSettingsPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("subdomain").unwrap_or_default(),
        get_api_settings,
    );
    view! {
        <Title text="API settings" />
        {loaded(data, move |s| view! { <Api s /> })}
    }
}

#[component]
fn Api(s: ApiSettings) -> impl IntoView {
    let setup = ServerAction::<SetupRemote>::new();
    let saved = use_query_map().read_untracked().get("saved").is_some();
    let sub = s.subdomain.clone();
    view! {
        <section class="mx-auto max-w-3xl space-y-8">
            <header>
                <h1 class="text-2xl font-bold">"API"</h1>
                <p class="text-stone-600">
                    {s.name.clone()} " · "
                    <a href=crate::paths::portal(&s.subdomain).settings() class="underline">"Settings"</a>
                </p>
            </header>
            {saved.then(|| view! { <p role="status" class=NOTICE>"Saved."</p> })}
            <section class="space-y-3" aria-labelledby="remote-heading">
                <h2 id="remote-heading" class="text-lg font-semibold">"Remote issuing (EXeed-compatible)"</h2>
                <p class="text-sm text-stone-700">
                    "Your exam system, LMS or CRM issues a badge by posting a signed JSON request. A client written for EXeed works unchanged: point it at the endpoint below and give it your integration ID and key."
                </p>
                {match s.integration_id.clone() {
                    None => view! {
                        <ActionForm action=setup>
                            <input type="hidden" name="subdomain" value=sub.clone() />
                            <button type="submit" class=BUTTON>"Set up remote issuing"</button>
                        </ActionForm>
                        <ActionError error=error_of(setup.value()) />
                    }.into_any(),
                    Some(id) => view! { <Integration s=s.clone() id setup /> }.into_any(),
                }}
            </section>
            <Tokens s=s.clone() />
            <Webhooks s=s.clone() />
        </section>
    }
}

#[component]
fn Integration(s: ApiSettings, id: String, setup: ServerAction<SetupRemote>) -> impl IntoView {
    let revoke = ServerAction::<RevokeIntegrationKey>::new();
    let add = ServerAction::<AddIntegrationKey>::new();
    let generate_url = <GenerateIntegrationKey as ServerFn>::url();
    let sub = s.subdomain.clone();
    let (sub_generate, sub_add, sub_regenerate) = (sub.clone(), sub.clone(), sub.clone());
    let example = example(&s.endpoint, &id, &s.domain_name);
    view! {
        <dl class="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm" data-testid="integration">
            <dt class="font-semibold">"Endpoint"</dt>
            <dd class="break-all font-mono">{format!("POST {}", s.endpoint)}</dd>
            <dt class="font-semibold">"issuerIntegrationId"</dt>
            <dd class="font-mono" data-testid="integration-id">{id.clone()}</dd>
            <dt class="font-semibold">"DomainName (signed)"</dt>
            <dd class="font-mono" data-testid="domain-name">{s.domain_name.clone()}</dd>
            <dt class="font-semibold">"externalTemplateId"</dt>
            <dd>
                {if s.external_ids.is_empty() {
                    view! { <span>"Give a template an external template ID in its designer."</span> }.into_any()
                } else {
                    view! {
                        <ul>
                            {s.external_ids.into_iter().map(|(id, name)| view! {
                                <li><span class="font-mono">{id}</span>{format!(" — {name}")}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </dd>
        </dl>

        <section class="space-y-3" aria-labelledby="keys-heading">
            <h3 id="keys-heading" class="font-semibold">"Keys"</h3>
            {if s.keys.is_empty() {
                view! { <p class="text-sm text-stone-600">"No key yet: generate one or add your own public key."</p> }.into_any()
            } else {
                view! {
                    <table class="w-full text-left text-sm" data-testid="keys">
                        <thead>
                            <tr><th scope="col">"Fingerprint"</th><th scope="col">"Origin"</th><th scope="col">"Added"</th><th scope="col">"Last used"</th><th scope="col">"State"</th></tr>
                        </thead>
                        <tbody>
                            {s.keys.into_iter().map(|k| view! { <KeyRow k sub=sub.clone() revoke /> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <ActionError error=error_of(revoke.value()) />
            <form method="post" action=generate_url class=CARD>
                <input type="hidden" name="subdomain" value=sub_generate />
                <p class="text-sm">
                    "Laurel makes an RSA-2048 key pair, keeps the public key and gives you the private key "
                    <strong>"once"</strong>
                    ", as .NET XML and as PEM in a zip. It is not kept anywhere: store it safely."
                </p>
                <button type="submit" class=BUTTON>"Generate a key pair and download it"</button>
            </form>
            <ActionForm action=add attr:class=CARD>
                <input type="hidden" name="subdomain" value=sub_add />
                <label for="public_key" class=LABEL>"Or add your public key (PEM, or .NET XML from ToXmlString(false))"</label>
                <textarea id="public_key" name="public_key" rows="5" required=true spellcheck="false" class=format!("{INPUT} font-mono text-xs")></textarea>
                <ActionError error=error_of(add.value()) />
                <button type="submit" class=BUTTON>"Add the public key"</button>
            </ActionForm>
        </section>

        <details class="text-sm">
            <summary class="cursor-pointer font-semibold">"Replace the integration ID"</summary>
            <ActionForm action=setup attr:class="mt-2 space-y-2">
                <input type="hidden" name="subdomain" value=sub_regenerate />
                <input type="hidden" name="regenerate" value="yes" />
                <label class="flex items-center gap-2">
                    <input type="checkbox" name="confirm" value="yes" />
                    "Clients using the current ID will stop working until they use the new one."
                </label>
                <button type="submit" class=SECONDARY>"Make a new integration ID"</button>
            </ActionForm>
        </details>
        <ActionError error=error_of(setup.value()) />

        <section class="space-y-2" aria-labelledby="example-heading">
            <h3 id="example-heading" class="font-semibold">"Sign a request by hand"</h3>
            <p class="text-sm text-stone-700">
                "The signature is RSA PKCS#1 v1.5 over SHA-256 of the UTF-16LE bytes of issuerIntegrationId + DomainName + externalTemplateId + holderEmail + holderLastName + True/False, in Base64, in the IssuerIntegration header. With the PEM file from the download:"
            </p>
            <pre tabindex="0" aria-label="Signing example" class="overflow-x-auto rounded bg-stone-900 p-3 text-xs text-stone-100" data-testid="example">{example}</pre>
            <p class="text-sm text-stone-700">"The .NET code from EXeed's documentation signs the same way, with the XML file from the download:"</p>
            <pre tabindex="0" aria-label=".NET signing example" class="overflow-x-auto rounded bg-stone-900 p-3 text-xs text-stone-100" data-testid="dotnet-example">{DOTNET_EXAMPLE}</pre>
            <p class="text-sm text-stone-700">
                "The same request again (integration, template, holder e-mail, date) returns the first badge with 200, never a second. To refuse replays, also send IssuerIntegration-Timestamp (Unix seconds, appended to the signed string; within 5 minutes)."
            </p>
        </section>
    }
}

/// The REST API's tokens: make one (shown once), see and revoke them.
#[component]
fn Tokens(s: ApiSettings) -> impl IntoView {
    let revoke = ServerAction::<RevokeApiToken>::new();
    let create_url = <CreateApiToken as ServerFn>::url();
    let create_error = url_error::<CreateApiToken>();
    let sub = s.subdomain.clone();
    view! {
        <section id="api-tokens" class="space-y-3" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading" class="text-lg font-semibold">"API tokens (REST API)"</h2>
            <p class="text-sm text-stone-700">
                "Programs list templates, issue, list and revoke badges at "
                <code>"/api/v1"</code>
                " with a token: "
                <code>"Authorization: Bearer laurel_…"</code>
                ". See the "
                <a href=crate::paths::API_REFERENCE class="underline">"API reference"</a>
                " and its "
                <a href=s.openapi.clone() class="underline">"OpenAPI document"</a>
                "."
            </p>
            {s.new_token.clone().map(|token| view! {
                <div role="status" class=NOTICE data-testid="new-token">
                    <p class="font-semibold">"Your new token — copy it now: it is not shown again."</p>
                    <pre tabindex="0" aria-label="The new API token" class="mt-1 overflow-x-auto font-mono text-sm">{token}</pre>
                </div>
            })}
            {if s.tokens.is_empty() {
                view! { <p class="text-sm text-stone-600">"No token yet."</p> }.into_any()
            } else {
                view! {
                    <table class="w-full text-left text-sm" data-testid="tokens">
                        <thead>
                            <tr><th scope="col">"Name"</th><th scope="col">"Token"</th><th scope="col">"Scopes"</th><th scope="col">"Expires"</th><th scope="col">"Last used"</th><th scope="col">"State"</th></tr>
                        </thead>
                        <tbody>
                            {s.tokens.into_iter().map(|t| view! { <TokenRow t sub=sub.clone() revoke /> }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <ActionError error=error_of(revoke.value()) />
            <form method="post" action=create_url class=format!("{CARD} space-y-2")>
                <input type="hidden" name="subdomain" value=s.subdomain.clone() />
                <label for="token-name" class=LABEL>"Name (what uses it)"</label>
                <input id="token-name" name="name" required=true maxlength="100" class=INPUT />
                <fieldset class="space-y-1 text-sm">
                    <legend class=LABEL>"Scopes"</legend>
                    {[
                        ("templates_read", "templates:read — list templates"),
                        ("badges_read", "badges:read — list and get badges"),
                        ("badges_issue", "badges:issue — issue badges"),
                        ("badges_revoke", "badges:revoke — revoke badges"),
                    ].into_iter().map(|(name, label)| view! {
                        <label class="flex items-center gap-2">
                            <input type="checkbox" name=name value="on" />
                            {label}
                        </label>
                    }).collect_view()}
                </fieldset>
                <label for="token-expires" class=LABEL>"Expires (optional)"</label>
                <input id="token-expires" type="date" name="expires" class=INPUT />
                {create_error.map(|e| view! { <p role="alert" class="text-sm text-red-800">{e.to_string()}</p> })}
                <button type="submit" class=BUTTON>"Create the token"</button>
            </form>
        </section>
    }
}

/// Webhooks: register endpoints, see every delivery's answer, send a test
/// event, redeliver, delete.
#[component]
fn Webhooks(s: ApiSettings) -> impl IntoView {
    let act = ServerAction::<WebhookActionFn>::new();
    let create = ServerAction::<CreateWebhook>::new();
    let sub = s.subdomain.clone();
    view! {
        <section id="webhooks" class="space-y-3" aria-labelledby="webhooks-heading">
            <h2 id="webhooks-heading" class="text-lg font-semibold">"Webhooks"</h2>
            <p class="text-sm text-stone-700">
                "Laurel posts a signed JSON event to your URL when something happens. Check "
                <code>"Laurel-Signature: t=…,v1=…"</code>
                ": the hex HMAC-SHA256 of "
                <code>"t.body"</code>
                " with the endpoint's secret. Failed deliveries are retried for about a day."
            </p>
            {s.webhooks.into_iter().map(|w| view! { <Endpoint w sub=sub.clone() act /> }).collect_view()}
            <ActionError error=error_of(act.value()) />
            <ActionForm action=create attr:class=format!("{CARD} space-y-2")>
                <input type="hidden" name="subdomain" value=s.subdomain.clone() />
                <label for="webhook-url" class=LABEL>"Endpoint URL"</label>
                <input id="webhook-url" name="url" type="url" required=true class=INPUT placeholder="https://example.org/laurel-events" />
                <fieldset class="space-y-1 text-sm">
                    <legend class=LABEL>"Events"</legend>
                    {[
                        ("badge_issued", "badge.issued"),
                        ("badge_claimed", "badge.claimed"),
                        ("badge_revoked", "badge.revoked"),
                        ("badge_shared", "badge.shared"),
                        ("batch_finished", "batch.finished"),
                    ].into_iter().map(|(name, label)| view! {
                        <label class="flex items-center gap-2">
                            <input type="checkbox" name=name value="on" />
                            <code>{label}</code>
                        </label>
                    }).collect_view()}
                </fieldset>
                <ActionError error=error_of(create.value()) />
                <button type="submit" class=BUTTON>"Add the endpoint"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Endpoint(w: WebhookItem, sub: String, act: ServerAction<WebhookActionFn>) -> impl IntoView {
    let button = move |label: String, action: &'static str, delivery: Option<i64>| {
        let sub = sub.clone();
        view! {
            <ActionForm action=act attr:class="inline">
                <input type="hidden" name="subdomain" value=sub />
                <input type="hidden" name="action" value=action />
                <input type="hidden" name="endpoint_id" value=w.id.to_string() />
                {delivery.map(|d| view! { <input type="hidden" name="delivery_id" value=d.to_string() /> })}
                <button type="submit" class=SECONDARY>{label}</button>
            </ActionForm>
        }
    };
    let url = w.url.clone();
    view! {
        <article class=format!("{CARD} space-y-2") data-testid="webhook">
            <h3 class="break-all font-mono text-sm font-semibold">{w.url.clone()}</h3>
            <p class="text-sm">"Events: " <code>{w.events.clone()}</code></p>
            {w.failing_since.clone().map(|since| view! {
                <p role="alert" class="text-sm text-red-800">{format!("Failing since {since}: the last delivery gave up.")}</p>
            })}
            <details class="text-sm">
                <summary class="cursor-pointer">"Signing secret"</summary>
                <pre tabindex="0" aria-label="Signing secret" class="mt-1 font-mono" data-testid="webhook-secret">{w.secret.clone()}</pre>
            </details>
            <div class="flex gap-2">
                {button("Send test event".into(), "test", None)}
                {button(format!("Delete {url}"), "delete", None)}
            </div>
            {if w.deliveries.is_empty() {
                view! { <p class="text-sm text-stone-600">"No delivery yet."</p> }.into_any()
            } else {
                view! {
                    <table class="w-full text-left text-sm" data-testid="deliveries">
                        <caption class="text-left font-semibold">"Deliveries (newest first)"</caption>
                        <thead>
                            <tr><th scope="col">"Event"</th><th scope="col">"Queued"</th><th scope="col">"Tries"</th><th scope="col">"Last answer"</th><th scope="col">"Time"</th><th scope="col">"State"</th><th scope="col">"Again"</th></tr>
                        </thead>
                        <tbody>
                            {w.deliveries.into_iter().map(|d| {
                                let state = d.state.clone();
                                let again = button(format!("Redeliver {}", d.id), "redeliver", Some(d.id));
                                view! {
                                    <tr data-testid="delivery" data-state=state>
                                        <td><code>{d.event}</code></td>
                                        <td>{d.created}</td>
                                        <td>{d.attempts}</td>
                                        <td>{d.last_answer}</td>
                                        <td>{d.duration}</td>
                                        <td>{d.state}</td>
                                        <td>{again}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </article>
    }
}

#[component]
fn TokenRow(t: TokenItem, sub: String, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let revoke_label = format!("Revoke {}", t.name);
    view! {
        <tr data-testid="token" data-active=t.active.to_string()>
            <td>{t.name}</td>
            <td class="font-mono">{format!("{}…", t.prefix)}</td>
            <td>{t.scopes}</td>
            <td>{t.expires.unwrap_or_else(|| "never".into())}</td>
            <td>{t.last_used.unwrap_or_else(|| "never".into())}</td>
            <td>
                {if t.active {
                    view! {
                        <ActionForm action=revoke>
                            <input type="hidden" name="subdomain" value=sub />
                            <input type="hidden" name="token_id" value=t.id.to_string() />
                            <button type="submit" class=SECONDARY>{revoke_label}</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <span>{t.state}</span> }.into_any()
                }}
            </td>
        </tr>
    }
}

#[component]
fn KeyRow(k: KeyItem, sub: String, revoke: ServerAction<RevokeIntegrationKey>) -> impl IntoView {
    let short: String = k.fingerprint.chars().take(16).collect();
    let active = k.revoked.is_none();
    view! {
        <tr data-testid="key" data-active=active.to_string()>
            <td class="font-mono" title=k.fingerprint.clone()>{short}</td>
            <td>{k.origin}</td>
            <td>{k.created}</td>
            <td>{k.last_used.unwrap_or_else(|| "never".into())}</td>
            <td>
                {match k.revoked {
                    Some(at) => view! { <span>{format!("revoked {at}")}</span> }.into_any(),
                    None => view! {
                        <ActionForm action=revoke>
                            <input type="hidden" name="subdomain" value=sub />
                            <input type="hidden" name="key_id" value=k.id.to_string() />
                            <button type="submit" class=SECONDARY>"Revoke"</button>
                        </ActionForm>
                    }.into_any(),
                }}
            </td>
        </tr>
    }
}

/// EXeed's own .NET signer (its FAQ), with `FromXmlString`, the method the
/// XML key file is for.
const DOTNET_EXAMPLE: &str = r#"var stringToBeSigned = string.Join(string.Empty, new List<string> {
    issuerIntegrationId, DomainName, externalTemplateId, holderEmail, holderLastName,
    isHolderIndividual.ToString() });              // "True" or "False"
var keyProvider = new RSACryptoServiceProvider();
keyProvider.FromXmlString(File.ReadAllText("integration-key.xml"));
var formatter = new RSAPKCS1SignatureFormatter(keyProvider);
formatter.SetHashAlgorithm("SHA256");
var hash = SHA256.Create().ComputeHash(Encoding.Unicode.GetBytes(stringToBeSigned));
request.Headers.Add("IssuerIntegration", Convert.ToBase64String(formatter.CreateSignature(hash)));"#;

/// The worked example (curl, openssl, iconv) with this organisation's values.
fn example(endpoint: &str, id: &str, domain: &str) -> String {
    format!(
        "ID={id}\nDOMAIN={domain}\nTEMPLATE=EXAM-1            # a template's external ID\n\
         EMAIL=ada@example.com LAST=Lovelace\n\
         printf '%s' \"$ID$DOMAIN$TEMPLATE$EMAIL${{LAST}}True\" | iconv -f UTF-8 -t UTF-16LE \\\n  \
         | openssl dgst -sha256 -sign integration-key.pem | base64 -w0 > signature.txt\n\
         curl -X POST '{endpoint}' \\\n  \
         -H 'Content-Type: application/json' \\\n  \
         -H \"IssuerIntegration: $(cat signature.txt)\" \\\n  \
         -d '{{\"issuerIntegrationId\":\"'$ID'\",\"externalTemplateId\":\"'$TEMPLATE'\",\
         \"passedExamDate\":'$(date +%s)',\"holderEmail\":\"'$EMAIL'\",\"holderFirstName\":\"Ada\",\
         \"holderLastName\":\"'$LAST'\",\"holderLastNamePrefix\":\"\",\"isHolderIndividual\":true}}'"
    )
}
