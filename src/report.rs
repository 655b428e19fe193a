//! Renders an evaluation [`Report`] as text (aligned; coloured on a terminal), Markdown (for a
//! pull request) or JSON (the report itself, schema `sigma-kql/eval/2`).

use std::fmt::Write;

use serde_json::Value;

use crate::eval::result::{EventRef, ExclusionReport, Label, Report, RuleReport, Status, Verdict};

/// Report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text, coloured on a terminal.
    Text,
    /// One JSON document (schema `sigma-kql/eval/2`).
    Json,
    /// Markdown for a pull request.
    Markdown,
}

/// Renders `report`.
pub fn render(report: &Report, format: Format, colour: bool) -> String {
    match format {
        Format::Text => text(report, colour),
        Format::Markdown => markdown(report),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(report).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

fn field_text(v: &Value) -> String {
    match v {
        Value::String(s) => crate::text::one_line(s),
        other => other.to_string(),
    }
}

fn label_word(l: Option<Label>) -> &'static str {
    match l {
        Some(Label::Alert) => "alert",
        Some(Label::Benign) => "benign",
        None => "",
    }
}

/// Per alerting event index, the exclusions (1-based numbers) that suppress it.
fn suppressors(r: &RuleReport) -> std::collections::HashMap<usize, Vec<usize>> {
    let mut by: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
    for (i, x) in r.exclusions.iter().enumerate() {
        for s in &x.suppressed {
            by.entry(s.index).or_default().push(i + 1);
        }
    }
    by
}

/// ` (first N listed; see --list-limit)` when a list holds fewer events than it counts.
fn listed_note(listed: usize, count: usize) -> String {
    if listed < count {
        format!(" (first {listed} listed; see --list-limit)")
    } else {
        String::new()
    }
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::HidesTruePositives => "HIDES TRUE POSITIVES",
        Verdict::Safe => "safe",
        Verdict::NoEffect => "no effect",
        Verdict::Unproven => "unproven (suppresses unlabelled alerts)",
    }
}

fn lines_of(refs: &[EventRef]) -> String {
    refs.iter()
        .map(|e| format!("line {}", e.line))
        .collect::<Vec<_>>()
        .join(", ")
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn red(&self, s: &str) -> String {
        self.wrap("31", s)
    }
    fn green(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.wrap("33", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
}

fn header(report: &Report) -> String {
    let files: Vec<&str> = report
        .events
        .files
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    format!(
        "{} events from {}; mode {} ({})",
        report.events.count,
        files.join(", "),
        report.mode.name(),
        report.mode_reason
    )
}

/// The alert table: columns sized to their widest cell.
fn alert_rows(r: &RuleReport) -> (Vec<String>, Vec<Vec<String>>) {
    let mut fields: Vec<String> = Vec::new();
    for a in &r.alerts {
        for k in a.fields.keys() {
            if !fields.contains(k) {
                fields.push(k.clone());
            }
        }
    }
    let mut head = vec!["line".to_string()];
    head.extend(fields.iter().cloned());
    head.extend(["label".into(), "suppressed by".into(), "event".into()]);
    let suppressed = suppressors(r);
    let none = Vec::new();
    let rows = r
        .alerts
        .iter()
        .map(|a| {
            let mut row = vec![a.line.to_string()];
            row.extend(
                fields
                    .iter()
                    .map(|f| a.fields.get(f).map(field_text).unwrap_or_default()),
            );
            let by = suppressed.get(&a.index).unwrap_or(&none);
            row.push(label_word(a.expect).to_string());
            row.push(if by.is_empty() {
                "-".to_string()
            } else {
                by.iter()
                    .map(|n| format!("#{n}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            });
            row.push(a.name.clone().unwrap_or_default());
            row
        })
        .collect();
    (head, rows)
}

fn text(report: &Report, colour: bool) -> String {
    let p = Paint(colour);
    let mut out = String::new();
    let _ = writeln!(out, "{}", header(report));
    for e in &report.events.errors {
        let _ = writeln!(out, "{} {e}", p.yellow("warning:"));
    }
    for r in &report.rules {
        out.push('\n');
        let cond = if r.condition > 1 {
            format!(" (condition {})", r.condition)
        } else {
            String::new()
        };
        let _ = writeln!(out, "{}{cond}", p.bold(&r.title));
        let mut where_ = vec![r.path.clone()];
        if let Some(t) = &r.table {
            where_.push(t.clone());
        }
        match r.status {
            Status::Evaluated => where_.push(format!("{} events considered", r.considered)),
            Status::Skipped => where_.push(p.yellow("skipped")),
            Status::Failed => where_.push(p.red("not evaluated")),
        }
        let _ = writeln!(out, "  {}", where_.join(" · "));
        if let Some(n) = &r.note {
            let _ = writeln!(out, "  note: {n}");
        }
        for w in &r.warnings {
            let _ = writeln!(out, "  {} {w}", p.yellow("warning:"));
        }
        if r.status != Status::Evaluated {
            continue;
        }
        let _ = writeln!(
            out,
            "  alerts: {}{}",
            p.bold(&r.alert_count.to_string()),
            listed_note(r.alerts.len(), r.alert_count)
        );
        if !r.alerts.is_empty() {
            let (head, rows) = alert_rows(r);
            let widths: Vec<usize> = (0..head.len())
                .map(|i| {
                    rows.iter()
                        .map(|row| row[i].chars().count())
                        .chain([head[i].chars().count()])
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let line = |cells: &[String]| {
                let mut s = String::from("   ");
                for (i, c) in cells.iter().enumerate() {
                    let last = i + 1 == cells.len();
                    s.push(' ');
                    s.push_str(c);
                    if !last {
                        s.push_str(&" ".repeat(widths[i] - c.chars().count() + 1));
                    }
                }
                s.trim_end().to_string()
            };
            let _ = writeln!(out, "{}", p.dim(&line(&head)));
            for row in &rows {
                let _ = writeln!(out, "{}", line(row));
            }
        }
        if !r.exclusions.is_empty() {
            let _ = writeln!(out, "  exclusions:");
        }
        for (i, x) in r.exclusions.iter().enumerate() {
            exclusion_text(&mut out, &p, i + 1, x, r.alert_count);
        }
        let remaining = r.remaining_count;
        let _ = writeln!(
            out,
            "  remaining alerts: {}{}",
            p.bold(&remaining.to_string()),
            if remaining > 0 {
                format!(
                    " ({}{})",
                    lines_of(&r.remaining),
                    if r.remaining.len() < remaining {
                        ", …"
                    } else {
                        ""
                    }
                )
            } else {
                String::new()
            }
        );
        if let Some(l) = &r.labels {
            let _ = writeln!(out, "  labels: {}", label_items(l).join("; "));
            if !l.missed.is_empty() {
                let _ = writeln!(out, "    missed: {}", lines_of(&l.missed));
            }
            if !l.true_positives_lost.is_empty() {
                let _ = writeln!(
                    out,
                    "    {} {}",
                    p.red("true positives lost:"),
                    lines_of(&l.true_positives_lost)
                );
            }
        }
    }
    out.push('\n');
    let _ = writeln!(out, "{}", summary_items(report).join("; "));
    out
}

fn exclusion_text(out: &mut String, p: &Paint, n: usize, x: &ExclusionReport, alerts: usize) {
    let verdict = match x.verdict {
        Some(Verdict::HidesTruePositives) => {
            format!(" · {}", p.red(verdict_word(Verdict::HidesTruePositives)))
        }
        Some(Verdict::Safe) => format!(" · {}", p.green("safe")),
        Some(v) => format!(" · {}", verdict_word(v)),
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "    #{n} {}: suppresses {} of {alerts} alerts, matches {} events{verdict}",
        p.bold(&x.name),
        x.suppressed_count,
        x.matched
    );
    if let Some(tp) = x.true_positives_lost.as_ref().filter(|v| !v.is_empty()) {
        let _ = writeln!(out, "       true positives lost: {}", lines_of(tp));
    }
    if let Some(fp) = x.false_positives_removed.as_ref().filter(|v| !v.is_empty()) {
        let _ = writeln!(out, "       false positives removed: {}", lines_of(fp));
    }
    for w in &x.warnings {
        let _ = writeln!(
            out,
            "       {} [{}] {}",
            p.yellow("warning:"),
            w.kind,
            w.message
        );
    }
}

/// The totals, one phrase each.
fn summary_items(report: &Report) -> Vec<String> {
    let s = &report.summary;
    vec![
        format!(
            "{} rule conditions ({} evaluated, {} skipped, {} not evaluated)",
            s.rules, s.evaluated, s.skipped, s.failed
        ),
        format!("{} alerts", s.alerts),
        format!("{} suppressed", s.suppressed),
        format!("{} remaining", s.remaining),
        format!("{} true positives lost", s.true_positives_lost),
        format!("{} false positives removed", s.false_positives_removed),
        format!("{} false positives remaining", s.false_positives_remaining),
        format!("{} missed", s.missed),
    ]
}

/// A rule's label counts, one phrase each.
fn label_items(l: &crate::eval::result::RuleLabels) -> Vec<String> {
    vec![
        format!("{} labelled", l.labelled),
        format!(
            "{} true and {} false positives before exclusions",
            l.true_positives, l.false_positives
        ),
        format!("{} missed", l.missed.len()),
        format!("{} true positives lost", l.true_positives_lost.len()),
        format!(
            "{} false positives removed",
            l.false_positives_removed.len()
        ),
        format!(
            "{} false positives remaining",
            l.false_positives_remaining.len()
        ),
    ]
}

/// Escapes a table cell.
fn cell(s: &str) -> String {
    crate::text::one_line(s).replace('|', "\\|")
}

fn markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## sigma-kql eval\n");
    let _ = writeln!(out, "{}\n", cell(&header(report)));
    if !report.events.errors.is_empty() {
        let _ = writeln!(out, "Input problems:\n");
        for e in &report.events.errors {
            let _ = writeln!(out, "- `{}`", e.to_string().replace('`', "'"));
        }
        out.push('\n');
    }
    for r in &report.rules {
        let cond = if r.condition > 1 {
            format!(" (condition {})", r.condition)
        } else {
            String::new()
        };
        let _ = writeln!(out, "### {}{cond}\n", cell(&r.title));
        let mut facts = vec![format!("`{}`", r.path)];
        if let Some(id) = &r.id {
            facts.push(format!("id `{id}`"));
        }
        if let Some(t) = &r.table {
            facts.push(format!("table `{t}`"));
        }
        match r.status {
            Status::Evaluated => facts.push(format!(
                "{} events considered, **{} alerts**, **{} remaining**",
                r.considered, r.alert_count, r.remaining_count
            )),
            Status::Skipped => facts.push("**skipped**".into()),
            Status::Failed => facts.push("**not evaluated**".into()),
        }
        let _ = writeln!(out, "{}\n", facts.join(" · "));
        if let Some(n) = &r.note {
            let _ = writeln!(out, "> {}\n", cell(n));
        }
        for w in &r.warnings {
            let _ = writeln!(out, "- ⚠️ {}", cell(w));
        }
        if !r.warnings.is_empty() {
            out.push('\n');
        }
        if r.status != Status::Evaluated {
            continue;
        }
        if !r.exclusions.is_empty() {
            let labelled = r.labels.is_some();
            let _ = writeln!(
                out,
                "| # | Exclusion | Suppresses | Matches |{} Warnings |",
                if labelled {
                    " TP lost | FP removed | Verdict |"
                } else {
                    ""
                }
            );
            let _ = writeln!(
                out,
                "|---|---|---|---|{}---|",
                if labelled { "---|---|---|" } else { "" }
            );
            for (i, x) in r.exclusions.iter().enumerate() {
                let labels = if labelled {
                    let n = |v: &Option<Vec<EventRef>>| v.as_ref().map_or(0, Vec::len);
                    let verdict = match x.verdict {
                        Some(Verdict::HidesTruePositives) => "❌ hides true positives".to_string(),
                        Some(Verdict::Safe) => "✅ safe".to_string(),
                        Some(v) => verdict_word(v).to_string(),
                        None => String::new(),
                    };
                    format!(
                        " {} | {} | {verdict} |",
                        n(&x.true_positives_lost),
                        n(&x.false_positives_removed)
                    )
                } else {
                    String::new()
                };
                let warnings: Vec<String> = x
                    .warnings
                    .iter()
                    .map(|w| format!("**{}**: {}", w.kind, cell(&w.message)))
                    .collect();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} of {} | {} |{labels} {} |",
                    i + 1,
                    cell(&x.name),
                    x.suppressed_count,
                    r.alert_count,
                    x.matched,
                    warnings.join("<br>")
                );
            }
            out.push('\n');
        }
        if !r.alerts.is_empty() {
            let (head, rows) = alert_rows(r);
            let _ = writeln!(
                out,
                "<details><summary>Alerts ({}{})</summary>\n",
                r.alert_count,
                listed_note(r.alerts.len(), r.alert_count)
            );
            let _ = writeln!(out, "| {} |", head.join(" | "));
            let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
            for row in rows {
                let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
            let _ = writeln!(out, "\n</details>\n");
        }
        if let Some(l) = &r.labels {
            let _ = writeln!(out, "Labels: {}\n", label_items(l).join(" · "));
        }
    }
    let _ = writeln!(out, "**Summary:** {}", summary_items(report).join(" · "));
    out
}
