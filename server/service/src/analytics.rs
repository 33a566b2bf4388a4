//! Issuer analytics: the event sink of the public surfaces, the rollup
//! loop, and the report the analytics page shows (figures, SVG charts, the
//! data of each chart as a table and as CSV).
//!
//! Events of changes (issued, claimed, revoked) are written by the store in
//! the change's own transaction; expiries by the rollup. Events of visits
//! (views, shares, embeds, verifications, imports) go through
//! [`EventSink::record`], which never waits: a task per process writes them
//! in batches of up to [`BATCH`] rows, at most [`FLUSH_AFTER`] after they
//! happened. A process killed loses at most that last fraction of a second
//! of visit counts, never a badge or a claim. When the sink's queue is full
//! (the database far behind), events are dropped and counted
//! (`laurel_analytics_events_dropped_total`) rather than slowing a page.
//!
//! Visitors: the address and user agent of a page view are hashed in memory
//! with the day's salt (shared by the instances through the database and
//! deleted when the day is over); only the hash is written, and the rollup
//! blanks it once the day is final. Referrers are kept as a class only.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use laurel::analytics::{
    completeness, Bar, Charts, Completeness, DateRange, Day, EventDetail, Export, Report,
    TemplateFacts, TemplateLine, Totals,
};
use laurel::{BadgeEventKind, IssueDelay, Referrer, ShareChannel, VerifyFormat};
use laurel_store::{
    AssertionRow, DayCount, DayVisitors, NewEvent, Store, TemplateCount, TemplateFactsRow,
};
use sha2::{Digest, Sha256};
use tokio::sync::{mpsc, oneshot};

use crate::{ServerContext, ServiceError};

/// The most events one write carries.
pub const BATCH: usize = 500;
/// How long an event may wait for others before it is written.
pub const FLUSH_AFTER: Duration = Duration::from_millis(250);
/// Events waiting to be written, at most; more are dropped and counted.
const QUEUE: usize = 20_000;

/// Who visited, as far as analytics goes: used in memory for the day's
/// unique-visitor hash and the referrer's class, then dropped.
#[derive(Debug, Clone, Default)]
pub struct Visit {
    pub ip: String,
    pub user_agent: String,
    pub referer: Option<String>,
    /// The visitor followed an embedded badge's link (`?via=embed`).
    pub via_embed: bool,
}

enum Message {
    Event(Box<NewEvent>, Option<String>),
    Flush(oneshot::Sender<()>),
}

/// Writes the public surfaces' events off the request's path (see the
/// module's doc). Cheap to clone; the writer task starts with the first
/// event.
#[derive(Clone)]
pub struct EventSink {
    store: Store,
    sender: Arc<OnceLock<mpsc::Sender<Message>>>,
}

impl std::fmt::Debug for EventSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EventSink")
    }
}

impl EventSink {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            sender: Arc::new(OnceLock::new()),
        }
    }

    fn sender(&self) -> &mpsc::Sender<Message> {
        self.sender.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            tokio::spawn(writer(self.store.clone(), rx));
            tx
        })
    }

    /// Queues an event of an assertion (never waits).
    pub fn record(&self, about: impl Into<Subject>, kind: BadgeEventKind, detail: EventDetail) {
        self.queue(event(about, kind, detail, Utc::now()), None);
    }

    /// Queues a view of `assertion`'s verification page by `visit`.
    pub fn record_view(&self, a: &AssertionRow, visit: &Visit, own_host: &str) {
        let referrer = laurel::analytics::classify_referrer(
            visit.referer.as_deref(),
            own_host,
            visit.via_embed,
        );
        let seed = format!("{}\n{}", visit.ip, visit.user_agent);
        self.queue(
            event(
                a,
                BadgeEventKind::View,
                EventDetail::Referrer(referrer),
                Utc::now(),
            ),
            Some(seed),
        );
    }

    fn queue(&self, event: NewEvent, seed: Option<String>) {
        if self
            .sender()
            .try_send(Message::Event(Box::new(event), seed))
            .is_err()
        {
            metrics::counter!("laurel_analytics_events_dropped_total").increment(1);
        }
    }

    /// Waits until every event queued before the call is written (shutdown,
    /// tests).
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.sender().send(Message::Flush(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }
}

/// What an event is about: an assertion, by the ids analytics counts it
/// under (small enough to keep beside a cached document).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject {
    pub organisation_id: i64,
    /// The template the badge was issued from (0: none).
    pub template_id: i64,
    pub assertion_id: i64,
}

impl From<&AssertionRow> for Subject {
    fn from(a: &AssertionRow) -> Self {
        Self {
            organisation_id: a.organisation_id,
            template_id: a.template_id.unwrap_or(0),
            assertion_id: a.id,
        }
    }
}

/// The event of something that happened to an assertion.
pub fn event(
    about: impl Into<Subject>,
    kind: BadgeEventKind,
    detail: EventDetail,
    at: DateTime<Utc>,
) -> NewEvent {
    let about = about.into();
    NewEvent {
        organisation_id: about.organisation_id,
        template_id: about.template_id,
        assertion_id: Some(about.assertion_id),
        kind,
        detail,
        value: 0,
        visitor: None,
        at,
    }
}

async fn writer(store: Store, mut rx: mpsc::Receiver<Message>) {
    let mut salt: Option<(NaiveDate, String)> = None;
    while let Some(first) = rx.recv().await {
        let mut batch = Vec::new();
        let mut acks = Vec::new();
        let take = |m: Message, batch: &mut Vec<_>, acks: &mut Vec<_>| match m {
            Message::Event(e, seed) => batch.push((*e, seed)),
            Message::Flush(ack) => acks.push(ack),
        };
        take(first, &mut batch, &mut acks);
        let deadline = tokio::time::Instant::now() + FLUSH_AFTER;
        while batch.len() < BATCH && acks.is_empty() {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(m)) => take(m, &mut batch, &mut acks),
                Ok(None) | Err(_) => break,
            }
        }
        write(&store, &mut salt, batch).await;
        for ack in acks {
            let _ = ack.send(());
        }
    }
}

/// Hashes the visitors and writes one batch, trying three times.
async fn write(
    store: &Store,
    salt: &mut Option<(NaiveDate, String)>,
    batch: Vec<(NewEvent, Option<String>)>,
) {
    if batch.is_empty() {
        return;
    }
    let mut events = Vec::with_capacity(batch.len());
    for (mut e, seed) in batch {
        if let Some(seed) = seed {
            let day = e.at.date_naive();
            if salt.as_ref().is_none_or(|(d, _)| *d != day) {
                let (candidate, _) = crate::accounts::new_token();
                match store.daily_salt(day, &candidate).await {
                    Ok(s) => *salt = Some((day, s)),
                    Err(err) => tracing::warn!(error = %err, "no visitor salt for today"),
                }
            }
            e.visitor = salt
                .as_ref()
                .filter(|(d, _)| *d == day)
                .map(|(_, s)| visitor_hash(s, &seed));
        }
        events.push(e);
    }
    for attempt in 1..=3 {
        match store.record_events(&events).await {
            Ok(()) => {
                metrics::counter!("laurel_analytics_events_written_total")
                    .increment(events.len() as u64);
                return;
            }
            Err(err) if attempt < 3 => {
                tracing::warn!(error = %err, attempt, "analytics events not written yet");
                tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
            }
            Err(err) => {
                tracing::error!(error = %err, events = events.len(), "analytics events dropped");
                metrics::counter!("laurel_analytics_events_dropped_total")
                    .increment(events.len() as u64);
            }
        }
    }
}

/// A visitor's hash for one day: SHA-256 of the day's salt and what the
/// request said (address, agent), shortened. Without the salt, which is
/// deleted when the day is over, it cannot be tied back to an address.
pub fn visitor_hash(salt: &str, seed: &str) -> String {
    let digest = Sha256::digest(format!("laurel-visitor\n{salt}\n{seed}").as_bytes());
    hex::encode(&digest[..16])
}

/// Counts an import into a wallet of a badge this Laurel issued, when the
/// imported assertion's `id` is one of ours.
pub async fn record_import(ctx: &ServerContext, assertion_id_url: &str) {
    if let Some(a) = own_assertion(ctx, assertion_id_url).await {
        ctx.events
            .record(&a, BadgeEventKind::Imported, EventDetail::None);
    }
}

/// The assertion whose public URL is `id`, if this Laurel hosts it.
async fn own_assertion(ctx: &ServerContext, id: &str) -> Option<AssertionRow> {
    let url = url::Url::parse(id).ok()?;
    let mut segments: Vec<&str> = url.path_segments()?.collect();
    let file = segments.pop()?;
    let slug = file.split('.').next()?;
    if segments.last() != Some(&"assertions") {
        return None;
    }
    let sub = match segments.as_slice() {
        [.., "o", sub, "assertions"] => (*sub).to_owned(),
        _ => url.host_str()?.split('.').next()?.to_owned(),
    };
    let sub = laurel::Subdomain::parse(&sub).ok()?;
    let org = ctx.store.organisation_by_subdomain(&sub).await.ok()??;
    let a = ctx.store.assertion_by_slug(org.id, slug).await.ok()??;
    (ctx.urls(&org.subdomain).assertion(&a.slug)
        == id.split(['?', '#']).next()?.trim_end_matches(".json"))
    .then_some(a)
}

/// One rollup run (see `Store::roll_up`).
pub async fn roll_up(ctx: &ServerContext) -> Result<laurel_store::Rollup, ServiceError> {
    Ok(ctx
        .store
        .roll_up(ctx.clock.now(), ctx.analytics_keep_days)
        .await?)
}

/// The rollup's background loop: every `every` (each instance runs it; the
/// store makes them take turns).
pub async fn run_forever(ctx: ServerContext, every: Duration) {
    loop {
        match roll_up(&ctx).await {
            Ok(r) => tracing::debug!(
                expired = r.expired,
                pruned = r.pruned,
                "analytics rolled up"
            ),
            Err(e) => tracing::warn!(error = %e, "analytics rollup failed"),
        }
        tokio::time::sleep(every).await;
    }
}

/// The report of one organisation (one template, or all) over `range`,
/// with its charts drawn when `draw`.
pub async fn report(
    ctx: &ServerContext,
    organisation_id: i64,
    template: Option<i64>,
    range: DateRange,
    draw: bool,
) -> Result<Report, ServiceError> {
    let days = ctx
        .store
        .analytics_days(organisation_id, template, range.from, range.to)
        .await?;
    let visitors = ctx
        .store
        .analytics_visitors(organisation_id, template, range.from, range.to)
        .await?;
    let by_template = ctx
        .store
        .analytics_by_template(organisation_id, range.from, range.to)
        .await?;
    let facts = ctx.store.template_facts(organisation_id).await?;
    let mut report = build(range, template, &days, &visitors, &by_template, &facts);
    if draw {
        report.charts = charts(&report);
    }
    Ok(report)
}

/// The report from the rollup's rows (pure: the store tests check it
/// against hand-computed figures).
pub fn build(
    range: DateRange,
    template: Option<i64>,
    rows: &[DayCount],
    visitors: &[DayVisitors],
    by_template: &[TemplateCount],
    facts: &[TemplateFactsRow],
) -> Report {
    let mut days: Vec<Day> = range
        .days()
        .map(|day| Day {
            day,
            issued: 0,
            claimed: 0,
            views: 0,
            visitors: 0,
            shares: 0,
            verified: 0,
        })
        .collect();
    let mut totals = Totals::default();
    let mut details: HashMap<EventDetail, i64> = HashMap::new();
    for r in rows {
        let Some(day) = range.index(r.day).and_then(|i| days.get_mut(i)) else {
            continue;
        };
        if let Ok(detail) = EventDetail::parse(r.kind, &r.detail) {
            *details.entry(detail).or_default() += r.events;
        }
        let n = r.events;
        match r.kind {
            BadgeEventKind::Issued => {
                day.issued += n;
                totals.issued += n;
                totals.delay_days += r.value_sum;
            }
            BadgeEventKind::Claimed => {
                day.claimed += n;
                totals.claimed += n;
            }
            BadgeEventKind::View => {
                day.views += n;
                totals.views += n;
            }
            BadgeEventKind::Share => {
                day.shares += n;
                totals.shares += n;
            }
            BadgeEventKind::Verified => {
                day.verified += n;
                totals.verified += n;
            }
            BadgeEventKind::Embed => totals.embeds += n,
            BadgeEventKind::Imported => totals.imported += n,
            BadgeEventKind::Revoked => totals.revoked += n,
            BadgeEventKind::Expired => totals.expired += n,
        }
    }
    for v in visitors {
        if let Some(day) = range.index(v.day).and_then(|i| days.get_mut(i)) {
            day.visitors += v.visitors;
            totals.visitors += v.visitors;
        }
    }
    let bars = |all: Vec<EventDetail>| -> Vec<Bar> {
        all.into_iter()
            .map(|d| Bar {
                label: d.label().to_owned(),
                value: details.get(&d).copied().unwrap_or(0),
            })
            .collect()
    };
    let shares = bars(
        ShareChannel::ALL
            .iter()
            .map(|c| EventDetail::Channel(*c))
            .collect(),
    );
    let referrers = bars(
        Referrer::ALL
            .iter()
            .map(|r| EventDetail::Referrer(*r))
            .collect(),
    );
    let verifications = bars(
        VerifyFormat::ALL
            .iter()
            .map(|f| EventDetail::Format(*f))
            .collect(),
    );
    let delays = bars(
        IssueDelay::ALL
            .iter()
            .map(|d| EventDetail::Delay(*d))
            .collect(),
    );
    let funnel = [
        ("Issued", totals.issued),
        ("Claimed", totals.claimed),
        ("Shared", totals.shares),
        ("Viewed", totals.views),
    ]
    .into_iter()
    .map(|(label, value)| Bar {
        label: label.to_owned(),
        value,
    })
    .collect();
    let count = |id: i64, kind: BadgeEventKind| {
        by_template
            .iter()
            .filter(|c| c.template_id == id && c.kind == kind)
            .map(|c| c.events)
            .sum::<i64>()
    };
    let mut templates: Vec<TemplateLine> = facts
        .iter()
        .map(|f| TemplateLine {
            id: f.id,
            name: f.name.clone(),
            archived: f.archived,
            issued: count(f.id, BadgeEventKind::Issued),
            claimed: count(f.id, BadgeEventKind::Claimed),
            shares: count(f.id, BadgeEventKind::Share),
            views: count(f.id, BadgeEventKind::View),
            verified: count(f.id, BadgeEventKind::Verified),
            completeness: score(f),
        })
        .filter(|t| !t.archived || t.issued + t.claimed + t.shares + t.views + t.verified > 0)
        .collect();
    templates.sort_by(|a, b| b.issued.cmp(&a.issued).then_with(|| a.name.cmp(&b.name)));
    Report {
        range,
        template,
        totals,
        days,
        funnel,
        shares,
        referrers,
        verifications,
        delays,
        templates,
        charts: Charts::default(),
    }
}

/// A template's completeness from its stored metadata.
fn score(f: &TemplateFactsRow) -> Completeness {
    let count = |json: &str| {
        serde_json::from_str::<Vec<serde_json::Value>>(json)
            .map(|v| v.len())
            .unwrap_or(0)
    };
    completeness(&TemplateFacts {
        description: &f.description,
        criteria_narrative: f.criteria_narrative.as_deref(),
        criteria_url: f.criteria_url.as_deref(),
        has_image: f.image_bytes > 0,
        tags: count(&f.tags),
        alignments: count(&f.alignment),
        validity_years: f.validity_years,
    })
}

/// One data set of a report as CSV (the same rows as its table).
pub fn csv(report: &Report, export: Export) -> String {
    let (header, rows) = report.table(export);
    laurel::award::write_csv(&header, rows)
}

/// Every chart of a report.
pub fn charts(r: &Report) -> Charts {
    let series = |f: fn(&Day) -> i64| r.days.iter().map(f).collect::<Vec<_>>();
    let dates: Vec<NaiveDate> = r.days.iter().map(|d| d.day).collect();
    Charts {
        activity: charts::line(
            "Activity per day",
            &dates,
            &[
                ("Issued", series(|d| d.issued), charts::BLUE),
                ("Claimed", series(|d| d.claimed), charts::GREEN),
                ("Views", series(|d| d.views), charts::AMBER),
                ("Shares", series(|d| d.shares), charts::ROSE),
                ("Verifications", series(|d| d.verified), charts::VIOLET),
            ],
        ),
        funnel: charts::bars("From issue to view", &r.funnel, charts::BLUE),
        shares: charts::bars("Shares per network", &r.shares, charts::ROSE),
        referrers: charts::bars("Where visitors came from", &r.referrers, charts::AMBER),
        verifications: charts::bars(
            "Verifications per document",
            &r.verifications,
            charts::VIOLET,
        ),
        delays: charts::bars("Days from achievement to issue", &r.delays, charts::GREEN),
    }
}

/// The SVG charts, drawn by `plotters` (its SVG backend, with its own
/// text measure: no font files). Around each chart this module adds what
/// plotters does not: `role="img"` with a `<title>` for screen readers,
/// and for day charts one transparent column per day whose `<title>` gives
/// that day's values on hover (also without JavaScript).
pub mod charts {
    use chrono::NaiveDate;
    use laurel::analytics::Bar;
    use plotters::prelude::*;

    pub const BLUE: RGBColor = RGBColor(29, 78, 216);
    pub const GREEN: RGBColor = RGBColor(4, 120, 87);
    pub const AMBER: RGBColor = RGBColor(180, 83, 9);
    pub const ROSE: RGBColor = RGBColor(190, 18, 60);
    pub const VIOLET: RGBColor = RGBColor(109, 40, 217);
    const INK: RGBColor = RGBColor(41, 37, 36);

    const SIZE: (u32, u32) = (720, 300);

    /// A line per series over `days`.
    pub fn line(title: &str, days: &[NaiveDate], series: &[(&str, Vec<i64>, RGBColor)]) -> String {
        let mut svg = String::new();
        let mut area = None;
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            root.fill(&WHITE)?;
            let max = series
                .iter()
                .flat_map(|(_, v, _)| v.iter().copied())
                .max()
                .unwrap_or(0)
                .max(1);
            let last = (days.len() as i64 - 1).max(1);
            let label = |i: &i64| {
                days.get(usize::try_from(*i).unwrap_or(usize::MAX))
                    .map(|d| d.format("%b %-d").to_string())
                    .unwrap_or_default()
            };
            let mut chart = ChartBuilder::on(&root)
                .margin(12)
                .x_label_area_size(28)
                .y_label_area_size(44)
                .build_cartesian_2d(0..last, 0..(max + max / 8 + 1))?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(RGBColor(231, 229, 228))
                .x_labels(8)
                .y_labels(6)
                .x_label_formatter(&label)
                .label_style(("sans-serif", 13).into_font().color(&INK))
                .axis_style(INK)
                .draw()?;
            for (name, values, color) in series {
                let color = *color;
                chart
                    .draw_series(LineSeries::new(
                        values.iter().enumerate().map(|(i, v)| (i as i64, *v)),
                        color.stroke_width(2),
                    ))?
                    .label(*name)
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 16, y)], color.stroke_width(3))
                    });
            }
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperLeft)
                .label_font(("sans-serif", 13).into_font().color(&INK))
                .background_style(WHITE.mix(0.9))
                .border_style(RGBColor(214, 211, 209))
                .draw()?;
            area = Some(chart.plotting_area().get_pixel_range());
            root.present()?;
            Ok(())
        })();
        if let Err(e) = drawn {
            tracing::warn!(error = %e, "chart not drawn");
        }
        let mut hover = String::new();
        if let Some((xs, ys)) = area {
            let n = days.len().max(1) as f64;
            let step = f64::from(xs.end - xs.start) / (n - 1.0).max(1.0);
            for (i, day) in days.iter().enumerate() {
                let values: Vec<String> = series
                    .iter()
                    .map(|(name, v, _)| format!("{name} {}", v.get(i).copied().unwrap_or(0)))
                    .collect();
                let x = f64::from(xs.start) + step * i as f64 - step / 2.0;
                hover.push_str(&format!(
                    "<rect x=\"{x:.1}\" y=\"{}\" width=\"{step:.1}\" height=\"{}\" fill=\"#000\" fill-opacity=\"0\" data-day=\"{day}\"><title>{}: {}</title></rect>",
                    ys.start,
                    ys.end - ys.start,
                    day.format("%Y-%m-%d"),
                    escape(&values.join(", ")),
                ));
            }
        }
        finish(svg, title, &hover)
    }

    /// A bar per category.
    pub fn bars(title: &str, bars: &[Bar], color: RGBColor) -> String {
        let mut svg = String::new();
        let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            root.fill(&WHITE)?;
            let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
            let n = bars.len().max(1);
            let label = |v: &SegmentValue<usize>| match v {
                SegmentValue::CenterOf(i) => {
                    bars.get(*i).map(|b| b.label.clone()).unwrap_or_default()
                }
                _ => String::new(),
            };
            let mut chart = ChartBuilder::on(&root)
                .margin(12)
                .x_label_area_size(28)
                .y_label_area_size(44)
                .build_cartesian_2d((0..n - 1).into_segmented(), 0..(max + max / 8 + 1))?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .light_line_style(RGBColor(231, 229, 228))
                .y_labels(6)
                .x_labels(n)
                .x_label_formatter(&label)
                .label_style(("sans-serif", 13).into_font().color(&INK))
                .axis_style(INK)
                .draw()?;
            chart.draw_series(
                Histogram::vertical(&chart)
                    .style(color.filled())
                    .margin(18)
                    .data(bars.iter().enumerate().map(|(i, b)| (i, b.value))),
            )?;
            root.present()?;
            Ok(())
        })();
        if let Err(e) = drawn {
            tracing::warn!(error = %e, "chart not drawn");
        }
        finish(svg, title, "")
    }

    /// Adds the accessible name and the hover layer to plotters' SVG (no
    /// `style` attribute: the CSP refuses inline styles; the page's CSS
    /// lets it scale to its container).
    fn finish(svg: String, title: &str, hover: &str) -> String {
        let Some(open_end) = svg
            .find("<svg")
            .and_then(|s| svg[s..].find('>').map(|e| s + e))
        else {
            return String::new();
        };
        let Some(close) = svg.rfind("</svg>") else {
            return String::new();
        };
        let title = escape(title);
        format!(
            "{} role=\"img\" aria-label=\"{title}\" preserveAspectRatio=\"xMinYMin meet\"><title>{title}</title>{}{hover}</svg>",
            &svg[..open_end],
            &svg[open_end + 1..close],
        )
    }

    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn charts_are_svg_with_a_title_and_hover_values() {
        let days = [d("2026-12-01"), d("2026-12-02"), d("2026-12-03")];
        let svg = charts::line(
            "Activity <per> day",
            &days,
            &[("Issued", vec![1, 5, 2], charts::BLUE)],
        );
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("role=\"img\" aria-label=\"Activity &lt;per&gt; day\""));
        assert!(svg.contains("<title>Activity &lt;per&gt; day</title>"));
        assert!(svg.contains("<title>2026-12-02: Issued 5</title>"), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("Dec 2"), "axis labels are dates");
        let bars = charts::bars(
            "Shares",
            &[
                Bar {
                    label: "LinkedIn".into(),
                    value: 3,
                },
                Bar {
                    label: "X".into(),
                    value: 0,
                },
            ],
            charts::ROSE,
        );
        assert!(bars.contains("LinkedIn") && bars.contains("<title>Shares</title>"));
        // Nothing to draw still gives a chart.
        assert!(charts::line("Empty", &[], &[]).starts_with("<svg"));
    }

    #[test]
    fn visitor_hashes_change_with_the_salt() {
        let a = visitor_hash("salt-1", "192.0.2.1\nagent");
        assert_eq!(a.len(), 32);
        assert_eq!(a, visitor_hash("salt-1", "192.0.2.1\nagent"));
        assert_ne!(a, visitor_hash("salt-2", "192.0.2.1\nagent"));
        assert!(!a.contains("192"));
    }
}
