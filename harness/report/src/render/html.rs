//! One self-contained HTML page for people who are not developers: the
//! overall verdict and a verdict per conformance class at the top, the
//! requirement table, then every case with its reason, the failing
//! assertion (expected vs received) and the exchanges. No network request
//! is ever made: CSS, icons and the chart are inline, the one small script
//! only toggles "show failures only" and opens failing exchanges for print.
//!
//! Evidence is hostile input (a target can answer with `<script>`), so the
//! page is built with [`Markup`]: text can only be added escaped, and raw
//! markup only from `&'static str` literals in this file. Control and bidi
//! characters in text are shown as visible escapes
//! ([`crate::text::for_display`]). The Content-Security-Policy allows
//! exactly the page's own `<style>` and `<script>`, by the SHA-256 of their
//! text (computed here from [`CSS`] and [`SCRIPT`]), and nothing inline
//! besides: no `'unsafe-inline'`, so even markup that slipped through could
//! not run a script or add a style.

use konform_model::report::{
    AssertionOutcome, BodyEvidence, CaseResult, ClassResult, ClassVerdict, DeviationStatus, Header,
    OverallVerdict, Report, RequirementResult, RequirementVerdict, StepEvidence, StepRole, Verdict,
};

use super::{
    SignatureStatus, case_label, class_label, overall_label, requirement_label, suite_key,
};

/// Renders `report` as one self-contained HTML page.
pub fn html(report: &Report) -> String {
    html_with(report, None)
}

/// Renders `report` as one page, with its seal and signature status.
pub fn html_with(report: &Report, signature: Option<&SignatureStatus>) -> String {
    let mut m = Markup::default();
    m.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    m.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    m.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"");
    m.policy(&content_security_policy());
    m.raw("\">\n");
    m.raw("<title>");
    m.text(&format!(
        "{}: {} — konform report",
        suite_key(report),
        overall_label(report.verdict)
    ));
    m.raw("</title>\n<style>");
    m.raw(CSS);
    m.raw("</style>\n</head>\n<body>\n");
    header(&mut m, report, signature);
    m.raw("<main>\n");
    classes(&mut m, report);
    summary(&mut m, report);
    known_deviations(&mut m, report);
    m.raw("<div class=\"toolbar\"><label><input type=\"checkbox\" id=\"failures-only\"> Show failures only</label></div>\n");
    requirements(&mut m, report);
    cases(&mut m, report);
    run_info(&mut m, report);
    if let Some(status) = signature {
        signature_checks(&mut m, status);
    }
    m.raw("</main>\n<script>");
    m.raw(SCRIPT);
    m.raw("</script>\n</body>\n</html>\n");
    m.0
}

/// HTML under construction. Text is always escaped; raw markup can only be
/// a literal of this file.
#[derive(Default)]
struct Markup(String);

impl Markup {
    fn raw(&mut self, markup: &'static str) {
        self.0.push_str(markup);
    }

    /// Escaped text, safe both between tags and inside a quoted attribute.
    fn text(&mut self, text: &str) {
        escape_into(&mut self.0, text);
    }

    /// The CSP computed by [`content_security_policy`]: only hash sources
    /// and keywords of this file, no text from the report.
    fn policy(&mut self, policy: &str) {
        self.0.push_str(policy);
    }

    fn num(&mut self, n: impl Into<u64>) {
        self.0.push_str(&n.into().to_string());
    }

    /// An element with escaped text content: `<tag class="..">text</tag>`.
    fn el(&mut self, open: &'static str, text: &str, close: &'static str) {
        self.raw(open);
        self.text(text);
        self.raw(close);
    }
}

/// Escapes `&`, `<`, `>`, `"` and `'`; control characters other than tab
/// and line breaks, and bidi controls, become visible escapes (`\e`,
/// `\u{202e}`).
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for ch in crate::text::for_display(text).chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// The page's Content-Security-Policy: nothing may be loaded, and the only
/// style and script are the page's own, named by the SHA-256 of their exact
/// text (CSP hash sources).
fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; img-src data:",
        hash_source(CSS),
        hash_source(SCRIPT)
    )
}

/// `sha256-<base64 of the SHA-256 of text>`, a CSP hash source (without
/// the quotes), for an inline `<style>` or `<script>` whose text is exactly
/// `text`.
pub fn hash_source(text: &str) -> String {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn overall_class(v: OverallVerdict) -> &'static str {
    match v {
        OverallVerdict::Conformant => "good",
        OverallVerdict::NotConformant => "bad",
        OverallVerdict::Incomplete => "warn",
    }
}

fn class_class(v: ClassVerdict) -> &'static str {
    match v {
        ClassVerdict::Conformant => "good",
        ClassVerdict::NotConformant => "bad",
        ClassVerdict::Inconclusive => "warn",
        ClassVerdict::NotClaimed | ClassVerdict::NotSelected => "none",
    }
}

fn requirement_class(v: RequirementVerdict) -> &'static str {
    match v {
        RequirementVerdict::Pass => "good",
        RequirementVerdict::Fail => "bad",
        RequirementVerdict::Error => "warn",
        RequirementVerdict::Skip | RequirementVerdict::Untested | RequirementVerdict::Withdrawn => {
            "none"
        }
    }
}

fn case_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "good",
        Verdict::Fail => "bad",
        Verdict::Error => "warn",
        Verdict::Skip => "none",
    }
}

/// `ok` rows are hidden by "show failures only".
fn ok_flag(ok: bool) -> &'static str {
    if ok { " ok" } else { "" }
}

fn icon(m: &mut Markup, kind: &'static str) {
    m.raw(match kind {
        "good" => ICON_GOOD,
        "bad" => ICON_BAD,
        "warn" => ICON_WARN,
        _ => ICON_NONE,
    });
}

fn badge(m: &mut Markup, kind: &'static str, label: &str) {
    m.raw("<span class=\"badge ");
    m.raw(kind);
    m.raw("\">");
    icon(m, kind);
    m.text(label);
    m.raw("</span>");
}

fn header(m: &mut Markup, report: &Report, signature: Option<&SignatureStatus>) {
    let kind = overall_class(report.verdict);
    m.raw("<header class=\"verdict ");
    m.raw(kind);
    m.raw("\">\n<div class=\"big-icon\">");
    icon(m, kind);
    m.raw("</div><div>\n<p class=\"eyebrow\">konform conformance report</p>\n<h1 id=\"verdict\">");
    m.text(overall_label(report.verdict));
    m.raw("</h1>\n<p class=\"subject\">");
    m.el("<strong>", &report.suite.title, "</strong>");
    m.el(" <span class=\"muted\">(", &suite_key(report), ")</span>");
    m.raw("<br>tested against ");
    let id = &report.target.identity;
    m.el(
        "<strong>",
        &format!("{} {}", id.product, id.version),
        "</strong>",
    );
    m.text(&format!(" by {}, operated by {}", id.vendor, id.operator));
    m.raw("<br>at ");
    m.el("<code>", &report.target.base_url, "</code>");
    m.raw("</p>\n");
    if !report.run.complete {
        m.raw("<p class=\"alert\">The run did not complete: ");
        m.text(
            report
                .run
                .incomplete_reason
                .as_deref()
                .unwrap_or("interrupted"),
        );
        m.raw("</p>\n");
    }
    if report.target.tls_insecure {
        m.raw("<p class=\"alert\">TLS certificate checks were switched off for this run.</p>\n");
    }
    if let Some(status) = signature {
        m.raw(if status.verified {
            "<p class=\"signature verified\" id=\"signature\">Signature "
        } else {
            "<p class=\"alert signature\" id=\"signature\">Signature "
        });
        m.text(&status.summary);
        m.raw(" <a href=\"#signature-checks\">(checks)</a></p>\n");
    }
    m.raw("</div>\n</header>\n");
}

fn signature_checks(m: &mut Markup, status: &SignatureStatus) {
    m.raw("<section id=\"signature-checks\">\n<h2>Seal and signatures</h2>\n<ul>\n");
    for line in &status.checks {
        m.el("<li><code>", line, "</code></li>\n");
    }
    m.raw("</ul>\n</section>\n");
}

/// The target file's known deviations (expected failures) and what the run
/// found for each; they never count as conformant.
fn known_deviations(m: &mut Markup, report: &Report) {
    let list = &report.run.known_deviations;
    if list.is_empty() {
        return;
    }
    m.raw("<section id=\"known-deviations\">\n<h2>Known deviations</h2>\n");
    m.raw("<p class=\"small muted\">Expected failures listed in the target file; they never count as conformant.</p>\n<ul>\n");
    for d in list {
        m.raw("<li>");
        match (&d.case, &d.requirement) {
            (Some(id), _) => {
                m.raw("case ");
                case_link(m, id);
            }
            (None, Some(id)) => {
                m.raw("requirement ");
                req_link(m, id);
            }
            (None, None) => {}
        }
        m.raw(": ");
        m.raw(match d.status {
            DeviationStatus::StillFailing => "<strong>still failing</strong>",
            DeviationStatus::NowPassing => "<strong>now passes: remove it</strong>",
            DeviationStatus::Expired => "<strong>expired</strong>",
            DeviationStatus::Unknown => "<strong>not decided by this run</strong>",
        });
        m.raw(" — ");
        m.text(&d.justification);
        if let Some(e) = &d.expires {
            m.raw(" (until ");
            m.text(e);
            m.raw(")");
        }
        m.raw("</li>\n");
    }
    m.raw("</ul>\n</section>\n");
}

fn classes(m: &mut Markup, report: &Report) {
    m.raw("<section id=\"classes\">\n<h2>Conformance classes</h2>\n<div class=\"cards\">\n");
    for c in &report.classes {
        class_card(m, c);
    }
    m.raw("</div>\n</section>\n");
}

fn class_card(m: &mut Markup, c: &ClassResult) {
    let kind = class_class(c.verdict);
    m.raw("<div class=\"card ");
    m.raw(kind);
    m.raw("\" id=\"class-");
    m.text(&c.id);
    m.raw("\">\n");
    m.el("<h3>", &c.title, "</h3>\n");
    m.el("<p class=\"muted\"><code>", &c.id, "</code></p>\n<p>");
    badge(m, kind, class_label(c.verdict));
    m.raw("</p>\n");
    req_list(m, "Failed MUST requirements", &c.failed);
    req_list(m, "MUST requirements not verified", &c.unverified);
    req_list(m, "SHOULD requirements not met (warnings)", &c.warnings);
    m.raw("</div>\n");
}

fn req_list(m: &mut Markup, label: &'static str, ids: &[String]) {
    if ids.is_empty() {
        return;
    }
    m.raw("<p class=\"small\">");
    m.raw(label);
    m.raw(": ");
    req_links(m, ids);
    m.raw("</p>\n");
}

/// Links to requirements, comma-separated.
fn req_links(m: &mut Markup, ids: &[String]) {
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            m.raw(", ");
        }
        req_link(m, id);
    }
}

fn req_link(m: &mut Markup, id: &str) {
    m.raw("<a href=\"#req-");
    m.text(id);
    m.raw("\">");
    m.text(id);
    m.raw("</a>");
}

fn case_link(m: &mut Markup, id: &str) {
    m.raw("<a href=\"#case-");
    m.text(id);
    m.raw("\"><code>");
    m.text(id);
    m.raw("</code></a>");
}

fn summary(m: &mut Markup, report: &Report) {
    let s = &report.summary;
    m.raw("<section id=\"summary\">\n<h2>Cases</h2>\n<p class=\"counts\">");
    m.num(s.cases as u64);
    m.raw(" cases: <span class=\"c-good\">");
    m.num(s.pass as u64);
    m.raw(" passed</span>, <span class=\"c-bad\">");
    m.num(s.fail as u64);
    m.raw(" failed</span>, <span class=\"c-warn\">");
    m.num(s.error as u64);
    m.raw(" could not be carried out (error)</span>, <span class=\"c-none\">");
    m.num(s.skip as u64);
    m.raw(" skipped</span></p>\n");
    // A stacked bar, 1000 units wide.
    let total = s.cases.max(1) as u64;
    m.raw("<svg class=\"bar\" viewBox=\"0 0 1000 24\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"share of case verdicts\">");
    let mut x = 0u64;
    for (count, fill) in [
        (s.pass, "#1a7f37"),
        (s.fail, "#cf222e"),
        (s.error, "#bf8700"),
        (s.skip, "#8c959f"),
    ] {
        let w = (count as u64) * 1000 / total;
        if w == 0 {
            continue;
        }
        m.raw("<rect y=\"0\" height=\"24\" x=\"");
        m.num(x);
        m.raw("\" width=\"");
        m.num(w);
        m.raw("\" fill=\"");
        m.raw(fill);
        m.raw("\"/>");
        x += w;
    }
    m.raw("</svg>\n</section>\n");
}

fn requirements(m: &mut Markup, report: &Report) {
    m.raw("<section id=\"requirements\">\n<h2>Requirements</h2>\n");
    m.raw("<p class=\"muted\">MUST requirements decide conformance; SHOULD requirements that are not met are warnings.</p>\n");
    m.raw("<table class=\"reqs\">\n<thead><tr><th>Id</th><th>Level</th><th>Requirement</th><th>Source</th><th>Verdict</th><th>Cases</th></tr></thead>\n<tbody>\n");
    for r in &report.requirements {
        requirement_row(m, r);
    }
    m.raw("</tbody>\n</table>\n</section>\n");
}

fn requirement_row(m: &mut Markup, r: &RequirementResult) {
    let kind = requirement_class(r.verdict);
    let ok = matches!(
        r.verdict,
        RequirementVerdict::Pass
            | RequirementVerdict::Skip
            | RequirementVerdict::Untested
            | RequirementVerdict::Withdrawn
    );
    m.raw("<tr class=\"");
    m.raw(kind);
    m.raw(ok_flag(ok));
    m.raw("\" id=\"req-");
    m.text(&r.id);
    m.raw("\">");
    m.el("<td><code>", &r.id, "</code></td>");
    m.el("<td>", r.level.as_str(), "</td>");
    m.raw("<td>");
    m.text(&r.text);
    if !r.failures.is_empty() {
        m.raw("<ul class=\"small failures\">");
        for f in &r.failures {
            m.raw("<li>");
            case_link(m, &f.case);
            m.raw(" step ");
            m.num(f.step as u64 + 1);
            m.raw(": ");
            m.text(&f.describe());
            m.raw("</li>");
        }
        m.raw("</ul>");
    }
    m.raw("</td>");
    m.el("<td class=\"small\">", &r.source, "</td><td>");
    badge(m, kind, requirement_label(r.verdict));
    m.raw("</td><td class=\"small\">");
    for (i, c) in r.cases.iter().enumerate() {
        if i > 0 {
            m.raw("<br>");
        }
        case_link(m, c);
    }
    m.raw("</td></tr>\n");
}

fn cases(m: &mut Markup, report: &Report) {
    m.raw("<section id=\"cases\">\n<h2>Case details</h2>\n");
    for c in &report.cases {
        case_section(m, report, c);
    }
    m.raw("</section>\n");
}

fn case_section(m: &mut Markup, report: &Report, c: &CaseResult) {
    let kind = case_class(c.verdict);
    let ok = matches!(c.verdict, Verdict::Pass | Verdict::Skip);
    m.raw("<article class=\"case ");
    m.raw(kind);
    m.raw(ok_flag(ok));
    m.raw("\" id=\"case-");
    m.text(&c.id);
    m.raw("\">\n<h3>");
    badge(m, kind, case_label(c.verdict));
    if crate::deviations::excusing(report, c).is_some() {
        m.raw(" ");
        badge(m, "warn", "known deviation");
    }
    m.raw(" ");
    m.text(&c.title);
    m.raw("</h3>\n<p class=\"small muted\"><code>");
    m.text(&c.id);
    m.raw("</code> · class <a href=\"#class-");
    m.text(&c.class);
    m.raw("\">");
    m.text(&c.class);
    m.raw("</a> · verifies ");
    for (i, id) in c.requirements.iter().enumerate() {
        if i > 0 {
            m.raw(", ");
        }
        req_link(m, id);
        if let Some(r) = report.requirements.iter().find(|r| r.id == *id) {
            m.el(" (", r.level.as_str(), ")");
        }
    }
    m.raw(" · ");
    m.num(c.duration_ms);
    m.raw(" ms</p>\n");
    let blamed = crate::judge::blamed(c);
    if !blamed.is_empty() {
        m.raw("<p class=\"small\">breaks ");
        req_links(m, &blamed);
        m.raw("</p>\n");
    }
    if !c.unverified_requirements.is_empty() {
        m.raw("<p class=\"small muted\">not verified by this case: ");
        req_links(m, &c.unverified_requirements);
        m.raw("</p>\n");
    }
    if let Some(reason) = &c.reason {
        m.raw("<p class=\"reason\"><strong>");
        m.raw(match c.verdict {
            Verdict::Fail => "Why it failed: ",
            Verdict::Error => "Why it could not be carried out: ",
            Verdict::Skip => "Why it was skipped: ",
            Verdict::Pass => "Note: ",
        });
        m.raw("</strong>");
        if let Some(kind) = c.error_kind {
            m.el("<code>", kind.as_str(), "</code> ");
        }
        m.text(reason);
        m.raw("</p>\n");
    }
    let failed: Vec<(&StepEvidence, &AssertionOutcome)> = c
        .steps
        .iter()
        .flat_map(|s| {
            s.assertions
                .iter()
                .filter(|a| !a.passed)
                .map(move |a| (s, a))
        })
        .collect();
    if !failed.is_empty() {
        m.raw("<table class=\"failed\">\n<thead><tr><th>Step</th><th>Check</th><th>Verifies</th><th>Expected</th><th>Received</th></tr></thead>\n<tbody>\n");
        for (step, a) in failed {
            m.raw("<tr><td>");
            m.num(step.index as u64 + 1);
            m.raw("</td><td>");
            m.text(&a.check);
            if let Some(msg) = &a.message {
                m.el("<div class=\"small muted\">", msg, "</div>");
            }
            m.raw("</td><td class=\"small\">");
            if a.requirements.is_empty() {
                m.raw("<span class=\"muted\">nothing (precondition)</span>");
            }
            req_links(m, &a.requirements);
            m.raw("</td><td>");
            json_cell(m, a.expected.as_ref());
            m.raw("</td><td>");
            json_cell(m, a.received.as_ref());
            m.raw("</td></tr>\n");
        }
        m.raw("</tbody>\n</table>\n");
    }
    for step in &c.steps {
        step_details(m, step);
    }
    m.raw("</article>\n");
}

fn json_cell(m: &mut Markup, value: Option<&serde_json::Value>) {
    match value {
        None => m.raw("<span class=\"muted\">–</span>"),
        Some(v) => {
            let text = serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
            m.el("<pre>", &text, "</pre>");
        }
    }
}

fn step_details(m: &mut Markup, step: &StepEvidence) {
    let failed = step.error.is_some() || step.assertions.iter().any(|a| !a.passed);
    m.raw("<details class=\"step");
    m.raw(if failed { " step-failed" } else { "" });
    m.raw("\">\n<summary>");
    m.raw("Step ");
    m.num(step.index as u64 + 1);
    if let Some(name) = &step.name {
        m.el(" <em>", name, "</em>");
    }
    match step.role {
        Some(StepRole::Precondition) => m.raw(" <span class=\"muted\">(precondition)</span>"),
        Some(StepRole::Cleanup) => m.raw(" <span class=\"muted\">(cleanup)</span>"),
        None => {}
    }
    m.raw(": <code>");
    m.text(&format!("{} {}", step.request.method, step.request.url));
    m.raw("</code> → ");
    match &step.response {
        Some(r) => {
            m.raw("<strong>");
            m.num(r.status);
            m.raw("</strong>");
        }
        None => m.raw("<strong>no response</strong>"),
    }
    m.raw(" <span class=\"muted\">(");
    m.num(step.duration_ms);
    m.raw(" ms)</span></summary>\n");
    if let Some(err) = &step.error {
        m.el("<p class=\"alert\">", err, "</p>\n");
    }
    m.raw("<div class=\"exchange\">\n<div><h4>Request</h4>\n");
    headers(m, &step.request.headers);
    body(m, step.request.body.as_ref());
    m.raw("</div>\n<div><h4>Response</h4>\n");
    match &step.response {
        Some(r) => {
            headers(m, &r.headers);
            body(m, r.body.as_ref());
        }
        None => m.raw("<p class=\"muted\">No response arrived.</p>\n"),
    }
    m.raw("</div>\n</div>\n");
    if !step.assertions.is_empty() {
        m.raw("<h4>Checks</h4>\n<ul class=\"checks\">\n");
        for a in &step.assertions {
            let kind = if a.passed { "good" } else { "bad" };
            m.raw("<li class=\"");
            m.raw(kind);
            m.raw("\">");
            icon(m, kind);
            m.text(&a.check);
            if !a.requirements.is_empty() {
                m.el(
                    " <span class=\"muted small\">",
                    &a.requirements.join(", "),
                    "</span>",
                );
            }
            m.raw("</li>\n");
        }
        for check in &step.not_evaluated {
            m.raw("<li class=\"muted\">");
            m.text(check);
            m.raw(" — not evaluated</li>\n");
        }
        m.raw("</ul>\n");
    }
    m.raw("</details>\n");
}

fn headers(m: &mut Markup, headers: &[Header]) {
    if headers.is_empty() {
        m.raw("<p class=\"muted small\">No headers recorded.</p>\n");
        return;
    }
    m.raw("<table class=\"headers\"><tbody>\n");
    for h in headers {
        m.el("<tr><th>", &h.name, "</th>");
        m.el("<td>", &h.value, "</td></tr>\n");
    }
    m.raw("</tbody></table>\n");
}

fn body(m: &mut Markup, body: Option<&BodyEvidence>) {
    let Some(b) = body else {
        m.raw("<p class=\"muted small\">No body.</p>\n");
        return;
    };
    m.raw("<p class=\"muted small\">Body, ");
    m.num(b.size);
    m.raw(" bytes");
    if b.truncated {
        m.raw(" (only the first part was recorded)");
    }
    m.raw(":</p>\n");
    // JSON is shown indented; anything else exactly as recorded.
    let pretty = if b.truncated {
        None
    } else {
        serde_json::from_str::<serde_json::Value>(&b.text)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
    };
    m.el(
        "<pre class=\"body\">",
        pretty.as_deref().unwrap_or(&b.text),
        "</pre>\n",
    );
}

fn run_info(m: &mut Markup, report: &Report) {
    let r = &report.run;
    m.raw("<section id=\"run\">\n<h2>About this run</h2>\n<dl>\n");
    let row = |m: &mut Markup, k: &'static str, v: &str| {
        m.raw("<dt>");
        m.raw(k);
        m.raw("</dt>");
        m.el("<dd>", v, "</dd>\n");
    };
    row(m, "Started", &r.started_at);
    row(m, "Finished", &r.finished_at);
    row(m, "Duration", &format!("{} ms", r.duration_ms));
    row(m, "Cases at a time", &r.jobs.to_string());
    if let Some(p) = &r.politeness {
        row(m, "Politeness", &p.describe());
    }
    if !r.class_filter.is_empty() {
        row(m, "Classes selected", &r.class_filter.join(", "));
    }
    row(
        m,
        "Suite",
        &format!("{} ({})", suite_key(report), report.suite.digest),
    );
    row(
        m,
        "Interface",
        &format!("{} {}", report.interface.name, report.interface.version),
    );
    row(
        m,
        "Claimed classes",
        &format!(
            "{} (from {})",
            report.target.claimed_classes.join(", "),
            report.target.claim_source
        ),
    );
    row(m, "Authentication", &report.target.auth);
    row(
        m,
        "Harness",
        &format!("{} {}", report.harness.name, report.harness.version),
    );
    row(m, "Report format", &report.format);
    m.raw("</dl>\n</section>\n");
}

const ICON_GOOD: &str = "<svg class=\"icon\" viewBox=\"0 0 16 16\" aria-hidden=\"true\"><circle cx=\"8\" cy=\"8\" r=\"8\" fill=\"#1a7f37\"/><path d=\"M4.5 8.2l2.3 2.3 4.7-4.9\" stroke=\"#fff\" stroke-width=\"1.8\" fill=\"none\"/></svg>";
const ICON_BAD: &str = "<svg class=\"icon\" viewBox=\"0 0 16 16\" aria-hidden=\"true\"><circle cx=\"8\" cy=\"8\" r=\"8\" fill=\"#cf222e\"/><path d=\"M5 5l6 6M11 5l-6 6\" stroke=\"#fff\" stroke-width=\"1.8\"/></svg>";
const ICON_WARN: &str = "<svg class=\"icon\" viewBox=\"0 0 16 16\" aria-hidden=\"true\"><path d=\"M8 1l7.5 13.5h-15z\" fill=\"#bf8700\"/><path d=\"M8 6v4.5M8 12v1.2\" stroke=\"#fff\" stroke-width=\"1.6\"/></svg>";
const ICON_NONE: &str = "<svg class=\"icon\" viewBox=\"0 0 16 16\" aria-hidden=\"true\"><circle cx=\"8\" cy=\"8\" r=\"7\" fill=\"none\" stroke=\"#8c959f\" stroke-width=\"2\"/><path d=\"M5 8h6\" stroke=\"#8c959f\" stroke-width=\"1.8\"/></svg>";

const SCRIPT: &str = r#"
(function () {
  document.body.classList.add('js');
  var box = document.getElementById('failures-only');
  if (box) {
    box.addEventListener('change', function () {
      document.body.classList.toggle('failures-only', box.checked);
    });
  }
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details.step-failed').forEach(function (d) { d.open = true; });
  });
})();
"#;

const CSS: &str = r#"
:root { --good: #1a7f37; --bad: #cf222e; --warn: #9a6700; --none: #6e7781; --line: #d0d7de; --soft: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2328; background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 0 24px 48px; }
h1 { margin: 0; font-size: 2.2em; line-height: 1.2; }
h2 { margin: 32px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); font-size: 1.4em; }
h3 { margin: 0 0 6px; font-size: 1.1em; }
h4 { margin: 10px 0 4px; font-size: .95em; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .88em; }
pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
a { color: #0969da; }
.muted { color: var(--none); }
.small { font-size: .88em; }
.icon { width: 1em; height: 1em; vertical-align: -0.15em; margin-right: .3em; flex: none; }
.verdict { display: flex; gap: 20px; align-items: center; padding: 28px max(24px, calc((100% - 1152px) / 2)); border-bottom: 4px solid; }
.verdict.good { background: #dafbe1; border-color: var(--good); }
.verdict.bad { background: #ffebe9; border-color: var(--bad); }
.verdict.warn { background: #fff8c5; border-color: var(--warn); }
.big-icon .icon { width: 64px; height: 64px; margin: 0; }
.eyebrow { margin: 0; text-transform: uppercase; letter-spacing: .08em; font-size: .78em; color: #57606a; }
.subject { margin: 6px 0 0; }
.signature.verified { margin: 8px 0; padding: 8px 12px; border-left: 4px solid var(--good); background: #dafbe1; }
.alert { margin: 8px 0; padding: 8px 12px; border-left: 4px solid var(--warn); background: #fff8c5; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-top: 5px solid var(--none); border-radius: 6px; padding: 12px 14px; }
.card.good { border-top-color: var(--good); } .card.bad { border-top-color: var(--bad); } .card.warn { border-top-color: var(--warn); }
.card p { margin: 4px 0; }
.badge { display: inline-flex; align-items: center; padding: 1px 8px; border-radius: 999px; font-weight: 600; font-size: .85em; white-space: nowrap; border: 1px solid; }
.badge.good { color: var(--good); background: #dafbe1; } .badge.bad { color: var(--bad); background: #ffebe9; }
.badge.warn { color: var(--warn); background: #fff8c5; } .badge.none { color: var(--none); background: var(--soft); }
.c-good { color: var(--good); } .c-bad { color: var(--bad); } .c-warn { color: var(--warn); } .c-none { color: var(--none); }
.counts { font-size: 1.05em; }
.bar { width: 100%; height: 24px; border-radius: 4px; background: var(--soft); display: block; }
body:not(.js) .toolbar { display: none; }
.toolbar { position: sticky; top: 0; z-index: 1; margin: 24px 0 0; padding: 8px 0; background: #fff; border-bottom: 1px solid var(--line); }
table { width: 100%; border-collapse: collapse; margin: 8px 0; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
thead th { background: var(--soft); font-size: .9em; }
table.reqs td:first-child { white-space: nowrap; }
table.reqs tr.bad td:first-child { border-left: 4px solid var(--bad); }
table.reqs tr.warn td:first-child { border-left: 4px solid var(--warn); }
table.failed { background: #fff5f5; }
table.headers th { width: 30%; font-weight: 600; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85em; }
table.headers td { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85em; word-break: break-all; }
.case { border: 1px solid var(--line); border-left: 5px solid var(--none); border-radius: 6px; padding: 12px 14px; margin: 12px 0; }
.case.good { border-left-color: var(--good); } .case.bad { border-left-color: var(--bad); } .case.warn { border-left-color: var(--warn); }
.case:target { box-shadow: 0 0 0 3px #54aeff66; }
.reason { margin: 6px 0; }
details.step { margin: 6px 0; border: 1px solid var(--line); border-radius: 4px; padding: 4px 10px; background: var(--soft); }
details.step[open] { background: #fff; }
details.step summary { cursor: pointer; }
.exchange { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
pre.body { background: var(--soft); border: 1px solid var(--line); border-radius: 4px; padding: 8px; max-height: 420px; overflow: auto; }
ul.checks { list-style: none; padding: 0; margin: 4px 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dt { font-weight: 600; } dd { margin: 0; word-break: break-all; }
body.failures-only .ok { display: none; }
@media (max-width: 800px) { .exchange { grid-template-columns: 1fr; } }
@media print {
  body { font-size: 11pt; }
  .toolbar { display: none; }
  main { max-width: none; padding: 0; }
  .verdict { padding: 12px 0; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .case, .card, tr { break-inside: avoid; }
  pre.body { max-height: none; overflow: visible; }
  a { color: inherit; text-decoration: none; }
  .badge, .card, .case, table.failed { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;
