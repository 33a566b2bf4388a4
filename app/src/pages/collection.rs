//! One of the holder's collections, to edit (`/wallet/collections/:id`):
//! name, description, public or not, its badges in order (earlier, later,
//! remove) and the wallet's other badges to add. Plain forms: it works the
//! same with and without JavaScript (no island).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::{rcdata, ActionError};
use crate::components::portal::{error_of, loaded};
use crate::components::style::{BUTTON, CARD, DANGER, INPUT, LABEL, NOTICE, SECONDARY};
use crate::server_fns::wallet::arrange_collection::{Arrange, ArrangeCollection};
use crate::server_fns::wallet::delete_collection::DeleteCollection;
use crate::server_fns::wallet::get_collection::{get_collection, CollectionItem, CollectionView};
use crate::server_fns::wallet::save_collection::SaveCollection;

/// `/wallet/collections/:id`.
#[component]
pub fn CollectionEditPage() -> impl IntoView {
    let params = use_params_map();
    let data = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_collection,
    );
    view! {
        <Title text="Collection" />
        {loaded(data, move |c| view! { <Editor c /> })}
    }
}

#[component]
fn Editor(c: CollectionView) -> impl IntoView {
    let saved = use_query_map().read_untracked().get("saved").is_some();
    let save = ServerAction::<SaveCollection>::new();
    let arrange = ServerAction::<ArrangeCollection>::new();
    let delete = ServerAction::<DeleteCollection>::new();
    let CollectionView {
        public_id,
        name,
        description,
        public,
        page,
        badges,
        addable,
    } = c;
    let count = badges.len();
    let in_collection = badges
        .into_iter()
        .enumerate()
        .map(|(i, b)| {
            let buttons = [
                (Arrange::Earlier, "Earlier", i > 0),
                (Arrange::Later, "Later", i + 1 < count),
                (Arrange::Remove, "Remove", true),
            ]
            .into_iter()
            .filter(|(_, _, shown)| *shown)
            .map(|(op, label, _)| {
                view! {
                    <ArrangeButton arrange public_id=public_id.clone() slug=b.slug.clone() op label=format!("{label}: {}", b.badge) text=label />
                }
            })
            .collect_view();
            view! {
                <li class="flex items-center gap-3 rounded border border-stone-200 bg-white p-2" data-testid="collection-item" data-slug=b.slug.clone()>
                    <Badge b=b.clone() />
                    {buttons}
                </li>
            }
        })
        .collect_view();
    let nothing_to_add = addable.is_empty();
    let to_add = addable
        .into_iter()
        .map(|b| {
            view! {
                <li class="flex items-center gap-3 rounded border border-stone-200 bg-white p-2">
                    <Badge b=b.clone() />
                    <ArrangeButton arrange public_id=public_id.clone() slug=b.slug.clone() op=Arrange::Add label=format!("Add: {}", b.badge) text="Add" />
                </li>
            }
        })
        .collect_view();
    let save_id = public_id.clone();
    view! {
        <section class="space-y-6">
            <header class="space-y-1">
                <p class="text-sm"><a href=crate::paths::WALLET class="underline">"Your wallet"</a></p>
                <h1 class="text-2xl font-bold">{name.clone()}</h1>
                {match page {
                    Some(href) => view! {
                        <p class="text-sm"><a href=href.clone() class="underline" data-testid="collection-page">{format!("Its public page: {href}")}</a></p>
                    }.into_any(),
                    None => view! {
                        <p class="text-sm text-stone-600">"Private: it has a public page when it is public and your profile is on."</p>
                    }.into_any(),
                }}
            </header>
            {saved.then(|| view! { <p role="status" class=NOTICE>"Collection saved."</p> })}
            <ActionError error=error_of(arrange.value()) />
            <section class="space-y-3" aria-labelledby="in-heading">
                <h2 id="in-heading" class="text-lg font-semibold">"Badges in this collection"</h2>
                {if count == 0 {
                    view! { <p class="text-sm text-stone-600">"None yet: add some below."</p> }.into_any()
                } else {
                    view! { <ol class="space-y-2" data-testid="collection-items">{in_collection}</ol> }.into_any()
                }}
            </section>
            <section class="space-y-3" aria-labelledby="add-heading">
                <h2 id="add-heading" class="text-lg font-semibold">"Add from your wallet"</h2>
                {if nothing_to_add {
                    view! { <p class="text-sm text-stone-600">"Every badge in your wallet is in this collection."</p> }.into_any()
                } else {
                    view! { <ul class="space-y-2" data-testid="addable">{to_add}</ul> }.into_any()
                }}
            </section>
            <section class=CARD aria-labelledby="settings-heading">
                <h2 id="settings-heading" class="text-lg font-semibold">"Name and visibility"</h2>
                <ActionForm action=save attr:class="space-y-4">
                    <input type="hidden" name="public_id" value=save_id />
                    <div>
                        <label for="name" class=LABEL>"Name"</label>
                        <input id="name" name="name" type="text" required=true maxlength="100" value=name class=INPUT />
                    </div>
                    <div>
                        <label for="description" class=LABEL>"Description (optional)"</label>
                        <textarea id="description" name="description" rows="3" class=INPUT>{rcdata(description)}</textarea>
                    </div>
                    <label class="flex items-center gap-2">
                        <input type="checkbox" name="public" value="on" checked=public />
                        "Public: show it on my profile (only its public badges appear)"
                    </label>
                    <ActionError error=error_of(save.value()) />
                    <button type="submit" class=BUTTON>"Save collection"</button>
                </ActionForm>
            </section>
            <ActionForm action=delete>
                <input type="hidden" name="public_id" value=public_id />
                <ActionError error=error_of(delete.value()) />
                <button type="submit" class=DANGER>"Delete collection"</button>
            </ActionForm>
        </section>
    }
}

/// One add / earlier / later / remove button: a plain form.
#[component]
fn ArrangeButton(
    arrange: ServerAction<ArrangeCollection>,
    public_id: String,
    slug: String,
    op: Arrange,
    /// The accessible name, with the badge's name.
    label: String,
    text: &'static str,
) -> impl IntoView {
    view! {
        <ActionForm action=arrange>
            <input type="hidden" name="public_id" value=public_id />
            <input type="hidden" name="slug" value=slug />
            <input type="hidden" name="op" value=op_word(op) />
            <button type="submit" class=SECONDARY aria-label=label>{text}</button>
        </ActionForm>
    }
}

/// A badge's image, name and issuer, and whether it is private.
#[component]
fn Badge(b: CollectionItem) -> impl IntoView {
    let alt = format!("{} badge", b.badge);
    view! {
        <img src=b.image_url alt=alt width="40" height="40" class="h-10 w-10 object-contain" />
        <div class="grow text-sm">
            <p class="font-semibold">{b.badge}</p>
            <p class="text-stone-600">
                {b.issuer}
                {(!b.public).then_some(" · private: not shown on the public page")}
            </p>
        </div>
    }
}

/// The form word of an [`Arrange`] (its serde name).
fn op_word(op: Arrange) -> &'static str {
    match op {
        Arrange::Add => "add",
        Arrange::Remove => "remove",
        Arrange::Earlier => "earlier",
        Arrange::Later => "later",
    }
}
