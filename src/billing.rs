//! The arithmetic of subscriptions and invoices, exact and shared by the
//! store, the services and the pages: currencies, amounts in integer minor
//! units (never floating point), VAT rates in basis points and their
//! rounding, invoice lines and totals, and the monthly cycle calendar.
//!
//! **VAT rounding** (the rule every invoice follows, and the tests check by
//! hand): VAT is computed per line as `net × rate`, rounded half away from
//! zero to the currency's minor unit; the invoice's VAT is the sum of the
//! lines' VAT and its total is net + VAT. So a line of 3 × €0.15 at 21 %
//! (net €0.45) carries €0.09 VAT (0.0945 → 0.09), and a line of €0.50 at
//! 7 % carries €0.04 (0.035 → 0.04).
//!
//! **Cycles**: a subscription starts with its plan's trial (cycle 0, from
//! the plan's choice to the trial's end); paid cycle `k ≥ 1` runs from
//! `anchor + (k − 1) months` to `anchor + k months`, where the anchor is the
//! trial's end. Months are added to the anchor (never to the previous
//! cycle), so a subscription anchored on 31 January has cycles starting on
//! 28/29 February, 31 March, 30 April, 31 May… without drifting.

use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};

/// A refused billing value (an amount, a currency, a VAT rate), with the
/// sentence to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BillingError(pub String);

fn refuse<T>(message: impl Into<String>) -> Result<T, BillingError> {
    Err(BillingError(message.into()))
}

/// An ISO 4217 currency code (three capital letters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub fn parse(code: &str) -> Result<Self, BillingError> {
        let code = code.trim().to_ascii_uppercase();
        match code.as_bytes() {
            [a, b, c] if [a, b, c].iter().all(|x| x.is_ascii_uppercase()) => Ok(Self([*a, *b, *c])),
            _ => refuse(format!(
                "“{}” is not a currency code: use three letters such as EUR, USD or GBP.",
                code.chars().take(12).collect::<String>()
            )),
        }
    }

    pub fn code(&self) -> &str {
        // Three ASCII capitals, checked in `parse`.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point (ISO 4217): 0 for the yen and the
    /// other currencies Stripe calls zero-decimal, 3 for the dinars, else 2.
    pub fn exponent(&self) -> u32 {
        const ZERO: &[&str] = &[
            "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX",
            "VND", "VUV", "XAF", "XOF", "XPF",
        ];
        const THREE: &[&str] = &["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];
        if ZERO.contains(&self.code()) {
            0
        } else if THREE.contains(&self.code()) {
            3
        } else {
            2
        }
    }

    fn symbol(&self) -> Option<&'static str> {
        match self.code() {
            "EUR" => Some("€"),
            "USD" => Some("$"),
            "GBP" => Some("£"),
            _ => None,
        }
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Currency {
    type Error = BillingError;
    fn try_from(s: String) -> Result<Self, BillingError> {
        Self::parse(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_owned()
    }
}

/// An amount in minor units of `currency` as people read it: `€1,234.50`,
/// `-€0.45`, `CHF 12.00`, `¥` currencies without decimals.
pub fn format_amount(minor: i64, currency: Currency) -> String {
    let exp = currency.exponent();
    let scale = 10_i64.pow(exp);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    let units = abs / scale as u64;
    let fraction = abs % scale as u64;
    let mut grouped = String::new();
    let digits = units.to_string();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let number = if exp == 0 {
        grouped
    } else {
        format!("{grouped}.{fraction:0width$}", width = exp as usize)
    };
    match currency.symbol() {
        Some(symbol) => format!("{sign}{symbol}{number}"),
        None => format!("{sign}{} {number}", currency.code()),
    }
}

/// Parses an amount written with at most the currency's decimals ("29",
/// "29.5", "0.15") into minor units. No signs, no exponent, no rounding: a
/// price is what the operator typed.
pub fn parse_amount(text: &str, currency: Currency) -> Result<i64, BillingError> {
    let text = text.trim();
    let exp = currency.exponent() as usize;
    let (units, fraction) = text.split_once('.').unwrap_or((text, ""));
    let bad = || {
        BillingError(format!(
            "“{}” is not an amount in {currency}: write digits with at most {exp} decimals, e.g. {}.",
            text.chars().take(20).collect::<String>(),
            format_amount(2950 * 10_i64.pow(exp as u32) / 100, currency)
                .trim_start_matches(|c: char| !c.is_ascii_digit())
        ))
    };
    if units.is_empty()
        || !units.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || fraction.len() > exp
        || (text.contains('.') && fraction.is_empty())
    {
        return Err(bad());
    }
    let units: i64 = units.parse().map_err(|_| bad())?;
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<exp$}").parse().map_err(|_| bad())?
    };
    units
        .checked_mul(10_i64.pow(exp as u32))
        .and_then(|u| u.checked_add(fraction))
        .filter(|v| *v <= MAX_AMOUNT)
        .ok_or_else(bad)
}

/// The largest amount a plan or an invoice line may hold (10¹² minor units,
/// ten billion euros): far below `i64`'s limit, so quantity × price and
/// the sums of lines cannot overflow.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// A VAT rate in basis points (hundredths of a percent): 2100 = 21 %,
/// 770 = 7.7 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct VatRate(u32);

impl VatRate {
    pub fn from_basis_points(bp: i64) -> Result<Self, BillingError> {
        match u32::try_from(bp) {
            Ok(v) if v <= 10_000 => Ok(Self(v)),
            _ => refuse("A VAT rate is between 0 and 100 %."),
        }
    }

    /// Parses "21", "7.7", "8.10", "21%"; at most two decimals.
    pub fn parse(text: &str) -> Result<Self, BillingError> {
        let t = text.trim().trim_end_matches('%').trim();
        let (units, fraction) = t.split_once('.').unwrap_or((t, ""));
        let bad = || {
            BillingError(format!(
                "“{}” is not a VAT rate: write a percentage such as 21 or 7.7 (or “none”).",
                text.chars().take(20).collect::<String>()
            ))
        };
        if units.is_empty()
            || units.len() > 3
            || !units.bytes().all(|b| b.is_ascii_digit())
            || fraction.len() > 2
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let units: i64 = units.parse().map_err(|_| bad())?;
        let fraction: i64 = if fraction.is_empty() {
            0
        } else {
            format!("{fraction:0<2}").parse().map_err(|_| bad())?
        };
        Self::from_basis_points(units * 100 + fraction)
    }

    pub fn basis_points(self) -> u32 {
        self.0
    }

    /// The VAT on `net` minor units, rounded half away from zero (see the
    /// module's rule).
    pub fn of(self, net: i64) -> i64 {
        let magnitude = (i128::from(net.unsigned_abs()) * i128::from(self.0) + 5_000) / 10_000;
        let magnitude = i64::try_from(magnitude).unwrap_or(i64::MAX);
        if net < 0 {
            -magnitude
        } else {
            magnitude
        }
    }
}

impl std::fmt::Display for VatRate {
    /// "21 %", "7.7 %", "8.25 %".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let units = self.0 / 100;
        let fraction = self.0 % 100;
        if fraction == 0 {
            write!(f, "{units} %")
        } else if fraction.is_multiple_of(10) {
            write!(f, "{units}.{} %", fraction / 10)
        } else {
            write!(f, "{units}.{fraction:02} %")
        }
    }
}

/// One line of an invoice: quantity × unit price = net, plus its VAT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Line {
    pub description: String,
    pub quantity: i64,
    /// Minor units per item.
    pub unit_amount: i64,
    pub net: i64,
    /// `None`: no VAT is charged on this line.
    pub vat_rate: Option<VatRate>,
    pub vat: i64,
}

impl Line {
    /// A line; refuses a negative quantity or price and amounts beyond
    /// [`MAX_AMOUNT`].
    pub fn new(
        description: impl Into<String>,
        quantity: i64,
        unit_amount: i64,
        vat_rate: Option<VatRate>,
    ) -> Result<Self, BillingError> {
        if quantity < 0 || !(0..=MAX_AMOUNT).contains(&unit_amount) {
            return refuse("Invoice lines have a positive quantity and price.");
        }
        let net = quantity
            .checked_mul(unit_amount)
            .filter(|n| *n <= MAX_AMOUNT)
            .ok_or_else(|| BillingError("The line's amount is too large.".into()))?;
        let vat = vat_rate.map_or(0, |r| r.of(net));
        Ok(Self {
            description: description.into(),
            quantity,
            unit_amount,
            net,
            vat_rate,
            vat,
        })
    }

    /// The same line with the opposite sign (a credit note's line).
    pub fn negated(&self) -> Self {
        Self {
            description: self.description.clone(),
            quantity: -self.quantity,
            unit_amount: self.unit_amount,
            net: -self.net,
            vat_rate: self.vat_rate,
            vat: -self.vat,
        }
    }
}

/// An invoice's sums: net, VAT (the sum of the lines' VAT) and total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    pub net: i64,
    pub vat: i64,
    pub total: i64,
}

impl Totals {
    pub fn of(lines: &[Line]) -> Self {
        let net: i64 = lines.iter().map(|l| l.net).sum();
        let vat: i64 = lines.iter().map(|l| l.vat).sum();
        Self {
            net,
            vat,
            total: net + vat,
        }
    }
}

/// The start of paid cycle `k` (k ≥ 1) of a subscription whose trial ends
/// at `anchor`: `anchor + (k − 1)` months. `None` beyond chrono's range.
pub fn cycle_start(anchor: DateTime<Utc>, k: i64) -> Option<DateTime<Utc>> {
    let months = u32::try_from(k.checked_sub(1)?).ok()?;
    anchor.checked_add_months(Months::new(months))
}

/// The paid cycle that `t` falls in (0 while still in the trial).
pub fn cycle_at(anchor: DateTime<Utc>, t: DateTime<Utc>) -> i64 {
    if t < anchor {
        return 0;
    }
    // A first guess from the days, then exact steps (month lengths vary).
    let mut k = 1 + (t - anchor).num_days() / 31;
    while cycle_start(anchor, k + 1).is_some_and(|next| next <= t) {
        k += 1;
    }
    while k > 1 && cycle_start(anchor, k).is_some_and(|start| start > t) {
        k -= 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn eur() -> Currency {
        Currency::parse("eur").unwrap()
    }

    #[test]
    fn currencies_parse_and_know_their_decimals() {
        assert_eq!(eur().code(), "EUR");
        assert_eq!(Currency::parse("JPY").unwrap().exponent(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().exponent(), 3);
        for bad in ["", "EU", "EURO", "E1R", "€"] {
            assert!(Currency::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn amounts_format_and_parse_exactly() {
        assert_eq!(format_amount(123_450, eur()), "€1,234.50");
        assert_eq!(format_amount(-45, eur()), "-€0.45");
        assert_eq!(format_amount(0, eur()), "€0.00");
        assert_eq!(
            format_amount(1200, Currency::parse("CHF").unwrap()),
            "CHF 12.00"
        );
        assert_eq!(
            format_amount(1500, Currency::parse("JPY").unwrap()),
            "JPY 1,500"
        );
        assert_eq!(parse_amount("29", eur()), Ok(2900));
        assert_eq!(parse_amount("29.5", eur()), Ok(2950));
        assert_eq!(parse_amount("0.15", eur()), Ok(15));
        assert_eq!(
            parse_amount("1500", Currency::parse("JPY").unwrap()),
            Ok(1500)
        );
        for bad in [
            "",
            "-1",
            "1.234",
            "1,5",
            "1e3",
            "abc",
            "1.",
            ".5",
            "99999999999",
        ] {
            assert!(parse_amount(bad, eur()).is_err(), "{bad}");
        }
        assert!(parse_amount("1.5", Currency::parse("JPY").unwrap()).is_err());
    }

    #[test]
    fn vat_rates_parse_and_round_half_away_from_zero() {
        assert_eq!(VatRate::parse("21").unwrap().basis_points(), 2100);
        assert_eq!(VatRate::parse("7.7%").unwrap().basis_points(), 770);
        assert_eq!(VatRate::parse("8.25").unwrap().to_string(), "8.25 %");
        assert_eq!(VatRate::parse("7.7").unwrap().to_string(), "7.7 %");
        for bad in ["", "101", "-5", "7.777", "x", "1000"] {
            assert!(VatRate::parse(bad).is_err(), "{bad}");
        }
        let r21 = VatRate::parse("21").unwrap();
        // 45 × 0.21 = 9.45 → 9; 50 × 0.07 = 3.5 → 4 (half away from zero).
        assert_eq!(r21.of(45), 9);
        assert_eq!(VatRate::parse("7").unwrap().of(50), 4);
        assert_eq!(VatRate::parse("7").unwrap().of(-50), -4);
        // €29.00 at 21 % = €6.09 exactly.
        assert_eq!(r21.of(2900), 609);
    }

    #[test]
    fn invoice_lines_and_totals_by_hand() {
        let r = VatRate::parse("21").unwrap();
        let lines = vec![
            Line::new("Monthly fee", 1, 2900, Some(r)).unwrap(),
            Line::new("Badges", 3, 15, Some(r)).unwrap(),
            Line::new("Exempt", 1, 100, None).unwrap(),
        ];
        // Net 29.00 + 0.45 + 1.00 = 30.45; VAT 6.09 + 0.09 + 0 = 6.18.
        assert_eq!(
            Totals::of(&lines),
            Totals {
                net: 3045,
                vat: 618,
                total: 3663
            }
        );
        let credit: Vec<Line> = lines.iter().map(Line::negated).collect();
        assert_eq!(Totals::of(&credit).total, -3663);
        assert!(Line::new("x", -1, 100, None).is_err());
        assert!(Line::new("x", 1_000_000, MAX_AMOUNT, None).is_err());
    }

    #[test]
    fn cycles_are_months_from_the_anchor_without_drift() {
        let anchor = Utc.with_ymd_and_hms(2027, 1, 31, 9, 0, 0).unwrap();
        let start = |k| cycle_start(anchor, k).unwrap();
        assert_eq!(start(1), anchor);
        assert_eq!(
            start(2),
            Utc.with_ymd_and_hms(2027, 2, 28, 9, 0, 0).unwrap()
        );
        assert_eq!(
            start(3),
            Utc.with_ymd_and_hms(2027, 3, 31, 9, 0, 0).unwrap()
        );
        assert_eq!(
            start(13),
            Utc.with_ymd_and_hms(2028, 1, 31, 9, 0, 0).unwrap()
        );
        assert_eq!(cycle_start(anchor, 0), None);
        assert_eq!(cycle_at(anchor, anchor - chrono::Duration::seconds(1)), 0);
        assert_eq!(cycle_at(anchor, anchor), 1);
        assert_eq!(cycle_at(anchor, start(2) - chrono::Duration::seconds(1)), 1);
        assert_eq!(cycle_at(anchor, start(2)), 2);
        assert_eq!(cycle_at(anchor, start(13) + chrono::Duration::days(3)), 13);
        for k in 1..40 {
            assert_eq!(cycle_at(anchor, start(k)), k);
        }
    }
}
