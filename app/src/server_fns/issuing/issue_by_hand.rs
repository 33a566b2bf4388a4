use leptos::prelude::*;

use crate::error::AppError;

/// Issues a template's badge by hand to one or more recipients, one per
/// line of `recipients`: `email, first name, last name` with an optional
/// fourth value, the last-name prefix (CSV quoting allowed). The other
/// fields apply to every line. Every line is checked before anything is
/// issued; a holder who already has this badge for this date is skipped.
#[server(endpoint = "issuing/issue_by_hand")]
#[allow(clippy::too_many_arguments)]
pub async fn issue_by_hand(
    subdomain: String,
    template_id: i64,
    recipients: String,
    is_individual: Option<String>,
    achieved_on: String,
    evidence_url: String,
    evidence_narrative: String,
) -> Result<(), AppError> {
    use crate::ssr::{access::require_role, auth, context};
    use laurel::award::{parse_award, AwardInput};
    use laurel::AuditEvent;
    use laurel::Role;
    use laurel_service::batches::latest_date;
    use laurel_service::issuing::{Issuer, Source};
    use laurel_store::Audit;
    use laurel_store::IssueOutcome;

    /// More lines than this belong in a CSV batch.
    const MAX_LINES: usize = 100;

    let (user, m) = require_role(&subdomain, Role::Regular).await?;
    let ctx = context()?;
    let (template, class) = ctx
        .store
        .template(m.organisation_id, template_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if template.archived_at.is_some() {
        return Err(AppError::Invalid(
            "This template is archived; restore it before issuing.".into(),
        ));
    }
    let lines: Vec<&str> = recipients
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(AppError::Invalid(
            "Enter at least one recipient: email, first name, last name.".into(),
        ));
    }
    if lines.len() > MAX_LINES {
        return Err(AppError::Invalid(format!(
            "{} recipients: at most {MAX_LINES} at once by hand; upload a CSV batch for more.",
            lines.len()
        )));
    }
    let individual = if is_individual.is_some() { "yes" } else { "no" };
    let mut awards = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(line.as_bytes());
        let record = reader
            .records()
            .next()
            .and_then(Result::ok)
            .unwrap_or_default();
        let field = |i: usize| record.get(i).unwrap_or("").trim();
        if record.len() > 4 {
            problems.push(format!(
                "Line {}: at most 4 values (email, first name, last name, prefix).",
                n + 1
            ));
            continue;
        }
        let (first, last) = if is_individual.is_some() {
            (field(1), field(2))
        } else {
            // An organisation: "email, organisation name".
            (
                "",
                if record.len() == 2 {
                    field(1)
                } else {
                    field(2)
                },
            )
        };
        match parse_award(
            &AwardInput {
                email: field(0),
                first_name: first,
                last_name: last,
                last_name_prefix: field(3),
                is_individual: individual,
                achieved_on: &achieved_on,
                evidence_url: &evidence_url,
                evidence_narrative: &evidence_narrative,
                template: "",
            },
            latest_date(),
        ) {
            Ok(a) => awards.push(a),
            Err(p) => problems.push(format!("Line {}: {}", n + 1, p.join(" "))),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Invalid(format!(
            "Nothing was issued. {}",
            problems.join(" ")
        )));
    }
    let org = ctx
        .store
        .organisation_by_id(m.organisation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Billing for the whole list first: all of it may be issued, or none.
    if let Some(why) =
        laurel_service::billing::refusal(&ctx.store, org.id, ctx.clock.now(), awards.len() as i64)
            .await?
    {
        return Err(AppError::PaymentRequired(why));
    }
    let issuer = Issuer::of(&ctx, &org).await?;
    let (mut issued, mut skipped) = (0, 0);
    for award in &awards {
        match issuer
            .issue(Some(template.id), &class, award, Source::Hand)
            .await?
        {
            IssueOutcome::Issued(_) => issued += 1,
            IssueOutcome::AlreadyIssued(_) => skipped += 1,
        }
    }
    ctx.store
        .audit(Audit {
            organisation_id: Some(m.organisation_id),
            user_id: Some(user.user_id),
            event: AuditEvent::BadgeIssued,
            detail: format!(
                "{issued} × {} by hand ({skipped} already issued)",
                class.name
            ),
            ip: &auth::client_ip(),
        })
        .await?;
    leptos_axum::redirect(&format!(
        "{}?issued={issued}&skipped={skipped}",
        crate::paths::portal(&m.subdomain).template(template.id)
    ));
    Ok(())
}
