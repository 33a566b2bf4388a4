//! The Subscription tab and its pages (`/portal/:subdomain/subscription…`):
//! the plans side by side with the current one, its trial and the next
//! invoice; the payment methods and billing details; adding a card through
//! Stripe's own form; the payment history; one invoice with its PDF. Every
//! member sees the status; the rest is for privileged members (enforced on
//! the server). Plain forms: the same without JavaScript, except Stripe's
//! card form, which is Stripe's script.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::{rcdata, ActionError};
use crate::components::portal::{error_of, id_param, loaded, org_nav, subdomain_param};
use crate::components::style::{ALERT, BUTTON, CARD, CELL, INPUT, LABEL, NOTICE, SECONDARY, TABLE};
use crate::paths::portal;
use crate::server_fns::billing::add_invoice_method::AddInvoiceMethod;
use crate::server_fns::billing::change_plan::ChangePlan;
use crate::server_fns::billing::choose_plan::ChoosePlan;
use crate::server_fns::billing::finish_card::finish_card;
use crate::server_fns::billing::get_history::{get_history, HistoryView};
use crate::server_fns::billing::get_invoice::{get_invoice, InvoiceView};
use crate::server_fns::billing::get_payment::{get_payment, PaymentView};
use crate::server_fns::billing::get_subscription::{get_subscription, SubscriptionView};
use crate::server_fns::billing::invoice_pdf::InvoicePdf;
use crate::server_fns::billing::pay_invoice::PayInvoice;
use crate::server_fns::billing::payment_method_action::PaymentMethodAction;
use crate::server_fns::billing::save_billing_details::SaveBillingDetails;
use crate::server_fns::billing::start_card::start_card;

fn saved_notice() -> impl IntoView {
    let saved = use_query_map().read_untracked().get("saved").is_some();
    saved.then(|| view! { <p role="status" class=NOTICE>"Saved."</p> })
}

/// The links between the Subscription pages.
fn billing_nav(sub: &str, here: &'static str) -> impl IntoView {
    let link = |href: String, label: &'static str| {
        let current = label == here;
        view! {
            <a href=href class=if current { "font-semibold underline" } else { "underline" } aria-current=current.then_some("page")>
                {label}
            </a>
        }
    };
    view! {
        <nav class="flex flex-wrap gap-4 text-sm" aria-label="Subscription">
            {link(portal(sub).subscription(), "Plan")}
            {link(portal(sub).payment(), "Payment method")}
            {link(portal(sub).history(), "Payment history")}
        </nav>
    }
}

#[component]
pub fn SubscriptionPage() -> impl IntoView {
    let sub = subdomain_param();
    let data = Resource::new(sub, get_subscription);
    view! {
        <Title text="Subscription" />
        {loaded(data, move |v| view! { <Subscription v /> })}
    }
}

#[component]
fn Subscription(v: SubscriptionView) -> impl IntoView {
    let choose = ServerAction::<ChoosePlan>::new();
    let change = ServerAction::<ChangePlan>::new();
    let sub = v.subdomain.clone();
    view! {
        {org_nav(&v.subdomain, "Subscription")}
        <section class="mx-auto max-w-4xl space-y-6">
            <h1 class="text-2xl font-bold">"Subscription"</h1>
            {v.can_manage.then(|| billing_nav(&v.subdomain, "Plan"))}
            {saved_notice()}
            <section class=CARD aria-labelledby="status-heading" data-testid="subscription-status">
                <h2 id="status-heading" class="text-lg font-semibold">"Your plan"</h2>
                <dl class="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
                    <dt class="font-semibold">"Plan"</dt>
                    <dd data-testid="plan-name">{v.plan_name.clone().unwrap_or_else(|| "None".into())}</dd>
                    <dt class="font-semibold">"Status"</dt>
                    <dd data-testid="plan-status">{v.status.clone()}</dd>
                    {v.trial_usage.clone().map(|t| view! {
                        <dt class="font-semibold">"Trial"</dt>
                        <dd data-testid="trial-usage">{t}</dd>
                    })}
                    {v.cycle_badges.map(|n| view! {
                        <dt class="font-semibold">"Badges this cycle"</dt>
                        <dd>{n}</dd>
                    })}
                    {v.next_invoice.clone().map(|t| view! {
                        <dt class="font-semibold">"Next invoice"</dt>
                        <dd data-testid="next-invoice">{t}</dd>
                    })}
                    {v.scheduled.clone().map(|t| view! {
                        <dt class="font-semibold">"Scheduled"</dt>
                        <dd data-testid="scheduled">{t}</dd>
                    })}
                </dl>
                {v.refusal.clone().map(|r| view! { <p role="alert" class=ALERT data-testid="billing-refusal">{r}</p> })}
                {(!v.can_manage).then(|| view! {
                    <p class="text-sm text-stone-600">"Plans and payments are managed by your organisation's privileged members."</p>
                })}
            </section>
            {v.can_manage.then(|| {
                let has_plan = v.plan_id.is_some();
                let current = v.plan_id;
                let sub_choose = sub.clone();
                let sub_change = sub.clone();
                view! {
                    {(!v.has_payment_method && !has_plan).then(|| view! {
                        <p class=NOTICE>
                            "Choosing a plan needs a payment method: "
                            <a href=portal(&sub).payment() class="underline">"add one on the Payment method page"</a>
                            ". Your trial starts when you choose; nothing is charged until it ends."
                        </p>
                    })}
                    <section aria-labelledby="plans-heading" class="space-y-3">
                        <h2 id="plans-heading" class="text-lg font-semibold">"Plans"</h2>
                        {if v.plans.is_empty() {
                            view! { <p class="text-sm text-stone-600">"No plans are offered yet."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="plans">
                                    {v.plans.clone().into_iter().map(|p| {
                                        let is_current = current == Some(p.id);
                                        let sub_choose = sub_choose.clone();
                                        let sub_change = sub_change.clone();
                                        let change_label = format!("Change to {} from the next cycle", p.name);
                                        let choose_label = format!("Choose {}", p.name);
                                        let change_value = format!("plan:{}", p.id);
                                        let plan_id = p.id;
                                        view! {
                                            <li class=CARD data-plan=p.name.clone()>
                                                <h3 class="font-semibold">{p.name.clone()}</h3>
                                                <p class="text-sm">{p.monthly_fee.clone()}</p>
                                                <p class="text-sm">{p.per_badge_fee.clone()}</p>
                                                <p class="text-sm text-stone-600">{p.vat.clone()}</p>
                                                <p class="text-sm text-stone-600">{p.trial.clone()}</p>
                                                {if is_current {
                                                    view! { <p class="text-sm font-semibold">"Your current plan"</p> }.into_any()
                                                } else if has_plan {
                                                    view! {
                                                        <ActionForm action=change>
                                                            <input type="hidden" name="subdomain" value=sub_change />
                                                            <input type="hidden" name="change" value=change_value />
                                                            <button type="submit" class=SECONDARY>{change_label}</button>
                                                        </ActionForm>
                                                    }.into_any()
                                                } else {
                                                    view! {
                                                        <ActionForm action=choose>
                                                            <input type="hidden" name="subdomain" value=sub_choose />
                                                            <input type="hidden" name="plan_id" value=plan_id />
                                                            <button type="submit" class=BUTTON>{choose_label}</button>
                                                        </ActionForm>
                                                    }.into_any()
                                                }}
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <ActionError error=error_of(choose.value()) />
                        <ActionError error=error_of(change.value()) />
                    </section>
                    {has_plan.then(|| {
                        let sub_end = sub.clone();
                        let sub_stay = sub.clone();
                        view! {
                            <section aria-labelledby="end-heading" class="space-y-2">
                                <h2 id="end-heading" class="text-lg font-semibold">"End or keep"</h2>
                                <p class="text-sm text-stone-600">"Changes and the end take effect at the start of the next cycle; until then everything goes on as it is."</p>
                                <div class="flex flex-wrap gap-3">
                                    <ActionForm action=change>
                                        <input type="hidden" name="subdomain" value=sub_end />
                                        <input type="hidden" name="change" value="end" />
                                        <button type="submit" class=SECONDARY>"End the plan at the next cycle"</button>
                                    </ActionForm>
                                    <ActionForm action=change>
                                        <input type="hidden" name="subdomain" value=sub_stay />
                                        <input type="hidden" name="change" value="stay" />
                                        <button type="submit" class=SECONDARY>"Keep the current plan (cancel a scheduled change)"</button>
                                    </ActionForm>
                                </div>
                            </section>
                        }
                    })}
                }
            })}
        </section>
    }
}

#[component]
pub fn PaymentPage() -> impl IntoView {
    let sub = subdomain_param();
    let data = Resource::new(sub, get_payment);
    view! {
        <Title text="Payment method" />
        {loaded(data, move |v| view! { <Payment v /> })}
    }
}

#[component]
fn Payment(v: PaymentView) -> impl IntoView {
    let save = ServerAction::<SaveBillingDetails>::new();
    let add_invoice = ServerAction::<AddInvoiceMethod>::new();
    let action = ServerAction::<PaymentMethodAction>::new();
    let sub = v.subdomain.clone();
    let (sub_save, sub_invoice) = (sub.clone(), sub.clone());
    view! {
        {org_nav(&v.subdomain, "Subscription")}
        <section class="mx-auto max-w-3xl space-y-6">
            <h1 class="text-2xl font-bold">"Payment method"</h1>
            {billing_nav(&v.subdomain, "Payment method")}
            {saved_notice()}
            <section class="space-y-3" aria-labelledby="methods-heading">
                <h2 id="methods-heading" class="text-lg font-semibold">"Methods on file"</h2>
                {if v.methods.is_empty() {
                    view! { <p class="text-sm text-stone-600">"None yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="space-y-2" data-testid="methods">
                            {v.methods.clone().into_iter().map(|m| {
                                let (s1, s2) = (sub.clone(), sub.clone());
                                view! {
                                    <li class="flex flex-wrap items-center gap-3 text-sm">
                                        <span>{m.label.clone()}</span>
                                        {m.is_default.then(|| view! { <strong>"(default)"</strong> })}
                                        {(!m.is_default && !m.pending).then(|| view! {
                                            <ActionForm action=action>
                                                <input type="hidden" name="subdomain" value=s1 />
                                                <input type="hidden" name="id" value=m.id />
                                                <input type="hidden" name="action" value="default" />
                                                <button type="submit" class=SECONDARY>"Make default"</button>
                                            </ActionForm>
                                        })}
                                        <ActionForm action=action>
                                            <input type="hidden" name="subdomain" value=s2 />
                                            <input type="hidden" name="id" value=m.id />
                                            <input type="hidden" name="action" value="remove" />
                                            <button type="submit" class=SECONDARY aria-label=format!("Remove {}", m.label)>"Remove"</button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
                <ActionError error=error_of(action.value()) />
                <div class="flex flex-wrap gap-3">
                    {(!v.has_invoice_method).then(|| view! {
                        <ActionForm action=add_invoice>
                            <input type="hidden" name="subdomain" value=sub_invoice />
                            <button type="submit" class=BUTTON>"Pay by bank transfer against the invoice"</button>
                        </ActionForm>
                    })}
                    {v.cards.then(|| view! {
                        <a href=portal(&sub).card() class=BUTTON>"Add a card"</a>
                    })}
                </div>
                <ActionError error=error_of(add_invoice.value()) />
            </section>
            <section class="space-y-3" aria-labelledby="details-heading">
                <h2 id="details-heading" class="text-lg font-semibold">"Billing details"</h2>
                <p class="text-sm text-stone-600">"Who invoices are made out to, and where they are mailed."</p>
                <ActionForm action=save attr:class="space-y-3">
                    <input type="hidden" name="subdomain" value=sub_save />
                    <div>
                        <label for="legal_name" class=LABEL>"Legal name"</label>
                        <input id="legal_name" name="legal_name" required=true maxlength="200" value=v.legal_name.clone() class=INPUT autocomplete="organization" />
                    </div>
                    <div>
                        <label for="billing_email" class=LABEL>"Billing email"</label>
                        <input id="billing_email" name="billing_email" type="email" required=true value=v.billing_email.clone() class=INPUT autocomplete="email" />
                    </div>
                    <div>
                        <label for="address" class=LABEL>"Postal address"</label>
                        <textarea id="address" name="address" rows="3" required=true maxlength="500" class=INPUT>{rcdata(v.address.clone())}</textarea>
                    </div>
                    <div>
                        <label for="vat_id" class=LABEL>"VAT ID (optional)"</label>
                        <input id="vat_id" name="vat_id" maxlength="40" value=v.vat_id.clone() class=INPUT />
                    </div>
                    <ActionError error=error_of(save.value()) />
                    <button type="submit" class=BUTTON>"Save billing details"</button>
                </ActionForm>
            </section>
        </section>
    }
}

#[component]
pub fn CardPage() -> impl IntoView {
    let sub = subdomain_param();
    let data = Resource::new(sub, start_card);
    view! {
        <Title text="Add a card" />
        {loaded(data, move |c| {
            let sub = sub();
            view! {
                <section class="mx-auto max-w-md space-y-4">
                    <h1 class="text-2xl font-bold">"Add a card"</h1>
                    <p class="text-sm text-stone-600">"Your card is entered in Stripe's own form; Laurel keeps only its brand, last four digits and expiry."</p>
                    <form id="card-form" class="space-y-3" data-key=c.publishable_key data-secret=c.client_secret data-return=c.return_url>
                        <div id="card-element"></div>
                        <p id="card-error" role="alert" class="text-sm text-red-800"></p>
                        <button type="submit" class=BUTTON>"Save the card"</button>
                    </form>
                    <noscript><p class=ALERT>"Stripe's card form needs JavaScript. You can pay by bank transfer instead."</p></noscript>
                    <p><a href=portal(&sub).payment() class="underline">"Back to payment methods"</a></p>
                    <script src="https://js.stripe.com/v3/"></script>
                    <script src="/stripe-card.js"></script>
                </section>
            }
        })}
    }
}

#[component]
pub fn CardDonePage() -> impl IntoView {
    let sub = subdomain_param();
    let query = use_query_map();
    let data = Resource::new(
        move || (sub(), query.read().get("setup_intent").unwrap_or_default()),
        |(s, i)| finish_card(s, i),
    );
    view! {
        <Title text="Card saved" />
        {loaded(data, move |text| view! {
            <section class="mx-auto max-w-md space-y-4">
                <p role="status" class=NOTICE>{text}</p>
                <p><a href=portal(&sub()).payment() class="underline">"Back to payment methods"</a></p>
            </section>
        })}
    }
}

#[component]
pub fn HistoryPage() -> impl IntoView {
    let sub = subdomain_param();
    let data = Resource::new(sub, get_history);
    view! {
        <Title text="Payment history" />
        {loaded(data, move |v| view! { <History v /> })}
    }
}

#[component]
fn History(v: HistoryView) -> impl IntoView {
    let sub = v.subdomain.clone();
    view! {
        {org_nav(&v.subdomain, "Subscription")}
        <section class="mx-auto max-w-4xl space-y-6">
            <h1 class="text-2xl font-bold">"Payment history"</h1>
            {billing_nav(&v.subdomain, "Payment history")}
            <section aria-labelledby="invoices-heading" class="space-y-2">
                <h2 id="invoices-heading" class="text-lg font-semibold">"Invoices"</h2>
                {if v.invoices.is_empty() {
                    view! { <p class="text-sm text-stone-600">"No invoices yet."</p> }.into_any()
                } else {
                    view! {
                        <table class=TABLE data-testid="invoices">
                            <thead><tr>
                                <th scope="col" class=CELL>"Number"</th>
                                <th scope="col" class=CELL>"Kind"</th>
                                <th scope="col" class=CELL>"Issued"</th>
                                <th scope="col" class=CELL>"Total"</th>
                                <th scope="col" class=CELL>"Status"</th>
                            </tr></thead>
                            <tbody>
                                {v.invoices.into_iter().map(|i| view! {
                                    <tr>
                                        <td class=CELL><a href=portal(&sub).invoice(i.number) class="underline">{i.label}</a></td>
                                        <td class=CELL>{i.kind}</td>
                                        <td class=CELL>{i.issued}</td>
                                        <td class=CELL>{i.total}</td>
                                        <td class=CELL>{i.status}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
            <section aria-labelledby="payments-heading" class="space-y-2">
                <h2 id="payments-heading" class="text-lg font-semibold">"Payments"</h2>
                {if v.payments.is_empty() {
                    view! { <p class="text-sm text-stone-600">"No payments yet."</p> }.into_any()
                } else {
                    view! {
                        <table class=TABLE data-testid="payments">
                            <thead><tr>
                                <th scope="col" class=CELL>"Invoice"</th>
                                <th scope="col" class=CELL>"When"</th>
                                <th scope="col" class=CELL>"Amount"</th>
                                <th scope="col" class=CELL>"Status"</th>
                                <th scope="col" class=CELL>"Note"</th>
                            </tr></thead>
                            <tbody>
                                {v.payments.into_iter().map(|p| view! {
                                    <tr>
                                        <td class=CELL>{p.invoice}</td>
                                        <td class=CELL>{p.when}</td>
                                        <td class=CELL>{p.amount}</td>
                                        <td class=CELL>{p.status}</td>
                                        <td class=CELL>{p.message}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
        </section>
    }
}

#[component]
pub fn InvoicePage() -> impl IntoView {
    let params = use_params_map();
    let number = id_param("number");
    let data = Resource::new(
        move || (params.read().get("subdomain").unwrap_or_default(), number()),
        |(s, n)| get_invoice(s, n),
    );
    view! {
        <Title text="Invoice" />
        {loaded(data, move |v| view! { <Invoice v /> })}
    }
}

#[component]
fn Invoice(v: InvoiceView) -> impl IntoView {
    let pay = ServerAction::<PayInvoice>::new();
    let pdf = format!(
        "{}?subdomain={}&number={}",
        <InvoicePdf as ServerFn>::url(),
        v.subdomain,
        v.number
    );
    let paid = use_query_map().read_untracked().get("paid").is_some();
    let sub = v.subdomain.clone();
    view! {
        {org_nav(&v.subdomain, "Subscription")}
        <article class="mx-auto max-w-3xl space-y-6" data-testid="invoice">
            <header class="space-y-1">
                <h1 class="text-2xl font-bold">{v.title.clone()}</h1>
                <p class="text-sm">
                    <a href=portal(&sub).history() class="underline">"Payment history"</a>
                    " · "
                    <a href=pdf class="underline" download="">"Download the PDF"</a>
                </p>
            </header>
            {paid.then(|| view! { <p role="status" class=NOTICE>"Paid. Thank you."</p> })}
            <dl class="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
                <dt class="font-semibold">"Issued"</dt><dd>{v.issued.clone()}</dd>
                {v.period.clone().map(|p| view! { <dt class="font-semibold">"Period"</dt><dd>{p}</dd> })}
                {v.due.clone().map(|d| view! { <dt class="font-semibold">"Due"</dt><dd>{d}</dd> })}
                <dt class="font-semibold">"Status"</dt><dd data-testid="invoice-status">{v.status.clone()}</dd>
                <dt class="font-semibold">"To"</dt>
                <dd>{v.bill_to.clone().into_iter().map(|l| view! { <span class="block">{l}</span> }).collect_view()}</dd>
            </dl>
            <table class=TABLE>
                <caption class="sr-only">"Invoice lines"</caption>
                <thead><tr>
                    <th scope="col" class=CELL>"Description"</th>
                    <th scope="col" class=CELL>"Quantity"</th>
                    <th scope="col" class=CELL>"Unit price"</th>
                    <th scope="col" class=CELL>"Net"</th>
                    <th scope="col" class=CELL>"VAT"</th>
                </tr></thead>
                <tbody>
                    {v.lines.clone().into_iter().map(|l| view! {
                        <tr>
                            <td class=CELL>{l.description}</td>
                            <td class=CELL>{l.quantity}</td>
                            <td class=CELL>{l.unit}</td>
                            <td class=CELL>{l.net}</td>
                            <td class=CELL>{l.vat}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr><th scope="row" colspan="3" class=CELL>"Net"</th><td class=CELL colspan="2">{v.net.clone()}</td></tr>
                    <tr><th scope="row" colspan="3" class=CELL>"VAT"</th><td class=CELL colspan="2">{v.vat.clone()}</td></tr>
                    <tr><th scope="row" colspan="3" class=CELL>"Total"</th><td class=CELL colspan="2" data-testid="invoice-total">{v.total.clone()}</td></tr>
                </tfoot>
            </table>
            <section class="space-y-1 text-sm">
                {v.how_to_pay.clone().into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}
            </section>
            {v.can_pay_now.then(|| view! {
                <ActionForm action=pay>
                    <input type="hidden" name="subdomain" value=sub.clone() />
                    <input type="hidden" name="number" value=v.number />
                    <button type="submit" class=BUTTON>"Pay now with the card on file"</button>
                </ActionForm>
                <ActionError error=error_of(pay.value()) />
            })}
        </article>
    }
}
