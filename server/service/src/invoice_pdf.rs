//! An invoice (or credit note) as a one-page A4 PDF, written with
//! `pdf-writer` in PDF's built-in Helvetica and Courier (no font files:
//! every reader has them). The page says what the invoice page says:
//! number, dates, seller and buyer, each line with its VAT, the totals,
//! and how to pay.

use laurel::billing::{format_amount, Currency};
use laurel::{InvoiceKind, PaymentProvider};
use laurel_store::Invoice;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::billing::invoice_number;

/// Who issues the invoices (the operator) and how to pay them.
pub struct Seller<'a> {
    pub name: &'a str,
    pub bank_details: &'a str,
}

/// Text in the built-in fonts' WinAnsi encoding: Latin-1 plus the euro
/// sign, dashes and quotes; anything else becomes "?". (The built-in fonts
/// take one byte a character and no other encoding; no crate covers this
/// one table.)
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '×' => 0xD7,
            c if (' '..='~').contains(&c) => c as u8,
            c if ('\u{A0}'..='\u{FF}').contains(&c) => c as u32 as u8,
            _ => b'?',
        })
        .collect()
}

struct Page {
    content: Content,
}

const SANS: Name = Name(b"F1");
const SANS_BOLD: Name = Name(b"F2");
const MONO: Name = Name(b"F3");
/// Courier's advance is 0.6 em: right-aligned figures need only a count.
const MONO_ADVANCE: f32 = 0.6;

impl Page {
    fn text(&mut self, font: Name, size: f32, x: f32, y: f32, text: &str) {
        let bytes = win_ansi(text);
        self.content
            .begin_text()
            .set_font(font, size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }

    /// Courier text ending at `right`.
    fn right(&mut self, size: f32, right: f32, y: f32, text: &str) {
        let width = text.chars().count() as f32 * size * MONO_ADVANCE;
        self.text(MONO, size, right - width, y, text);
    }

    fn rule(&mut self, y: f32) {
        self.content
            .set_line_width(0.5)
            .move_to(56.0, y)
            .line_to(539.0, y)
            .stroke();
    }
}

/// Cuts `text` into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The PDF of `invoice`, issued by `seller` to the organisation named
/// `organisation`.
pub fn render(invoice: &Invoice, organisation: &str, seller: &Seller<'_>) -> Vec<u8> {
    let money = |minor: i64, currency: Currency| format_amount(minor, currency);
    let title = match invoice.kind {
        InvoiceKind::Invoice => "Invoice",
        InvoiceKind::CreditNote => "Credit note",
    };
    let number = invoice_number(invoice.number);
    let mut page = Page {
        content: Content::new(),
    };
    let mut y = 786.0;
    page.text(SANS_BOLD, 20.0, 56.0, y, &format!("{title} {number}"));
    y -= 22.0;
    page.text(
        SANS,
        10.0,
        56.0,
        y,
        &format!("Issued {}", invoice.issued_at.format("%-d %B %Y")),
    );
    if let (Some(start), Some(end)) = (invoice.period_start, invoice.period_end) {
        y -= 14.0;
        page.text(
            SANS,
            10.0,
            56.0,
            y,
            &format!(
                "Period {} – {}",
                start.format("%-d %B %Y"),
                (end - chrono::Duration::days(1)).format("%-d %B %Y")
            ),
        );
    }
    if invoice.kind == InvoiceKind::Invoice {
        y -= 14.0;
        page.text(
            SANS,
            10.0,
            56.0,
            y,
            &format!("Due {}", invoice.due_at.format("%-d %B %Y")),
        );
    }
    y -= 30.0;
    page.text(SANS_BOLD, 10.0, 56.0, y, "From");
    page.text(SANS_BOLD, 10.0, 300.0, y, "To");
    y -= 14.0;
    page.text(SANS, 10.0, 56.0, y, seller.name);
    let mut y_to = y;
    for line in invoice.bill_to.lines().take(8) {
        page.text(SANS, 10.0, 300.0, y_to, line);
        y_to -= 14.0;
    }
    page.text(SANS, 10.0, 300.0, y_to, &format!("for {organisation}"));
    y = y_to - 30.0;

    // The lines: description, quantity × unit, net, VAT.
    page.text(SANS_BOLD, 9.0, 56.0, y, "Description");
    page.text(SANS_BOLD, 9.0, 330.0, y, "Qty × unit");
    page.text(SANS_BOLD, 9.0, 440.0, y, "Net");
    page.text(SANS_BOLD, 9.0, 500.0, y, "VAT");
    y -= 6.0;
    page.rule(y);
    for line in invoice.lines.iter() {
        y -= 14.0;
        let description = wrap(&line.description, 48);
        for (i, part) in description.iter().enumerate() {
            page.text(SANS, 9.0, 56.0, y - 12.0 * i as f32, part);
        }
        page.right(
            8.0,
            420.0,
            y,
            &format!(
                "{} × {}",
                line.quantity,
                money(line.unit_amount, invoice.currency)
            ),
        );
        page.right(8.0, 480.0, y, &money(line.net, invoice.currency));
        let vat = match line.vat_rate {
            Some(rate) => format!("{} {rate}", money(line.vat, invoice.currency)),
            None => "none".to_owned(),
        };
        page.right(8.0, 539.0, y, &vat);
        y -= 12.0 * (description.len().max(1) - 1) as f32;
    }
    y -= 8.0;
    page.rule(y);
    for (label, amount) in [
        ("Net", invoice.net),
        ("VAT", invoice.vat),
        ("Total", invoice.total),
    ] {
        y -= 16.0;
        let font = if label == "Total" { SANS_BOLD } else { SANS };
        page.text(font, 10.0, 380.0, y, label);
        page.right(10.0, 539.0, y, &money(amount, invoice.currency));
    }
    y -= 36.0;
    let how = match (invoice.kind, invoice.provider) {
        (InvoiceKind::CreditNote, _) => format!(
            "This credit note cancels an earlier invoice; {} is owed to you.",
            money(-invoice.total, invoice.currency)
        ),
        (_, PaymentProvider::Stripe) => "Paid by card: charged to the card on file.".to_owned(),
        (_, PaymentProvider::Invoice) => format!(
            "Please pay by bank transfer by {}, quoting {number}.",
            invoice.due_at.format("%-d %B %Y")
        ),
    };
    for line in wrap(&how, 90) {
        page.text(SANS, 10.0, 56.0, y, &line);
        y -= 14.0;
    }
    if invoice.provider == PaymentProvider::Invoice && invoice.kind == InvoiceKind::Invoice {
        for line in seller.bank_details.lines().take(6) {
            page.text(MONO, 9.0, 56.0, y, line);
            y -= 12.0;
        }
    }
    page.text(
        SANS,
        8.0,
        56.0,
        40.0,
        &format!(
            "{title} {number} · status {} · amounts in {}",
            invoice.status, invoice.currency
        ),
    );

    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let page_id = Ref::new(3);
    let contents = Ref::new(4);
    let info = Ref::new(8);
    let fonts = [
        (SANS, Ref::new(5), Name(b"Helvetica")),
        (SANS_BOLD, Ref::new(6), Name(b"Helvetica-Bold")),
        (MONO, Ref::new(7), Name(b"Courier")),
    ];
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page_id]).count(1);
    let mut p = pdf.page(page_id);
    p.media_box(Rect::new(0.0, 0.0, 595.0, 842.0));
    p.parent(tree);
    p.contents(contents);
    {
        let mut resources = p.resources();
        let mut f = resources.fonts();
        for (name, id, _) in fonts {
            f.pair(name, id);
        }
        f.finish();
    }
    p.finish();
    for (_, id, base) in fonts {
        pdf.type1_font(id)
            .base_font(base)
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    pdf.document_info(info)
        .title(TextStr(&format!("{title} {number}")))
        .producer(TextStr("Laurel"));
    let data = page.content.finish();
    pdf.stream(contents, &data);
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win_ansi_keeps_the_euro_and_latin_1() {
        assert_eq!(win_ansi("€1 – ü"), vec![0x80, b'1', b' ', 0x96, b' ', 0xFC]);
        assert_eq!(win_ansi("漢"), vec![b'?']);
    }

    #[test]
    fn long_descriptions_wrap_at_spaces() {
        assert_eq!(wrap("a bb ccc dddd", 6), vec!["a bb", "ccc", "dddd"]);
        assert!(wrap("", 10).is_empty());
    }
}
