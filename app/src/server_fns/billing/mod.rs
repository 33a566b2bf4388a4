//! Subscription and billing: the Subscription tab (plans, status, the next
//! invoice), payment methods, payment history and invoices. Reading the
//! status is for every member; everything else is for privileged members.
//! Each file holds one server function, answered at `/api/billing/<name>`.

pub mod add_invoice_method;
pub mod change_plan;
pub mod choose_plan;
pub mod finish_card;
pub mod get_history;
pub mod get_invoice;
pub mod get_payment;
pub mod get_subscription;
pub mod invoice_pdf;
pub mod pay_invoice;
pub mod payment_method_action;
pub mod save_billing_details;
pub mod start_card;
