//! The rules of issuer analytics, shared by the server and the browser: what
//! an event says beyond its kind ([`EventDetail`]), how a visitor's referrer
//! is classified ([`classify_referrer`]: only the class is ever kept), the
//! date range a page asks for ([`DateRange`]), and a template's
//! metadata-completeness score ([`completeness`]).

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::vocab::{BadgeEventKind, IssueDelay, Referrer, ShareChannel, UnknownWord, VerifyFormat};

/// What an event says beyond its kind, stored as one word (`""` for none):
/// the network of a share, the referrer class of a view, the document a
/// verifier fetched, how late an award was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EventDetail {
    None,
    Channel(ShareChannel),
    Referrer(Referrer),
    Format(VerifyFormat),
    Delay(IssueDelay),
}

impl EventDetail {
    /// The word as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "",
            Self::Channel(c) => c.as_str(),
            Self::Referrer(r) => r.as_str(),
            Self::Format(f) => f.as_str(),
            Self::Delay(d) => d.as_str(),
        }
    }

    /// Reads a stored detail of an event of `kind`: each kind has its own
    /// words, and any other word is refused.
    pub fn parse(kind: BadgeEventKind, word: &str) -> Result<Self, UnknownWord> {
        Ok(match kind {
            BadgeEventKind::Share => Self::Channel(word.parse()?),
            BadgeEventKind::View => Self::Referrer(word.parse()?),
            BadgeEventKind::Verified => Self::Format(word.parse()?),
            BadgeEventKind::Issued => Self::Delay(word.parse()?),
            _ if word.is_empty() => Self::None,
            _ => {
                return Err(UnknownWord {
                    kind: "event detail",
                    value: word.chars().take(40).collect(),
                })
            }
        })
    }

    /// How a page names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "",
            Self::Channel(ShareChannel::Linkedin) => "LinkedIn",
            Self::Channel(ShareChannel::X) => "X",
            Self::Channel(ShareChannel::Facebook) => "Facebook",
            Self::Channel(ShareChannel::Email) => "Email",
            Self::Referrer(Referrer::Direct) => "Direct",
            Self::Referrer(Referrer::Search) => "Search engines",
            Self::Referrer(Referrer::Social) => "Social networks",
            Self::Referrer(Referrer::Embed) => "Embedded badges",
            Self::Referrer(Referrer::Other) => "Other sites",
            Self::Format(VerifyFormat::Ob2Json) => "OB 2.0 JSON",
            Self::Format(VerifyFormat::Jws) => "OB 2.0 JWS",
            Self::Format(VerifyFormat::VcJwt) => "OB 3.0 VC-JWT",
            Self::Format(VerifyFormat::Ob3Json) => "OB 3.0 JSON",
            Self::Delay(IssueDelay::SameDay) => "Same day",
            Self::Delay(IssueDelay::UpToWeek) => "1–7 days",
            Self::Delay(IssueDelay::UpToMonth) => "8–31 days",
            Self::Delay(IssueDelay::Later) => "Later",
        }
    }
}

impl IssueDelay {
    /// The class of a delay of `days` from achievement to issue.
    pub fn of_days(days: i64) -> Self {
        match days {
            ..=0 => Self::SameDay,
            1..=7 => Self::UpToWeek,
            8..=31 => Self::UpToMonth,
            _ => Self::Later,
        }
    }
}

/// Search engines, by a label of the referrer's host (`www.google.co.uk`).
const SEARCH: &[&str] = &[
    "google",
    "bing",
    "duckduckgo",
    "yahoo",
    "ecosia",
    "baidu",
    "yandex",
    "qwant",
    "startpage",
    "kagi",
];

/// Social networks, by a label of the referrer's host.
const SOCIAL: &[&str] = &[
    "linkedin",
    "lnkd",
    "twitter",
    "facebook",
    "fb",
    "instagram",
    "reddit",
    "threads",
    "bsky",
    "mastodon",
    "whatsapp",
    "youtube",
];

/// Social networks whose whole host is short enough to be ambiguous as a label.
const SOCIAL_HOSTS: &[&str] = &["x.com", "t.co", "t.me"];

/// The class of a verification page's visitor's referrer. `referer` is the
/// `Referer` header, `own_host` this Laurel's host (a page of its own counts
/// as direct), `via_embed` whether the visitor followed an embedded badge's
/// link. Nothing else about the visitor is looked at.
pub fn classify_referrer(referer: Option<&str>, own_host: &str, via_embed: bool) -> Referrer {
    if via_embed {
        return Referrer::Embed;
    }
    let Some(host) = referer.and_then(host_of) else {
        return Referrer::Direct;
    };
    let own = own_host.to_ascii_lowercase();
    if host == own || host.ends_with(&format!(".{own}")) {
        return Referrer::Direct;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let has = |list: &[&str]| labels.iter().any(|l| list.contains(l));
    if has(SEARCH) {
        Referrer::Search
    } else if has(SOCIAL)
        || SOCIAL_HOSTS
            .iter()
            .any(|h| host == *h || host.ends_with(&format!(".{h}")))
    {
        Referrer::Social
    } else {
        Referrer::Other
    }
}

/// The lower-cased host of an absolute http(s) URL, without port or user.
fn host_of(url: &str) -> Option<String> {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .or_else(|| url.trim().strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?.trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The longest range a page may ask for.
pub const MAX_RANGE_DAYS: i64 = 3 * 366;

/// The ranges the analytics page offers by name, in days.
pub const PRESET_DAYS: &[(i64, &str)] = &[
    (7, "Last 7 days"),
    (30, "Last 30 days"),
    (90, "Last 90 days"),
    (365, "Last 12 months"),
];

/// The `days` word of a range given by its dates.
pub const CUSTOM: &str = "custom";

/// The range a page shows when it names none.
pub const DEFAULT_DAYS: i64 = 30;

/// A range of whole days (UTC), both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// The last `days` days up to and including `today`.
    pub fn last(days: i64, today: NaiveDate) -> Self {
        Self {
            from: today - Duration::days(days.max(1) - 1),
            to: today,
        }
    }

    /// The range a page's query asks for: a preset number of `days`, or,
    /// with `days` empty or [`CUSTOM`], `from` and `to` dates (`YYYY-MM-DD`;
    /// neither means the last 30 days). Refused with a sentence: an unknown
    /// preset, a malformed date, an end before the start, a start in the
    /// future, a range over three years.
    pub fn parse(days: &str, from: &str, to: &str, today: NaiveDate) -> Result<Self, String> {
        let (days, from, to) = (days.trim(), from.trim(), to.trim());
        if !days.is_empty() && days != CUSTOM {
            return match days.parse::<i64>() {
                Ok(n) if PRESET_DAYS.iter().any(|(d, _)| *d == n) => Ok(Self::last(n, today)),
                _ => Err(format!(
                    "“{}” is not one of the offered ranges.",
                    days.chars().take(20).collect::<String>()
                )),
            };
        }
        if from.is_empty() && to.is_empty() {
            return Ok(Self::last(DEFAULT_DAYS, today));
        }
        let date = |label: &str, s: &str, or: NaiveDate| {
            if s.is_empty() {
                return Ok(or);
            }
            NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                format!(
                    "The {label} date “{}” is not a date like 2026-12-31.",
                    s.chars().take(20).collect::<String>()
                )
            })
        };
        let to = date("end", to, today)?;
        let from = date("start", from, to - Duration::days(DEFAULT_DAYS - 1))?;
        if from > to {
            return Err("The start date is after the end date.".into());
        }
        if from > today {
            return Err("The start date is in the future.".into());
        }
        let range = Self { from, to };
        if range.len() > MAX_RANGE_DAYS {
            return Err(format!(
                "The range covers {} days; the longest is {MAX_RANGE_DAYS}.",
                range.len()
            ));
        }
        Ok(range)
    }

    /// How many days it covers.
    pub fn len(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// Never true: a range holds at least one day.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Each day, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let from = self.from;
        (0..self.len()).map(move |i| from + Duration::days(i))
    }

    /// The position of `day` in [`DateRange::days`], if it is in the range.
    pub fn index(&self, day: NaiveDate) -> Option<usize> {
        usize::try_from((day - self.from).num_days())
            .ok()
            .filter(|i| (*i as i64) < self.len())
    }

    /// The preset it equals (ending today), if any.
    pub fn preset(&self, today: NaiveDate) -> Option<i64> {
        PRESET_DAYS
            .iter()
            .map(|(d, _)| *d)
            .find(|d| *self == Self::last(*d, today))
    }
}

/// What the completeness score looks at in a template's current version.
#[derive(Debug, Clone, Copy)]
pub struct TemplateFacts<'a> {
    pub description: &'a str,
    pub criteria_narrative: Option<&'a str>,
    pub criteria_url: Option<&'a str>,
    pub has_image: bool,
    pub tags: usize,
    pub alignments: usize,
    pub validity_years: i32,
}

/// A template's metadata completeness: a score out of 100 and, for each
/// missing part, a sentence saying what to add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completeness {
    pub score: u8,
    pub missing: Vec<String>,
}

/// A description shorter than this says too little to a verifier.
pub const MIN_DESCRIPTION: usize = 40;

/// Scores the six parts verifiers and earners look for (criteria,
/// description, image, alignments, tags, expiry), each worth the same.
pub fn completeness(f: &TemplateFacts<'_>) -> Completeness {
    let filled = |s: Option<&str>| s.is_some_and(|s| !s.trim().is_empty());
    let parts = [
        (
            filled(f.criteria_narrative) || filled(f.criteria_url),
            "Add criteria: what earners did to earn it, or a link to them.",
        ),
        (
            f.description.trim().chars().count() >= MIN_DESCRIPTION,
            "Write a description of at least 40 characters: what the badge stands for.",
        ),
        (f.has_image, "Add a badge image."),
        (
            f.alignments > 0,
            "Align it with a framework or standard (alignments).",
        ),
        (f.tags > 0, "Add tags, so that the badge can be found."),
        (
            f.validity_years > 0,
            "Set how long the badge stays valid (expiry), if the skill needs renewing.",
        ),
    ];
    let done = parts.iter().filter(|(ok, _)| *ok).count();
    Completeness {
        score: u8::try_from(done * 100 / parts.len()).unwrap_or(100),
        missing: parts
            .iter()
            .filter(|(ok, _)| !ok)
            .map(|(_, s)| (*s).to_owned())
            .collect(),
    }
}

/// `part / whole` as a whole percentage, `None` when `whole` is zero.
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 100 + whole / 2) / whole)
}

/// One bar of a chart, or one line of its table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    pub label: String,
    pub value: i64,
}

/// One template's line in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateLine {
    pub id: i64,
    pub name: String,
    pub archived: bool,
    pub issued: i64,
    pub claimed: i64,
    pub shares: i64,
    pub views: i64,
    pub verified: i64,
    pub completeness: Completeness,
}

/// The range's totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Totals {
    pub issued: i64,
    pub claimed: i64,
    pub views: i64,
    /// Daily unique visitors, summed over the days.
    pub visitors: i64,
    pub shares: i64,
    pub verified: i64,
    pub embeds: i64,
    pub imported: i64,
    pub revoked: i64,
    pub expired: i64,
    /// Days from achievement to issue, summed over the issued badges.
    pub delay_days: i64,
}

impl Totals {
    /// Claimed badges per issued badge, in percent.
    pub fn claim_rate(&self) -> Option<i64> {
        percent(self.claimed, self.issued)
    }
    /// Shares per claimed badge, in percent (a badge may be shared more
    /// than once, so this can pass 100).
    pub fn share_rate(&self) -> Option<i64> {
        percent(self.shares, self.claimed)
    }
    /// The mean days from achievement to issue, to a tenth.
    pub fn mean_delay(&self) -> Option<f64> {
        (self.issued > 0).then(|| (self.delay_days * 10 / self.issued) as f64 / 10.0)
    }
}

/// The SVG charts of a report (server-rendered; empty strings in tests
/// that do not draw them).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Charts {
    pub activity: String,
    pub funnel: String,
    pub shares: String,
    pub referrers: String,
    pub verifications: String,
    pub delays: String,
}

/// What the analytics page shows for one organisation (one template, or
/// all) over one range; every chart's data is here, so its table and its
/// CSV export are the same numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub range: DateRange,
    /// The template the report is about (`None`: all).
    pub template: Option<i64>,
    pub totals: Totals,
    /// One entry per day of the range, in order.
    pub days: Vec<Day>,
    /// Issued → claimed → shared → viewed.
    pub funnel: Vec<Bar>,
    /// Shares per network.
    pub shares: Vec<Bar>,
    /// Views per referrer class.
    pub referrers: Vec<Bar>,
    /// Verifications per document format.
    pub verifications: Vec<Bar>,
    /// Issued badges per delay class.
    pub delays: Vec<Bar>,
    /// Every template (top first: most issued in the range).
    pub templates: Vec<TemplateLine>,
    pub charts: Charts,
}

/// One day's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Day {
    pub day: NaiveDate,
    pub issued: i64,
    pub claimed: i64,
    pub views: i64,
    pub visitors: i64,
    pub shares: i64,
    pub verified: i64,
}

/// The data sets a report exports as CSV, one per chart or table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Export {
    Activity,
    Funnel,
    Shares,
    Referrers,
    Verifications,
    Delays,
    Templates,
}

impl Export {
    pub const ALL: [Export; 7] = [
        Self::Activity,
        Self::Funnel,
        Self::Shares,
        Self::Referrers,
        Self::Verifications,
        Self::Delays,
        Self::Templates,
    ];

    /// The word in URLs and file names.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activity => "activity",
            Self::Funnel => "funnel",
            Self::Shares => "shares",
            Self::Referrers => "referrers",
            Self::Verifications => "verifications",
            Self::Delays => "delays",
            Self::Templates => "templates",
        }
    }

    pub fn parse(word: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == word)
    }
}

impl Report {
    /// One data set as rows of text under its header (what the page's
    /// table shows and the CSV holds).
    pub fn table(&self, export: Export) -> (Vec<&'static str>, Vec<Vec<String>>) {
        let bars = |label: &'static str, bars: &[Bar]| {
            (
                vec![label, "count"],
                bars.iter()
                    .map(|b| vec![b.label.clone(), b.value.to_string()])
                    .collect(),
            )
        };
        match export {
            Export::Activity => (
                vec![
                    "day",
                    "issued",
                    "claimed",
                    "views",
                    "unique visitors",
                    "shares",
                    "verifications",
                ],
                self.days
                    .iter()
                    .map(|d| {
                        vec![
                            d.day.format("%Y-%m-%d").to_string(),
                            d.issued.to_string(),
                            d.claimed.to_string(),
                            d.views.to_string(),
                            d.visitors.to_string(),
                            d.shares.to_string(),
                            d.verified.to_string(),
                        ]
                    })
                    .collect(),
            ),
            Export::Funnel => bars("step", &self.funnel),
            Export::Shares => bars("network", &self.shares),
            Export::Referrers => bars("referrer", &self.referrers),
            Export::Verifications => bars("document", &self.verifications),
            Export::Delays => bars("achievement to issue", &self.delays),
            Export::Templates => (
                vec![
                    "template",
                    "issued",
                    "claimed",
                    "shares",
                    "views",
                    "verifications",
                    "completeness",
                ],
                self.templates
                    .iter()
                    .map(|t| {
                        vec![
                            t.name.clone(),
                            t.issued.to_string(),
                            t.claimed.to_string(),
                            t.shares.to_string(),
                            t.views.to_string(),
                            t.verified.to_string(),
                            t.completeness.score.to_string(),
                        ]
                    })
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn referrers_are_classified_by_host_only() {
        let own = "badges.example.org";
        let c = |r: Option<&str>| classify_referrer(r, own, false);
        assert_eq!(c(None), Referrer::Direct);
        assert_eq!(c(Some("")), Referrer::Direct);
        assert_eq!(c(Some("not a url")), Referrer::Direct);
        assert_eq!(c(Some("https://badges.example.org/o/x")), Referrer::Direct);
        assert_eq!(
            c(Some("https://acme.badges.example.org/")),
            Referrer::Direct
        );
        assert_eq!(
            c(Some("https://www.google.co.uk/search?q=x")),
            Referrer::Search
        );
        assert_eq!(c(Some("https://duckduckgo.com/")), Referrer::Search);
        assert_eq!(c(Some("https://www.linkedin.com/feed/")), Referrer::Social);
        assert_eq!(c(Some("https://t.co/abc")), Referrer::Social);
        assert_eq!(c(Some("https://x.com/someone")), Referrer::Social);
        assert_eq!(c(Some("https://mastodon.social/@a")), Referrer::Social);
        assert_eq!(
            c(Some("https://user:pw@blog.example.com:8080/p")),
            Referrer::Other
        );
        // A host that only contains a network's name is not that network.
        assert_eq!(c(Some("https://notgoogle.example/")), Referrer::Other);
        assert_eq!(c(Some("https://box.com/")), Referrer::Other);
        assert_eq!(
            classify_referrer(Some("https://www.google.com/"), own, true),
            Referrer::Embed
        );
    }

    #[test]
    fn details_belong_to_their_kind() {
        use BadgeEventKind as K;
        assert_eq!(
            EventDetail::parse(K::Share, "linkedin").unwrap(),
            EventDetail::Channel(ShareChannel::Linkedin)
        );
        assert_eq!(
            EventDetail::parse(K::Verified, "vc_jwt").unwrap(),
            EventDetail::Format(VerifyFormat::VcJwt)
        );
        assert_eq!(
            EventDetail::parse(K::Claimed, "").unwrap(),
            EventDetail::None
        );
        assert!(EventDetail::parse(K::Claimed, "linkedin").is_err());
        assert!(EventDetail::parse(K::View, "linkedin").is_err());
        assert!(EventDetail::parse(K::Share, "").is_err());
        for d in [
            EventDetail::Delay(IssueDelay::Later),
            EventDetail::Referrer(Referrer::Embed),
        ] {
            assert!(!d.label().is_empty());
        }
        assert_eq!(IssueDelay::of_days(-3), IssueDelay::SameDay);
        assert_eq!(IssueDelay::of_days(0), IssueDelay::SameDay);
        assert_eq!(IssueDelay::of_days(7), IssueDelay::UpToWeek);
        assert_eq!(IssueDelay::of_days(8), IssueDelay::UpToMonth);
        assert_eq!(IssueDelay::of_days(32), IssueDelay::Later);
    }

    #[test]
    fn ranges_parse_or_say_why_not() {
        let today = d("2026-12-03");
        let r = DateRange::parse("", "", "", today).unwrap();
        assert_eq!((r.from, r.to, r.len()), (d("2026-11-04"), today, 30));
        assert_eq!(r.preset(today), Some(30));
        let r = DateRange::parse("7", "", "", today).unwrap();
        assert_eq!(r.days().next(), Some(d("2026-11-27")));
        assert_eq!(r.days().last(), Some(today));
        assert_eq!(r.index(today), Some(6));
        assert_eq!(r.index(d("2026-11-26")), None);
        assert_eq!(r.index(d("2026-12-04")), None);
        let r = DateRange::parse("custom", "2026-01-01", "2026-01-31", today).unwrap();
        assert_eq!((r.len(), r.preset(today)), (31, None));
        // A preset wins over dates left in the form.
        let r = DateRange::parse("90", "2026-01-01", "2026-01-31", today).unwrap();
        assert_eq!(r.preset(today), Some(90));
        let e =
            |days: &str, from: &str, to: &str| DateRange::parse(days, from, to, today).unwrap_err();
        assert_eq!(e("8", "", ""), "“8” is not one of the offered ranges.");
        assert_eq!(
            e("", "2026-13-01", ""),
            "The start date “2026-13-01” is not a date like 2026-12-31."
        );
        assert_eq!(
            e("", "2026-02-01", "2026-01-01"),
            "The start date is after the end date."
        );
        assert_eq!(
            e("", "2027-01-01", "2027-02-01"),
            "The start date is in the future."
        );
        assert_eq!(
            e("", "2020-01-01", "2026-01-01"),
            "The range covers 2193 days; the longest is 1098."
        );
    }

    #[test]
    fn completeness_names_what_is_missing() {
        let full = TemplateFacts {
            description: "Awarded for leading a team through a full release cycle.",
            criteria_narrative: Some("Led a release."),
            criteria_url: None,
            has_image: true,
            tags: 2,
            alignments: 1,
            validity_years: 3,
        };
        assert_eq!(
            completeness(&full),
            Completeness {
                score: 100,
                missing: vec![]
            }
        );
        let bare = TemplateFacts {
            description: "Short.",
            criteria_narrative: Some("  "),
            tags: 0,
            alignments: 0,
            validity_years: 0,
            ..full
        };
        let c = completeness(&bare);
        assert_eq!(c.score, 16);
        assert_eq!(c.missing.len(), 5);
        assert!(c.missing[0].starts_with("Add criteria"));
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 0), None);
    }
}
