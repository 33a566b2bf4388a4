//! The holder's wallet (`/wallet`): every badge issued to the signed-in
//! account's address, each private until its holder makes it public, the
//! badges imported from other issuers, and the public profile's settings.
//! Plain forms (the import form is a plain multipart form): it works the
//! same with and without JavaScript (no island).

use laurel::BadgeStatus;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::form::{rcdata, url_error, ActionError, Field};
use crate::components::portal::{error_of, loaded};
use crate::components::social::SocialFields;
use crate::components::style::{BUTTON, CARD, INPUT, INPUT_INLINE, LABEL, NOTICE, SECONDARY};
use crate::paths::profile_page;
use crate::server_fns::wallet::add_address::AddAddress;
use crate::server_fns::wallet::check_import::CheckImport;
use crate::server_fns::wallet::confirm_address::ConfirmAddress;
use crate::server_fns::wallet::create_collection::CreateCollection;
use crate::server_fns::wallet::export_data::ExportData;
use crate::server_fns::wallet::get_wallet::{
    get_wallet, AddressItem, CollectionSummary, ImportItem, ProfileSettings, WalletFilter,
    WalletItem, WalletView,
};
use crate::server_fns::wallet::import_badge::ImportBadge;
use crate::server_fns::wallet::remove_address::RemoveAddress;
use crate::server_fns::wallet::remove_import::RemoveImport;
use crate::server_fns::wallet::remove_photo::RemovePhoto;
use crate::server_fns::wallet::save_profile::SaveProfile;
use crate::server_fns::wallet::set_visibility::SetVisibility;
use crate::server_fns::wallet::set_visibility_all::SetVisibilityAll;
use crate::server_fns::wallet::upload_photo::UploadPhoto;

/// `/wallet`: the signed-in holder's badges and profile. The badge list's
/// filter is the query string (`?q=&status=&issuer=&sort=&page=`), set by a
/// plain GET form.
#[component]
pub fn WalletPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).unwrap_or_default();
            WalletFilter {
                q: get("q"),
                status: get("status"),
                issuer: get("issuer"),
                tag: get("tag"),
                sort: get("sort"),
                page: get("page").parse().unwrap_or(1),
                view: get("view"),
            }
        },
        get_wallet,
    );
    view! {
        <Title text="Your wallet" />
        {loaded(data, move |v| view! { <Wallet v /> })}
    }
}

#[component]
fn Wallet(v: WalletView) -> impl IntoView {
    let query = use_query_map();
    let saved = query.read_untracked().get("saved").is_some();
    let visibility = ServerAction::<SetVisibility>::new();
    let export_url = <ExportData as leptos::server_fn::ServerFn>::url();
    let profile_link =
        (v.profile.public && !v.profile.handle.is_empty()).then(|| profile_page(&v.profile.handle));
    view! {
        <section class="space-y-6">
            <header class="space-y-1">
                <h1 class="text-2xl font-bold">"Your wallet"</h1>
                <p class="text-sm text-stone-600">
                    "Badges issued to " <span data-testid="wallet-email">{v.email.clone()}</span>
                    ". Each is private until you make it public; public badges appear on your profile."
                </p>
                {profile_link.map(|href| view! {
                    <p class="text-sm"><a href=href.clone() class="underline" data-testid="profile-link">{format!("Your public profile: {href}")}</a></p>
                })}
            </header>
            {saved.then(|| view! { <p role="status" class=NOTICE>"Profile saved."</p> })}
            <ActionError error=error_of(visibility.value()) />
            {if v.total == 0 {
                view! { <p class=NOTICE>"No badges yet. Badges issued to your address appear here."</p> }.into_any()
            } else {
                view! {
                    <Filters filter=v.filter.clone() issuers=v.issuers.clone() tags=v.tags.clone() />
                    <p class="text-sm text-stone-600" data-testid="wallet-count">
                        {format!("{} of {} badge(s)", v.matching, v.total)}
                    </p>
                    {if v.filter.is_list() {
                        view! {
                            <ul class="divide-y divide-stone-200 rounded border border-stone-200 bg-white" data-testid="wallet" data-view="list">
                                {v.badges.into_iter().map(|b| view! { <Row b visibility /> }).collect_view()}
                            </ul>
                        }.into_any()
                    } else {
                        view! {
                            <ul class="grid gap-4 sm:grid-cols-2" data-testid="wallet" data-view="grid">
                                {v.badges.into_iter().map(|b| view! { <Item b visibility /> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <Pages filter=v.filter.clone() pages=v.pages previous=v.previous_page.clone() next=v.next_page.clone() />
                    <Bulk filter=v.filter.clone() matching=v.matching />
                }.into_any()
            }}
            <Addresses addresses=v.addresses />
            <Collections collections=v.collections />
            <Imports imports=v.imports />
            <ProfileForm p=v.profile />
            <section class=CARD aria-labelledby="data-heading">
                <h2 id="data-heading" class="text-lg font-semibold">"Your data"</h2>
                <p class="text-sm">
                    <a href=export_url class="underline" data-testid="export">"Download all my data"</a>
                    " (a zip: your account, addresses, profile, collections, every badge's Open Badges 2.0 and 3.0 documents and baked image, your imports)"
                </p>
                <p class="text-sm"><a href="/account/delete" class="underline">"Delete my account"</a></p>
            </section>
        </section>
    }
}

/// The badge list's filter: a plain GET form (search, status, issuer, tag,
/// sort, grid or list).
#[component]
fn Filters(filter: WalletFilter, issuers: Vec<String>, tags: Vec<String>) -> impl IntoView {
    let option = |value: &'static str, label: &'static str, current: &str| {
        let selected = value == current;
        view! { <option value=value selected=selected>{label}</option> }
    };
    view! {
        <form method="get" action=crate::paths::WALLET class="flex flex-wrap items-end gap-3" role="search" data-testid="wallet-filter">
            <div>
                <label for="wallet-q" class=LABEL>"Search"</label>
                <input id="wallet-q" name="q" type="search" value=filter.q.clone() class=INPUT_INLINE />
            </div>
            <div>
                <label for="wallet-status" class=LABEL>"Status"</label>
                <select id="wallet-status" name="status" class=INPUT_INLINE>
                    {option("", "All", &filter.status)}
                    {option("valid", "Valid", &filter.status)}
                    {option("expired", "Expired", &filter.status)}
                    {option("revoked", "Revoked", &filter.status)}
                </select>
            </div>
            <OneOf name="issuer" label="Issuer" values=issuers current=filter.issuer.clone() />
            {(!tags.is_empty()).then(|| view! {
                <OneOf name="tag" label="Tag" values=tags current=filter.tag.clone() />
            })}
            <div>
                <label for="wallet-sort" class=LABEL>"Sort"</label>
                <select id="wallet-sort" name="sort" class=INPUT_INLINE>
                    {option("", "Newest first", &filter.sort)}
                    {option("name", "Name", &filter.sort)}
                </select>
            </div>
            <div>
                <label for="wallet-view" class=LABEL>"Show as"</label>
                <select id="wallet-view" name="view" class=INPUT_INLINE>
                    {option("", "Cards", &filter.view)}
                    {option("list", "List", &filter.view)}
                </select>
            </div>
            <button type="submit" class=SECONDARY>"Show"</button>
        </form>
    }
}

/// A filter's select over the wallet's own values ("All" first).
#[component]
fn OneOf(
    name: &'static str,
    label: &'static str,
    values: Vec<String>,
    current: String,
) -> impl IntoView {
    let id = format!("wallet-{name}");
    view! {
        <div>
            <label for=id.clone() class=LABEL>{label}</label>
            <select id=id name=name class=INPUT_INLINE>
                <option value="" selected=current.is_empty()>"All"</option>
                {values.into_iter().map(|v| {
                    let selected = v == current;
                    let text = v.clone();
                    view! { <option value=v selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// The wallet's page links (made by the server, keeping the filter).
#[component]
fn Pages(
    filter: WalletFilter,
    pages: u32,
    previous: Option<String>,
    next: Option<String>,
) -> impl IntoView {
    let page = filter.page;
    (pages > 1).then(|| {
        view! {
            <nav aria-label="Wallet pages" class="flex gap-4 text-sm" data-testid="wallet-pages">
                {previous.map(|href| view! { <a href=href class="underline">"Previous page"</a> })}
                <span>{format!("Page {page} of {pages}")}</span>
                {next.map(|href| view! { <a href=href class="underline">"Next page"</a> })}
            </nav>
        }
    })
}

/// The bulk change: every badge the filter shows, public or private.
#[component]
fn Bulk(filter: WalletFilter, matching: usize) -> impl IntoView {
    let action = ServerAction::<SetVisibilityAll>::new();
    view! {
        <section class="flex flex-wrap items-center gap-2 text-sm" aria-label="Change them all">
            <span>{format!("All {matching} shown:")}</span>
            <BulkForm action filter=filter.clone() public="true" label="Make all public" />
            <BulkForm action filter=filter.clone() public="false" label="Make all private" />
            <ActionError error=error_of(action.value()) />
        </section>
    }
}

#[component]
fn BulkForm(
    action: ServerAction<SetVisibilityAll>,
    filter: WalletFilter,
    public: &'static str,
    label: &'static str,
) -> impl IntoView {
    view! {
        <ActionForm action>
            <input type="hidden" name="q" value=filter.q />
            <input type="hidden" name="status" value=filter.status />
            <input type="hidden" name="issuer" value=filter.issuer />
            <input type="hidden" name="tag" value=filter.tag />
            <input type="hidden" name="view" value=filter.view />
            <input type="hidden" name="public" value=public />
            <button type="submit" class=SECONDARY>{label}</button>
        </ActionForm>
    }
}

/// The holder's addresses: badges issued to any verified one are in the
/// wallet. Add (a link is mailed), or remove a further one.
#[component]
fn Addresses(addresses: Vec<AddressItem>) -> impl IntoView {
    let add = ServerAction::<AddAddress>::new();
    let remove = ServerAction::<RemoveAddress>::new();
    let query = use_query_map();
    let sent = query.read_untracked().get("address_sent").is_some();
    let added = query.read_untracked().get("address_added").is_some();
    view! {
        <section id="addresses" class="space-y-3" aria-labelledby="addresses-heading">
            <h2 id="addresses-heading" class="text-lg font-semibold">"Your addresses"</h2>
            <p class="text-sm text-stone-600">"Badges issued to any of your confirmed addresses are in this wallet."</p>
            {sent.then(|| view! { <p role="status" class=NOTICE>"A link to confirm the address is on its way to it."</p> })}
            {added.then(|| view! { <p role="status" class=NOTICE>"Address confirmed: its badges are in your wallet."</p> })}
            <ul class="space-y-2" data-testid="addresses">
                {addresses.into_iter().map(|a| {
                    let state = match (a.primary, a.verified) {
                        (true, _) => "your account's address",
                        (false, true) => "confirmed",
                        (false, false) => "waiting for confirmation",
                    };
                    let label = format!("Remove {}", a.email);
                    let email = a.email.clone();
                    view! {
                        <li class="flex items-center gap-3 text-sm" data-testid="address" data-verified=a.verified.to_string()>
                            <span class="font-mono">{a.email}</span>
                            <span class="text-stone-600">{state}</span>
                            {(!a.primary).then(|| view! {
                                <ActionForm action=remove>
                                    <input type="hidden" name="email" value=email />
                                    <button type="submit" class=SECONDARY aria-label=label>"Remove"</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ActionError error=error_of(remove.value()) />
            <ActionForm action=add attr:class="flex items-end gap-2">
                <div class="grow">
                    <label for="address-email" class=LABEL>"Add an address"</label>
                    <input id="address-email" name="email" type="email" required=true autocomplete="email" class=INPUT />
                </div>
                <button type="submit" class=BUTTON>"Send the link"</button>
            </ActionForm>
            <ActionError error=error_of(add.value()) />
        </section>
    }
}

/// `/wallet/addresses/confirm?token=`: confirms a further address, signed
/// in to the account that added it.
#[component]
pub fn ConfirmAddressPage() -> impl IntoView {
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let action = ServerAction::<ConfirmAddress>::new();
    view! {
        <Title text="Confirm an address" />
        <section class="mx-auto max-w-md space-y-4">
            <h1 class="text-2xl font-bold">"Confirm an address"</h1>
            <p class="text-stone-700">
                "Confirm that this address is yours: every badge issued to it will be in your wallet, private until you choose. "
                "Sign in first with the account that added it."
            </p>
            <ActionForm action attr:class="space-y-4">
                <input type="hidden" name="token" value=token />
                <ActionError error=error_of(action.value()) />
                <button type="submit" class=BUTTON>"Confirm the address"</button>
            </ActionForm>
        </section>
    }
}

/// The holder's collections and the form that starts one.
#[component]
fn Collections(collections: Vec<CollectionSummary>) -> impl IntoView {
    let create = ServerAction::<CreateCollection>::new();
    view! {
        <section class="space-y-4" aria-labelledby="collections-heading">
            <h2 id="collections-heading" class="text-lg font-semibold">"Collections"</h2>
            {(!collections.is_empty()).then(|| view! {
                <ul class="space-y-2" data-testid="collections">
                    {collections.into_iter().map(|c| view! {
                        <li data-testid="collection">
                            <a href=crate::paths::wallet_collection(&c.public_id) class="font-semibold underline">{c.name}</a>
                            <span class="text-sm text-stone-600">
                                {format!(" · {} badge(s) · {}", c.badge_count, if c.public { "public" } else { "private" })}
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
            <ActionForm action=create attr:class="flex items-end gap-2">
                <div class="grow">
                    <label for="collection-name" class=LABEL>"New collection"</label>
                    <input id="collection-name" name="name" type="text" required=true maxlength="100" class=INPUT />
                </div>
                <button type="submit" class=BUTTON>"Create collection"</button>
            </ActionForm>
            <ActionError error=error_of(create.value()) />
        </section>
    }
}

/// Badges from other issuers: the import form and each imported badge with
/// its last check.
#[component]
fn Imports(imports: Vec<ImportItem>) -> impl IntoView {
    let import_error = Signal::stored(url_error::<ImportBadge>());
    let check = ServerAction::<CheckImport>::new();
    let remove = ServerAction::<RemoveImport>::new();
    let action = <ImportBadge as leptos::server_fn::ServerFn>::url();
    view! {
        <section class="space-y-4" aria-labelledby="imports-heading">
            <h2 id="imports-heading" class="text-lg font-semibold">"Badges from other issuers"</h2>
            <ActionError error=error_of(check.value()) />
            <ActionError error=error_of(remove.value()) />
            {(!imports.is_empty()).then(|| view! {
                <ul class="grid gap-4 sm:grid-cols-2" data-testid="imports">
                    {imports.into_iter().map(|i| view! { <Imported i check remove /> }).collect_view()}
                </ul>
            })}
            <form method="post" enctype="multipart/form-data" action=action class=CARD data-testid="import-form">
                <h3 class="font-semibold">"Import a badge"</h3>
                <p class="text-sm text-stone-600">
                    "Laurel verifies it first: it must be awarded to your address and authentic. It stays private to your wallet."
                </p>
                <div>
                    <label for="import-image" class=LABEL>"A badge image (baked PNG or SVG)"</label>
                    <input id="import-image" name="image" type="file" accept="image/png,image/svg+xml" class="mt-1 block text-sm" />
                </div>
                <div>
                    <label for="import-text" class=LABEL>"or the badge's URL, its JSON, a JWS or a VC-JWT"</label>
                    <textarea id="import-text" name="text" rows="3" spellcheck="false" class=format!("{INPUT} font-mono text-xs")></textarea>
                </div>
                <ActionError error=import_error />
                <button type="submit" class=BUTTON>"Import"</button>
            </form>
        </section>
    }
}

#[component]
fn Imported(
    i: ImportItem,
    check: ServerAction<CheckImport>,
    remove: ServerAction<RemoveImport>,
) -> impl IntoView {
    let (check_id, remove_id) = (i.public_id.clone(), i.public_id.clone());
    let (status, status_class) = if i.valid {
        ("Valid", "text-emerald-800")
    } else {
        ("Not valid", "text-red-800")
    };
    view! {
        <li id=format!("import-{}", i.public_id) class=CARD data-testid="import-item" data-valid=i.valid.to_string()>
            <p class="font-semibold"><a href=crate::paths::wallet_import_page(&i.public_id) class="underline">{i.badge}</a></p>
            <p class="text-sm text-stone-600">
                {format!("{} · {}", i.issuer, i.version)}
                {i.issued_on.map(|d| format!(" · awarded {d}"))}
            </p>
            <p class="text-sm">
                <span class=format!("font-semibold {status_class}") data-testid="import-status">{status}</span>
                {format!(" · checked {}", i.checked_at)}
            </p>
            {i.problem.map(|p| view! { <p class="text-sm text-red-800" data-testid="import-problem">{p}</p> })}
            <div class="flex gap-2">
                <ActionForm action=check>
                    <input type="hidden" name="public_id" value=check_id />
                    <button type="submit" class=SECONDARY>"Check again"</button>
                </ActionForm>
                <ActionForm action=remove>
                    <input type="hidden" name="public_id" value=remove_id />
                    <button type="submit" class=SECONDARY>"Remove from wallet"</button>
                </ActionForm>
            </div>
        </li>
    }
}

#[component]
fn Item(b: WalletItem, visibility: ServerAction<SetVisibility>) -> impl IntoView {
    let status = match b.status {
        BadgeStatus::Active => "valid",
        BadgeStatus::Expired => "expired",
        BadgeStatus::Revoked => "revoked",
    };
    let (label, next) = if b.public {
        ("Make private", "false")
    } else {
        ("Make public", "true")
    };
    let alt = format!("{} badge", b.badge);
    let slug = b.slug.clone();
    view! {
        <li id=format!("badge-{slug}") class=CARD data-testid="wallet-item" data-slug=slug.clone() data-public=b.public.to_string()>
            <div class="flex gap-4">
                <img src=b.image_url alt=alt width="80" height="80" class="h-20 w-20 object-contain" />
                <div class="space-y-1 text-sm">
                    <h2 class="text-base font-semibold">
                        <a href=crate::paths::wallet_badge_page(&slug) class="underline" data-testid="badge-page">{b.badge.clone()}</a>
                    </h2>
                    <p>{format!("{} · {} · {}", b.issuer, b.issued_on, status)}</p>
                    {(!b.tags.is_empty()).then(|| view! { <p class="text-xs text-stone-600">{format!("Tags: {}", b.tags.join(", "))}</p> })}
                    <p>
                        <span data-testid="visibility">{if b.public { "Public" } else { "Private" }}</span>
                        " · " <a href=b.verify_url class="underline">"Verification page"</a>
                        " · " <a href=b.linkedin rel="noopener" target="_blank" class="underline">"Add to LinkedIn"</a>
                    </p>
                </div>
            </div>
            {b.embed.map(|snippet| {
                let id = format!("embed-{slug}");
                view! {
                    <details class="text-sm">
                        <summary class="cursor-pointer underline">"Embed on your site"</summary>
                        <label for=id.clone() class="mt-2 block text-xs text-stone-600">
                            "Paste this HTML where the badge should show (no script, no iframe):"
                        </label>
                        <textarea id=id readonly=true rows="4" class=format!("{INPUT} font-mono text-xs") data-testid="embed-snippet">{rcdata(snippet)}</textarea>
                    </details>
                }
            })}
            <ActionForm action=visibility>
                <input type="hidden" name="slug" value=b.slug />
                <input type="hidden" name="public" value=next />
                <button type="submit" class=SECONDARY>{label}</button>
            </ActionForm>
        </li>
    }
}

/// One badge as a row of the list view.
#[component]
fn Row(b: WalletItem, visibility: ServerAction<SetVisibility>) -> impl IntoView {
    let (label, next) = if b.public {
        ("Make private", "false")
    } else {
        ("Make public", "true")
    };
    let slug = b.slug.clone();
    view! {
        <li id=format!("badge-{slug}") class="flex flex-wrap items-center gap-3 p-3 text-sm" data-testid="wallet-item" data-slug=slug.clone() data-public=b.public.to_string()>
            <a href=crate::paths::wallet_badge_page(&slug) class="grow font-semibold underline" data-testid="badge-page">{b.badge}</a>
            <span>{b.issuer}</span>
            <span>{b.issued_on}</span>
            <span>{crate::server_fns::wallet::get_wallet::status_word(b.status)}</span>
            <span data-testid="visibility">{if b.public { "Public" } else { "Private" }}</span>
            <ActionForm action=visibility>
                <input type="hidden" name="slug" value=b.slug />
                <input type="hidden" name="public" value=next />
                <button type="submit" class=SECONDARY>{label}</button>
            </ActionForm>
        </li>
    }
}

#[component]
fn ProfileForm(p: ProfileSettings) -> impl IntoView {
    let action = ServerAction::<SaveProfile>::new();
    let has_profile = !p.handle.is_empty();
    view! {
        <section id="profile" class=CARD>
            <h2 class="text-lg font-semibold">"Your public profile"</h2>
            <p class="text-sm text-stone-600">
                "Off until you switch it on. It shows your display name, photo, summary, the links you make visible and your public badges and collections, nothing else."
            </p>
            <ActionForm action attr:class="space-y-4">
                <Field label="Handle" name="handle" value=p.handle
                    hint="Your profile's address: /u/handle. Lowercase letters, digits and hyphens, 3–30 characters." />
                <Field label="Display name" name="display_name" autocomplete="name" value=p.display_name />
                <div>
                    <label for="summary" class=LABEL>"Summary (optional)"</label>
                    <textarea id="summary" name="summary" rows="3" class=INPUT>{rcdata(p.summary)}</textarea>
                </div>
                <SocialFields links=p.links />
                <div class="flex items-center gap-2">
                    <input id="public" name="public" type="checkbox" value="on" checked=p.public />
                    <label for="public" class="text-sm">"Show my public profile"</label>
                </div>
                <div class="flex items-center gap-2">
                    <input id="default_public" name="default_public" type="checkbox" value="on" checked=p.default_public />
                    <label for="default_public" class="text-sm">"Make badges issued to me from now on public at once (otherwise each starts private)"</label>
                </div>
                <ActionError error=error_of(action.value()) />
                <button type="submit" class=BUTTON>"Save profile"</button>
            </ActionForm>
            <Photo url=p.photo_url has_profile />
        </section>
    }
}

/// The profile photo: a plain multipart form (same rules as an
/// organisation's image), and its removal.
#[component]
fn Photo(url: Option<String>, has_profile: bool) -> impl IntoView {
    let upload_error = Signal::stored(url_error::<UploadPhoto>());
    let remove = ServerAction::<RemovePhoto>::new();
    let upload_url = <UploadPhoto as leptos::server_fn::ServerFn>::url();
    let has_photo = url.is_some();
    has_profile.then(move || view! {
        <div class="space-y-2 border-t border-stone-200 pt-4">
            <h3 class="font-semibold">"Photo"</h3>
            {url.map(|u| view! { <img src=u alt="Your current photo" width="96" height="96" class="h-24 w-24 rounded-full object-cover" /> })}
            <form method="post" enctype="multipart/form-data" action=upload_url class="space-y-2">
                <label for="photo" class=LABEL>"Upload a photo (PNG, JPEG or SVG, at most 512 KB)"</label>
                <input id="photo" name="image" type="file" accept="image/png,image/jpeg,image/svg+xml" required=true class="block text-sm" />
                <ActionError error=upload_error />
                <button type="submit" class=BUTTON>"Upload photo"</button>
            </form>
            {has_photo.then(|| view! {
                <ActionForm action=remove>
                    <button type="submit" class=SECONDARY>"Remove photo"</button>
                </ActionForm>
            })}
            <ActionError error=error_of(remove.value()) />
        </div>
    })
}
