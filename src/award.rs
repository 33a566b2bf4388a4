//! Awards: who receives a badge and for what date, with the holder fields of
//! the EXeed model (email, first name, last name, last-name prefix, "holder
//! is an individual", exam/achievement date) and optional evidence — parsed
//! the same way whether they come from the issue-by-hand form, a CSV batch
//! or the remote API, so every path refuses the same mistakes with the same
//! sentences.
//!
//! A CSV batch is read with the `csv` crate; this module only says what the
//! columns mean. Each award has an [idempotency key](idempotency_key): one
//! badge per template, holder and date, so re-uploading a file or resuming a
//! batch never issues a badge twice.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Email;

/// Longest first name, last name or prefix accepted.
pub const MAX_NAME: usize = 200;
/// Longest evidence narrative accepted.
pub const MAX_NARRATIVE: usize = 5000;

/// The person (or organisation) a badge is issued to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub email: Email,
    pub first_name: String,
    /// For an organisation (`is_individual == false`), its name.
    pub last_name: String,
    /// "van", "de", "von der"… (EXeed's `holderLastNamePrefix`).
    pub last_name_prefix: String,
    pub is_individual: bool,
}

impl Holder {
    /// The name shown on the badge: "First prefix Last" for a person, the
    /// organisation's name otherwise.
    pub fn display_name(&self) -> String {
        if !self.is_individual {
            return self.last_name.clone();
        }
        [
            self.first_name.as_str(),
            self.last_name_prefix.as_str(),
            self.last_name.as_str(),
        ]
        .iter()
        .filter(|part| !part.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
    }
}

/// One badge to issue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Award {
    pub holder: Holder,
    /// When the achievement happened (OB 2.0 `issuedOn`); expiry counts
    /// from it.
    pub achieved_on: NaiveDate,
    pub evidence_url: Option<String>,
    pub evidence_narrative: Option<String>,
    /// A CSV row's `template` column: the external ID of the template to
    /// issue (the batch's template when absent).
    pub template: Option<String>,
}

/// The raw text of an award's fields, as typed or read from a file.
#[derive(Debug, Clone, Default)]
pub struct AwardInput<'a> {
    pub email: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub last_name_prefix: &'a str,
    /// "true"/"false", "yes"/"no", "1"/"0"; empty means yes.
    pub is_individual: &'a str,
    /// `YYYY-MM-DD`.
    pub achieved_on: &'a str,
    pub evidence_url: &'a str,
    pub evidence_narrative: &'a str,
    pub template: &'a str,
}

/// Parses an award; every problem is reported (one sentence each), not just
/// the first. `latest` is the latest achievement date accepted (today, where
/// the issuer is): a later date is in the future.
pub fn parse_award(input: &AwardInput<'_>, latest: NaiveDate) -> Result<Award, Vec<String>> {
    let mut problems = Vec::new();
    let email = match Email::parse(input.email) {
        Ok(e) => Some(e),
        Err(e) => {
            problems.push(e.to_string());
            None
        }
    };
    let is_individual = match parse_flag(input.is_individual) {
        Some(flag) => flag,
        None => {
            problems.push(format!(
                "“Holder is an individual” must be yes or no (got “{}”).",
                input.is_individual.trim()
            ));
            true
        }
    };
    let last_label = if is_individual {
        "last name"
    } else {
        "organisation name (last name)"
    };
    let first_name = name("first name", input.first_name, false, &mut problems);
    let last_name = name(last_label, input.last_name, true, &mut problems);
    let last_name_prefix = name(
        "last-name prefix",
        input.last_name_prefix,
        false,
        &mut problems,
    );
    let achieved_on = match parse_date(input.achieved_on, latest) {
        Ok(d) => Some(d),
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let evidence_url = match optional_http_url(input.evidence_url) {
        Ok(u) => u,
        Err(e) => {
            problems.push(format!("The evidence URL {e}"));
            None
        }
    };
    let narrative = input.evidence_narrative.trim();
    if narrative.chars().count() > MAX_NARRATIVE {
        problems.push(format!(
            "The evidence narrative is {} characters long; the limit is {MAX_NARRATIVE}.",
            narrative.chars().count()
        ));
    }
    let template = input.template.trim();
    match (email, achieved_on) {
        (Some(email), Some(achieved_on)) if problems.is_empty() => Ok(Award {
            holder: Holder {
                email,
                first_name,
                last_name,
                last_name_prefix,
                is_individual,
            },
            achieved_on,
            evidence_url,
            evidence_narrative: (!narrative.is_empty()).then(|| narrative.to_owned()),
            template: (!template.is_empty()).then(|| template.to_owned()),
        }),
        _ => Err(problems),
    }
}

/// A trimmed name field; its problem, if any, is added to `problems`.
fn name(label: &str, value: &str, required: bool, problems: &mut Vec<String>) -> String {
    let value = value.trim();
    if required && value.is_empty() {
        problems.push(format!("The {label} is missing."));
    } else if value.chars().count() > MAX_NAME {
        problems.push(format!(
            "The {label} is {} characters long; the limit is {MAX_NAME}.",
            value.chars().count()
        ));
    } else if value.chars().any(char::is_control) {
        problems.push(format!("The {label} contains a control character."));
    }
    value.to_owned()
}

fn parse_flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "true" | "yes" | "y" | "1" | "on" => Some(true),
        "false" | "no" | "n" | "0" | "off" => Some(false),
        _ => None,
    }
}

/// A `YYYY-MM-DD` date no later than `latest` and no earlier than 1900.
pub fn parse_date(text: &str, latest: NaiveDate) -> Result<NaiveDate, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("The achievement date is missing.".into());
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        format!("The achievement date “{text}” is not a date; write it as YYYY-MM-DD.")
    })?;
    if date > latest {
        return Err(format!(
            "The achievement date {date} is in the future ({} days after {latest}).",
            (date - latest).num_days()
        ));
    }
    if date < NaiveDate::from_ymd_opt(1900, 1, 1).expect("a valid date") {
        return Err(format!("The achievement date {date} is before 1900."));
    }
    Ok(date)
}

/// `None` for empty text, the URL for an absolute http(s) URL, a sentence
/// fragment ("… is not …") otherwise.
pub fn optional_http_url(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match url::Url::parse(text) {
        Ok(u) if (u.scheme() == "https" || u.scheme() == "http") && u.host().is_some() => {
            Ok(Some(u.to_string()))
        }
        _ => Err(format!(
            "“{text}” is not an absolute http:// or https:// address."
        )),
    }
}

/// The idempotency key of an award: one badge per template, holder address
/// and achievement date. SHA-256, hex.
pub fn idempotency_key(template_id: i64, email: &Email, achieved_on: NaiveDate) -> String {
    let mut h = Sha256::new();
    h.update(format!("laurel-award\n{template_id}\n{email}\n{achieved_on}").as_bytes());
    hex::encode(h.finalize())
}

/// The columns of a batch CSV, in the order of the sample file. `email`,
/// `last_name` and `achievement_date` are required; the others may be left
/// out of the file altogether.
pub const CSV_COLUMNS: &[(&str, &str)] = &[
    ("email", "The holder's email address (required)."),
    ("first_name", "The holder's first name."),
    ("last_name_prefix", "Last-name prefix such as “van” or “de”."),
    (
        "last_name",
        "The holder's last name, or the organisation's name when the holder is not an individual (required).",
    ),
    (
        "is_individual",
        "yes or no; empty means yes. When no, last_name holds the organisation's name.",
    ),
    (
        "achievement_date",
        "The exam or achievement date, YYYY-MM-DD, not in the future (required).",
    ),
    ("evidence_url", "An http(s) link to evidence of the achievement."),
    ("evidence_narrative", "A few words on the evidence."),
    (
        "template",
        "The external template ID of the badge to issue; the batch's template when empty.",
    ),
];

const REQUIRED_COLUMNS: &[&str] = &["email", "last_name", "achievement_date"];

/// The sample CSV offered for download (`public/samples/`): the header and
/// two example rows.
pub const SAMPLE_CSV: &str = include_str!("../public/samples/laurel-batch-sample.csv");

/// A batch file that cannot be read at all (as opposed to bad rows).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvError {
    #[error("The file is empty.")]
    Empty,
    #[error("The file is not UTF-8 text (line {line}); save it as CSV UTF-8.")]
    NotUtf8 { line: u64 },
    #[error("The file cannot be read as CSV: {0}")]
    Malformed(String),
    #[error("Unknown column “{0}”. The columns are: {all}.", all = column_list())]
    UnknownColumn(String),
    #[error("The column “{0}” appears twice.")]
    DuplicateColumn(String),
    #[error("The required column “{0}” is missing. The columns are: {all}.", all = column_list())]
    MissingColumn(&'static str),
    #[error("The file has no rows below its header.")]
    NoRows,
    #[error("The file has more than {max} rows; split it into several batches.")]
    TooManyRows { max: usize },
}

fn column_list() -> String {
    CSV_COLUMNS
        .iter()
        .map(|(c, _)| *c)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One data row of a batch file, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRow {
    /// Line number in the file (the header is line 1).
    pub line: u64,
    /// The `email` field as written (for reports on rows that did not parse).
    pub email: String,
    pub award: Result<Award, Vec<String>>,
}

/// Reads a batch file: the header must name known columns (in any order,
/// case and surrounding spaces ignored, a UTF-8 byte-order mark allowed) and
/// include the required ones; each row is parsed on its own, so one bad row
/// never hides the others. Blank lines are skipped.
pub fn parse_csv(
    bytes: &[u8],
    latest: NaiveDate,
    max_rows: usize,
) -> Result<Vec<CsvRow>, CsvError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(CsvError::Empty);
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::None)
        .from_reader(bytes);
    let header = reader.byte_headers().map_err(csv_error)?.clone();
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, raw) in header.iter().enumerate() {
        let name = String::from_utf8_lossy(raw).trim().to_ascii_lowercase();
        if name.is_empty() && i + 1 == header.len() {
            continue; // a trailing comma after the last column
        }
        let Some((known, _)) = CSV_COLUMNS.iter().find(|(c, _)| *c == name) else {
            return Err(CsvError::UnknownColumn(name));
        };
        if index.insert(known, i).is_some() {
            return Err(CsvError::DuplicateColumn(name));
        }
    }
    if let Some(missing) = REQUIRED_COLUMNS.iter().find(|c| !index.contains_key(*c)) {
        return Err(CsvError::MissingColumn(missing));
    }
    let mut rows = Vec::new();
    // Line numbers are counted here from byte offsets: the csv crate's own
    // count is off by one after CRLF line ends.
    let (mut counted_to, mut newlines) = (0usize, 0u64);
    for record in reader.into_byte_records() {
        let record = record.map_err(csv_error)?;
        let start = record
            .position()
            .map(|p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .unwrap_or_default()
            .min(bytes.len());
        let first = bytes[start..]
            .iter()
            .position(|b| *b != b'\r' && *b != b'\n')
            .map_or(bytes.len(), |i| start + i);
        newlines += bytes[counted_to.min(first)..first]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        counted_to = counted_to.max(first);
        let line = newlines + 1;
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        if rows.len() == max_rows {
            return Err(CsvError::TooManyRows { max: max_rows });
        }
        let record =
            csv::StringRecord::from_byte_record(record).map_err(|_| CsvError::NotUtf8 { line })?;
        let field = |name: &str| index.get(name).and_then(|i| record.get(*i)).unwrap_or("");
        let mut award = parse_award(
            &AwardInput {
                email: field("email"),
                first_name: field("first_name"),
                last_name: field("last_name"),
                last_name_prefix: field("last_name_prefix"),
                is_individual: field("is_individual"),
                achieved_on: field("achievement_date"),
                evidence_url: field("evidence_url"),
                evidence_narrative: field("evidence_narrative"),
                template: field("template"),
            },
            latest,
        );
        if record.len() > header.len() {
            let extra = format!(
                "The row has {} fields; the header has {}.",
                record.len(),
                header.len()
            );
            award = match award {
                Ok(_) => Err(vec![extra]),
                Err(mut problems) => {
                    problems.push(extra);
                    Err(problems)
                }
            };
        }
        rows.push(CsvRow {
            line,
            email: field("email").trim().to_owned(),
            award,
        });
    }
    if rows.is_empty() {
        return Err(CsvError::NoRows);
    }
    Ok(rows)
}

fn csv_error(e: csv::Error) -> CsvError {
    match e.kind() {
        csv::ErrorKind::Utf8 { pos, .. } => CsvError::NotUtf8 {
            line: pos.as_ref().map(|p| p.line()).unwrap_or_default(),
        },
        _ => CsvError::Malformed(e.to_string()),
    }
}

/// Writes rows as CSV (results and exports), quoting as needed. A field that
/// a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the
/// start) gets a leading `'` so opening an export never executes anything.
pub fn write_csv<I, R>(header: &[&str], rows: I) -> String
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = String>,
{
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(header);
    for row in rows {
        let row: Vec<String> = row.into_iter().map(defuse_formula).collect();
        let _ = writer.write_record(&row);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn defuse_formula(field: String) -> String {
    match field.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{field}"),
        _ => field,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn good() -> AwardInput<'static> {
        AwardInput {
            email: " Ada@Example.COM ",
            first_name: "Ada",
            last_name: "Lovelace",
            achieved_on: "2026-05-01",
            ..Default::default()
        }
    }

    #[test]
    fn a_good_award_parses_and_names_the_holder() {
        let a = parse_award(&good(), today()).unwrap();
        assert_eq!(a.holder.email.as_str(), "ada@example.com");
        assert!(a.holder.is_individual);
        assert_eq!(a.holder.display_name(), "Ada Lovelace");
        let prefixed = parse_award(
            &AwardInput {
                first_name: "Jan",
                last_name_prefix: "van",
                last_name: "Dijk",
                ..good()
            },
            today(),
        )
        .unwrap();
        assert_eq!(prefixed.holder.display_name(), "Jan van Dijk");
        let org = parse_award(
            &AwardInput {
                first_name: "",
                last_name: "Acme Ltd",
                is_individual: "no",
                ..good()
            },
            today(),
        )
        .unwrap();
        assert!(!org.holder.is_individual);
        assert_eq!(org.holder.display_name(), "Acme Ltd");
    }

    #[test]
    fn every_problem_is_reported() {
        let problems = parse_award(
            &AwardInput {
                email: "not-an-email",
                last_name: " ",
                achieved_on: "2027-01-01",
                is_individual: "maybe",
                evidence_url: "javascript:alert(1)",
                ..Default::default()
            },
            today(),
        )
        .unwrap_err();
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].contains("not a valid email"), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("must be yes or no")));
        assert!(problems.iter().any(|p| p.contains("last name is missing")));
        assert!(problems
            .iter()
            .any(|p| p.contains("in the future (39 days after 2026-11-23)")));
        assert!(problems.iter().any(|p| p.contains("evidence URL")));
    }

    #[test]
    fn dates_must_be_iso_and_not_in_the_future() {
        assert!(parse_date("2026-11-23", today()).is_ok());
        assert!(parse_date("23-11-2026", today())
            .unwrap_err()
            .contains("YYYY-MM-DD"));
        assert!(parse_date("2026-02-30", today()).is_err());
        assert!(parse_date("1899-12-31", today())
            .unwrap_err()
            .contains("1900"));
        assert!(parse_date("", today()).unwrap_err().contains("missing"));
    }

    #[test]
    fn idempotency_keys_ignore_case_and_differ_by_template_and_date() {
        let a = Email::parse("Ada@example.com").unwrap();
        let b = Email::parse("ada@EXAMPLE.com").unwrap();
        let d = today();
        assert_eq!(idempotency_key(1, &a, d), idempotency_key(1, &b, d));
        assert_ne!(idempotency_key(1, &a, d), idempotency_key(2, &a, d));
        assert_ne!(
            idempotency_key(1, &a, d),
            idempotency_key(1, &a, d.pred_opt().unwrap())
        );
        assert_eq!(idempotency_key(1, &a, d).len(), 64);
    }

    #[test]
    fn the_sample_file_parses() {
        let rows = parse_csv(SAMPLE_CSV.as_bytes(), today(), 10).unwrap();
        let header: Vec<&str> = CSV_COLUMNS.iter().map(|(c, _)| *c).collect();
        assert!(SAMPLE_CSV.starts_with(&format!("{}\n", header.join(","))));
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.award.is_ok()), "{rows:?}");
        assert_eq!(rows[0].line, 2);
        let org = rows[1].award.as_ref().unwrap();
        assert!(!org.holder.is_individual);
    }

    #[test]
    fn good_and_bad_rows_are_reported_one_by_one() {
        let file = "\u{feff}Email, Last_Name ,achievement_date,template\r\n\
                    a@example.com,A,2026-01-01,\r\n\
                    \r\n\
                    bad,B,2026-01-01,x\r\n\
                    c@example.com,,2030-01-01\r\n\
                    \"d@example.com\",\"D, Jr.\",2026-01-02,ext-1\r\n";
        let rows = parse_csv(file.as_bytes(), today(), 10).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(
            rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![2, 4, 5, 6]
        );
        assert!(rows[0].award.is_ok());
        assert!(rows[1].award.as_ref().unwrap_err()[0].contains("“bad”"));
        assert_eq!(rows[2].award.as_ref().unwrap_err().len(), 2);
        let d = rows[3].award.as_ref().unwrap();
        assert_eq!(d.holder.last_name, "D, Jr.");
        assert_eq!(d.template.as_deref(), Some("ext-1"));
    }

    #[test]
    fn unreadable_files_say_why() {
        let t = today();
        assert_eq!(parse_csv(b"  \n", t, 10), Err(CsvError::Empty));
        assert_eq!(
            parse_csv(b"email,last_name,achievement_date,colour\n", t, 10),
            Err(CsvError::UnknownColumn("colour".into()))
        );
        assert_eq!(
            parse_csv(b"email,last_name\n", t, 10),
            Err(CsvError::MissingColumn("achievement_date"))
        );
        assert_eq!(
            parse_csv(b"email,email,last_name,achievement_date\n", t, 10),
            Err(CsvError::DuplicateColumn("email".into()))
        );
        assert_eq!(
            parse_csv(b"email,last_name,achievement_date\n", t, 10),
            Err(CsvError::NoRows)
        );
        let many = format!(
            "email,last_name,achievement_date\n{}",
            "a@example.com,A,2026-01-01\n".repeat(3)
        );
        assert_eq!(
            parse_csv(many.as_bytes(), t, 2),
            Err(CsvError::TooManyRows { max: 2 })
        );
        let latin1 = b"email,last_name,achievement_date\na@example.com,M\xfcller,2026-01-01\n";
        assert_eq!(parse_csv(latin1, t, 10), Err(CsvError::NotUtf8 { line: 2 }));
        let extra = parse_csv(
            b"email,last_name,achievement_date\na@example.com,A,2026-01-01,x\n",
            t,
            10,
        )
        .unwrap();
        assert!(extra[0].award.as_ref().unwrap_err()[0].contains("4 fields"));
    }

    #[test]
    fn exports_defuse_spreadsheet_formulas() {
        let out = write_csv(
            &["name", "note"],
            vec![vec!["=HYPERLINK(\"x\")".to_owned(), "a, b".to_owned()]],
        );
        assert_eq!(out, "name,note\n\"'=HYPERLINK(\"\"x\"\")\",\"a, b\"\n");
    }
}
