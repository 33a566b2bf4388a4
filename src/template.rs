//! The text fields of a badge template as the designer's form sends them,
//! parsed into what a BadgeClass is made of. Used by the server when saving
//! and usable in the browser for the live preview.

use serde::{Deserialize, Serialize};

use crate::award::optional_http_url;
use crate::ob2::AlignmentObject;

pub const MAX_NAME: usize = 200;
pub const MAX_DESCRIPTION: usize = 2000;
pub const MAX_CRITERIA: usize = 10_000;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG: usize = 50;
pub const MAX_ALIGNMENTS: usize = 20;
pub const MAX_VALIDITY_YEARS: i32 = 100;

/// The form's fields, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateFields {
    pub name: String,
    pub description: String,
    pub criteria_narrative: String,
    pub criteria_url: String,
    pub validity_years: String,
    /// Comma-separated.
    pub tags: String,
    /// One per line: `name | url | description | framework | code`.
    pub alignments: String,
    pub external_id: String,
}

/// A template's content, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateContent {
    pub name: String,
    pub description: String,
    pub criteria_narrative: Option<String>,
    pub criteria_url: Option<String>,
    pub validity_years: i32,
    pub tags: Vec<String>,
    pub alignment: Vec<AlignmentObject>,
    pub external_id: Option<String>,
}

fn length(label: &str, text: &str, max: usize, problems: &mut Vec<String>) {
    let n = text.chars().count();
    if n > max {
        problems.push(format!(
            "The {label} is {n} characters long; the limit is {max} ({} too many).",
            n - max
        ));
    }
}

impl TemplateFields {
    /// Checks every field; all problems are reported, one sentence each.
    pub fn parse(&self) -> Result<TemplateContent, Vec<String>> {
        let mut problems = Vec::new();
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            problems.push("Give the badge a name.".into());
        }
        length("name", &name, MAX_NAME, &mut problems);
        let description = self.description.trim().to_owned();
        if description.is_empty() {
            problems.push("Describe the badge (the description is required).".into());
        }
        length("description", &description, MAX_DESCRIPTION, &mut problems);
        let narrative = self.criteria_narrative.trim().to_owned();
        length("criteria text", &narrative, MAX_CRITERIA, &mut problems);
        let criteria_url = optional_http_url(&self.criteria_url).unwrap_or_else(|e| {
            problems.push(format!("The criteria URL {e}"));
            None
        });
        if narrative.is_empty() && criteria_url.is_none() && self.criteria_url.trim().is_empty() {
            problems.push(
                "Say how the badge is earned: write criteria, give a criteria URL, or both.".into(),
            );
        }
        let validity = self.validity_years.trim();
        let validity_years = if validity.is_empty() {
            0
        } else {
            match validity.parse::<i32>() {
                Ok(y) if (0..=MAX_VALIDITY_YEARS).contains(&y) => y,
                _ => {
                    problems.push(format!(
                        "The validity must be a whole number of years from 0 (never expires) to {MAX_VALIDITY_YEARS} (got “{validity}”)."
                    ));
                    0
                }
            }
        };
        let mut tags: Vec<String> = Vec::new();
        for tag in self
            .tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            if tag.chars().count() > MAX_TAG {
                problems.push(format!(
                    "The tag “{tag}” is longer than {MAX_TAG} characters."
                ));
            } else if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) {
                tags.push(tag.to_owned());
            }
        }
        if tags.len() > MAX_TAGS {
            problems.push(format!(
                "At most {MAX_TAGS} tags (there are {}).",
                tags.len()
            ));
        }
        let mut alignment = Vec::new();
        for (i, line) in self
            .alignments
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            let part = |n: usize| {
                parts
                    .get(n)
                    .copied()
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
            };
            let n = i + 1;
            if parts.len() > 5 {
                problems.push(format!("Alignment {n} has {} parts; at most 5: name | URL | description | framework | code.", parts.len()));
                continue;
            }
            let Some(target_name) = part(0) else {
                problems.push(format!("Alignment {n} has no name."));
                continue;
            };
            let target_url = match optional_http_url(parts.get(1).copied().unwrap_or("")) {
                Ok(Some(u)) => u,
                Ok(None) => {
                    problems.push(format!(
                        "Alignment {n} (“{target_name}”) needs a URL after the first |."
                    ));
                    continue;
                }
                Err(e) => {
                    problems.push(format!("Alignment {n}: the URL {e}"));
                    continue;
                }
            };
            for (label, value) in [
                ("name", &Some(target_name.clone())),
                ("description", &part(2)),
            ] {
                if let Some(v) = value {
                    length(&format!("alignment {n} {label}"), v, 500, &mut problems);
                }
            }
            alignment.push(AlignmentObject {
                target_name,
                target_url,
                target_description: part(2),
                target_framework: part(3),
                target_code: part(4),
            });
        }
        if alignment.len() > MAX_ALIGNMENTS {
            problems.push(format!(
                "At most {MAX_ALIGNMENTS} alignments (there are {}).",
                alignment.len()
            ));
        }
        let external = self.external_id.trim();
        let external_id = if external.is_empty() {
            None
        } else if external.len() > 100
            || !external
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        {
            problems.push(format!(
                "The external template ID may have up to 100 letters, digits, “-”, “_”, “.” or “:” (got “{external}”)."
            ));
            None
        } else {
            Some(external.to_owned())
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(TemplateContent {
            name,
            description,
            criteria_narrative: (!narrative.is_empty()).then_some(narrative),
            criteria_url,
            validity_years,
            tags,
            alignment,
            external_id,
        })
    }
}

impl TemplateContent {
    /// Back to form fields (to edit or duplicate a saved version).
    pub fn to_fields(&self) -> TemplateFields {
        TemplateFields {
            name: self.name.clone(),
            description: self.description.clone(),
            criteria_narrative: self.criteria_narrative.clone().unwrap_or_default(),
            criteria_url: self.criteria_url.clone().unwrap_or_default(),
            validity_years: self.validity_years.to_string(),
            tags: self.tags.join(", "),
            alignments: alignment_lines(&self.alignment),
            external_id: self.external_id.clone().unwrap_or_default(),
        }
    }
}

/// Alignments in the form's one-per-line notation.
pub fn alignment_lines(alignment: &[AlignmentObject]) -> String {
    alignment
        .iter()
        .map(|a| {
            let mut parts = vec![
                a.target_name.clone(),
                a.target_url.clone(),
                a.target_description.clone().unwrap_or_default(),
                a.target_framework.clone().unwrap_or_default(),
                a.target_code.clone().unwrap_or_default(),
            ];
            while parts.last().is_some_and(String::is_empty) {
                parts.pop();
            }
            parts.join(" | ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> TemplateFields {
        TemplateFields {
            name: " Rust Fundamentals ".into(),
            description: "Writes safe Rust.".into(),
            criteria_narrative: "Pass the **exam**.".into(),
            validity_years: "3".into(),
            tags: "rust, programming, Rust".into(),
            alignments: "ESCO programming | https://esco.example/skill/1 | Writes code | ESCO | S1.2\nOther | https://o.example".into(),
            external_id: "rust-101".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_form_parses_and_round_trips() {
        let c = good().parse().unwrap();
        assert_eq!(c.name, "Rust Fundamentals");
        assert_eq!(c.tags, vec!["rust", "programming"]);
        assert_eq!(c.alignment.len(), 2);
        assert_eq!(c.alignment[0].target_code.as_deref(), Some("S1.2"));
        assert_eq!(c.alignment[1].target_description, None);
        assert_eq!(c.to_fields().parse().unwrap(), c);
    }

    #[test]
    fn every_problem_is_reported() {
        let p = TemplateFields {
            name: "x".repeat(201),
            validity_years: "-1".into(),
            criteria_url: "ftp://x".into(),
            alignments: "no url\n| https://a.example".into(),
            external_id: "has space".into(),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert!(
            p.iter()
                .any(|m| m.contains("201 characters long; the limit is 200 (1 too many)")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|m| m.contains("description is required")),
            "{p:?}"
        );
        assert!(p.iter().any(|m| m.contains("criteria URL")), "{p:?}");
        assert!(
            p.iter().any(|m| m.contains("whole number of years")),
            "{p:?}"
        );
        assert!(
            p.iter()
                .any(|m| m.contains("Alignment 1 (“no url”) needs a URL")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|m| m.contains("Alignment 2 has no name")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|m| m.contains("external template ID")),
            "{p:?}"
        );
    }

    #[test]
    fn criteria_are_required_and_validity_defaults_to_never() {
        let url_only = TemplateFields {
            criteria_narrative: String::new(),
            criteria_url: "https://example.com/criteria".into(),
            ..good()
        };
        assert!(url_only.parse().is_ok());
        let none = TemplateFields {
            criteria_narrative: " ".into(),
            criteria_url: String::new(),
            ..good()
        };
        assert!(none.parse().unwrap_err()[0].contains("how the badge is earned"));
        let forever = TemplateFields {
            validity_years: String::new(),
            ..good()
        };
        assert_eq!(forever.parse().unwrap().validity_years, 0);
    }
}
