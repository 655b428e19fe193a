//! Running converted rules and their exclusions over events, into a [`Report`].

use std::borrow::Cow;

use indexmap::IndexMap;
use serde_json::Value;

use super::compile::Program;
use super::input::Event;
use super::logsource::{self, EventOrigin, RawFit, Source};
use super::result::{
    EventRef, ExclusionReport, ExclusionWarning, Label, Report, RuleLabels, RuleReport, SCHEMA,
    Status, Summary, Verdict,
};
use super::{Events, Mode, Options, lookup, row};
use crate::convert::Conversion;
use crate::exclusion::Scenario;
use crate::ir::Expr;
use crate::pipeline::{MappedQuery, Pipeline, Route};

const TARGET_ID_FIELDS: &[&str] = &["DeviceName", "Timestamp", "ReportId", "FileName"];
const RAW_ID_FIELDS: &[&str] = &["Computer", "UtcTime", "EventRecordID", "EventID", "Image"];

/// A compiled exclusion.
struct Exclusion<'a> {
    name: &'a str,
    program: Result<Program, String>,
    /// Columns (target) or field names (raw) it reads.
    fields: Vec<String>,
}

/// Evaluates every rule condition of `conversions` on `events`.
pub fn evaluate(
    conversions: &[Conversion],
    pipeline: &Pipeline,
    scenarios: &[Scenario],
    events: &Events,
    opts: &Options,
    (mode, mode_reason): (Mode, String),
    done: &(dyn Fn() + Sync),
) -> Report {
    use rayon::prelude::*;
    // What each event says about itself, worked out once for all rules.
    let facts = Facts::of(events, conversions, mode, opts);
    // Rules are independent: evaluated on all cores, collected in input order.
    let per_rule: Vec<Vec<RuleReport>> = conversions
        .par_iter()
        .map(|c| {
            let mut reports = Vec::new();
            match mode {
                Mode::Target => {
                    target_rule(c, pipeline, scenarios, events, &facts, opts, &mut reports)
                }
                Mode::Raw => raw_rule(c, scenarios, events, &facts, &mut reports),
            }
            missed_by_the_rule(&mut reports);
            done();
            reports
        })
        .collect();
    let rules: Vec<RuleReport> = per_rule.into_iter().flatten().collect();
    let summary = summarise(&rules);
    Report {
        schema: SCHEMA,
        mode,
        mode_reason,
        pipeline: (mode == Mode::Target).then(|| pipeline.name.clone()),
        events: events.summary.clone(),
        rules,
        summary,
    }
}

fn base(c: &Conversion, condition: usize) -> RuleReport {
    RuleReport {
        path: c.path.clone(),
        id: c.id.clone(),
        title: c.title.clone(),
        condition,
        status: Status::Failed,
        note: None,
        table: None,
        query: None,
        warnings: Vec::new(),
        considered: 0,
        alerts: Vec::new(),
        exclusions: Vec::new(),
        remaining: Vec::new(),
        labels: None,
    }
}

fn failed(c: &Conversion, condition: usize, note: String) -> RuleReport {
    RuleReport {
        note: Some(note),
        ..base(c, condition)
    }
}

fn conversion_error(c: &Conversion) -> String {
    let msgs: Vec<String> = c
        .errors
        .iter()
        .map(|e| match &e.at {
            Some(at) => format!("{} ({at})", e.message),
            None => e.message.clone(),
        })
        .collect();
    format!("not converted: {}", msgs.join("; "))
}

/// Per event, worked out once: whether it is ECS-keyed, where a raw event comes from, and per
/// table whether a column-keyed row fits it.
struct Facts {
    ecs: Vec<bool>,
    origin: Vec<EventOrigin>,
    fits: std::collections::HashMap<String, Vec<bool>>,
}

impl Facts {
    fn of(events: &Events, conversions: &[Conversion], mode: Mode, opts: &Options) -> Facts {
        use rayon::prelude::*;
        let ecs: Vec<bool> = events
            .events
            .par_iter()
            .map(|e| row_is_translated(&e.value))
            .collect();
        let origin = match mode {
            Mode::Raw => events
                .events
                .par_iter()
                .map(|e| EventOrigin::of(&e.value))
                .collect(),
            Mode::Target => Vec::new(),
        };
        let mut fits = std::collections::HashMap::new();
        if mode == Mode::Target {
            for q in conversions.iter().flat_map(|c| &c.mapped) {
                if fits.contains_key(&q.table) {
                    continue;
                }
                let Some(t) = q.table_schema() else { continue };
                let v: Vec<bool> = events
                    .events
                    .par_iter()
                    .map(|e| logsource::target_fit(t, &e.value, opts.table.as_deref()))
                    .collect();
                fits.insert(q.table.clone(), v);
            }
        }
        Facts { ecs, origin, fits }
    }
}

#[allow(clippy::too_many_arguments)]
fn target_rule(
    c: &Conversion,
    pipeline: &Pipeline,
    scenarios: &[Scenario],
    events: &Events,
    facts: &Facts,
    opts: &Options,
    out: &mut Vec<RuleReport>,
) {
    let Some(rule) = &c.rule else {
        out.push(failed(c, 1, conversion_error(c)));
        return;
    };
    if c.status != "ok" {
        for i in 0..rule.conditions.len().max(1) {
            out.push(failed(c, i + 1, conversion_error(c)));
        }
        return;
    }
    for (i, (q, text)) in c.mapped.iter().zip(&c.queries).enumerate() {
        let mut report = base(c, i + 1);
        report.table = Some(q.table.clone());
        report.query = Some(text.clone());
        report.warnings = q.warnings.clone();
        let route = rule
            .conditions
            .get(i)
            .and_then(|cond| pipeline.route_for(rule, &cond.expr).ok());
        let whole = match &q.filter {
            Some(f) => Expr::and(vec![f.clone(), q.expr.clone()]),
            None => q.expr.clone(),
        };
        let program = match Program::target(q, &whole) {
            Ok(p) => p,
            Err(e) => {
                report.note = Some(format!("cannot be evaluated: {e}"));
                out.push(report);
                continue;
            }
        };
        let exclusions: Vec<Exclusion> = q
            .exclusions
            .iter()
            .map(|x| Exclusion {
                name: &x.name,
                program: Program::target(q, &x.expr),
                fields: columns_of(q, &x.expr),
            })
            .collect();
        let table = q.table_schema();
        let fits = facts.fits.get(&q.table);
        let mut rows: Vec<(&Event, Cow<Value>)> = Vec::new();
        for (i, e) in events.events.iter().enumerate() {
            if !facts.ecs.get(i).copied().unwrap_or(false) {
                // A column-keyed row: its fit with the table is known.
                if fits
                    .and_then(|f| f.get(i))
                    .copied()
                    .unwrap_or(table.is_none())
                {
                    rows.push((e, Cow::Borrowed(&e.value)));
                }
                continue;
            }
            let Some(row) = target_row(&e.value, route) else {
                continue;
            };
            // An ECS-keyed event names no table: it belongs to the one its category or field
            // sets say (see `row::ecs_table`), unless it names one.
            let forced = opts.table.as_deref().or_else(|| {
                (row_is_translated(&e.value) && logsource::row_table(&e.value).is_none())
                    .then(|| row::ecs_table(&e.value))
            });
            if table.is_none_or(|t| logsource::target_fit(t, &row, forced)) {
                rows.push((e, row));
            }
        }
        if rows.is_empty() {
            report.status = Status::Skipped;
            report.note = Some(format!(
                "no event is a {} row (rows name their table with `_table` or Sentinel's `Type`, or have only its columns; or use --table)",
                q.table
            ));
            out.push(report);
            continue;
        }
        run(&mut report, &program, &exclusions, &rows, c, Mode::Target);
        // What the exclusion lint knows from the IR alone (a value the target never holds …).
        let findings = crate::convert::lint_rule(rule, pipeline, scenarios);
        for x in &mut report.exclusions {
            for (_, f) in findings.iter().filter(|(s, _)| s.name == x.name) {
                x.warnings.push(ExclusionWarning {
                    kind: f.kind,
                    message: f.message.clone(),
                });
            }
        }
        out.push(report);
    }
}

/// A rule with a condition list alerts when any condition does: an event labelled `alert` is
/// missed only when every condition misses it.
fn missed_by_the_rule(conditions: &mut [RuleReport]) {
    if conditions.len() < 2 {
        return;
    }
    let alerted: std::collections::HashSet<usize> = conditions
        .iter()
        .flat_map(|r| r.alerts.iter().map(|e| e.index))
        .collect();
    for r in conditions {
        if let Some(l) = &mut r.labels {
            l.missed.retain(|e| !alerted.contains(&e.index));
        }
    }
}

/// Whether an event is keyed by ECS names (translated onto the route's columns).
fn row_is_translated(event: &Value) -> bool {
    event
        .as_object()
        .is_some_and(|o| o.iter().any(|(k, v)| row::is_ecs_key(k, v)))
}

/// The row a target-mode event stands for on the route: itself, or its ECS names translated.
fn target_row<'a>(event: &'a Value, route: Option<&Route>) -> Option<Cow<'a, Value>> {
    if !row_is_translated(event) {
        return Some(Cow::Borrowed(event));
    }
    let route = route?.for_exclusions();
    let (row, _) = row::translate(event, &route, |n| n.contains('.'))?;
    Some(Cow::Owned(row))
}

/// The table columns an expression reads (derived fields by their columns).
fn columns_of(q: &MappedQuery, e: &Expr) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in e.fields() {
        let cols = match q.derived.get(f) {
            Some(d) => d.columns().into_iter().map(str::to_string).collect(),
            None => vec![f.to_string()],
        };
        for c in cols {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out
}

fn raw_rule(
    c: &Conversion,
    scenarios: &[Scenario],
    events: &Events,
    facts: &Facts,
    out: &mut Vec<RuleReport>,
) {
    let Some(rule) = &c.rule else {
        out.push(failed(c, 1, conversion_error(c)));
        return;
    };
    for (i, cond) in rule.conditions.iter().enumerate() {
        let mut report = base(c, i + 1);
        if let Err(why) = logsource::raw_checkable(&rule.logsource) {
            report.note = Some(format!(
                "cannot tell which events are its log source's: {why}"
            ));
            out.push(report);
            continue;
        }
        let program = match Program::raw(&cond.expr) {
            Ok(p) => p,
            Err(e) => {
                report.note = Some(format!("cannot be evaluated: {e}"));
                out.push(report);
                continue;
            }
        };
        let applying: Vec<&Scenario> = scenarios.iter().filter(|s| s.applies_to(rule)).collect();
        let exclusions: Vec<Exclusion> = applying
            .iter()
            .map(|s| Exclusion {
                name: &s.name,
                program: Program::raw(&s.expr),
                fields: s.expr.fields().into_iter().map(str::to_string).collect(),
            })
            .collect();
        // Events whose source names some fields otherwise (Security 4688) get the rule with
        // those fields renamed.
        let mut rows: Vec<(&Event, Cow<Value>)> = Vec::new();
        // Per source with its own names, the rule and its exclusions renamed, compiled once;
        // per row, which.
        let mut renamed: Vec<(&Source, Program, Vec<Option<Program>>)> = Vec::new();
        let mut which: Vec<Option<usize>> = Vec::new();
        for (e, origin) in events.events.iter().zip(&facts.origin) {
            let source = match logsource::raw_fit(&rule.logsource, origin) {
                RawFit::No => continue,
                RawFit::Unknown | RawFit::Yes(None) => None,
                RawFit::Yes(Some(source)) => Some(source),
            };
            let slot = source.and_then(|source| {
                if let Some(at) = renamed.iter().position(|(s, ..)| std::ptr::eq(*s, source)) {
                    return Some(at);
                }
                let p = Program::raw(&rename(&cond.expr, &source.fields)).ok()?;
                let xs = applying
                    .iter()
                    .map(|s| Program::raw(&rename(&s.expr, &source.fields)).ok())
                    .collect();
                renamed.push((source, p, xs));
                Some(renamed.len() - 1)
            });
            rows.push((e, Cow::Borrowed(&e.value)));
            which.push(slot);
        }
        if rows.is_empty() {
            report.status = Status::Skipped;
            report.note = Some(format!(
                "no event is of its log source ({})",
                logsource::describe(&rule.logsource)
            ));
            out.push(report);
            continue;
        }
        run_with(
            &mut report,
            &program,
            &Renamed {
                programs: renamed.into_iter().map(|(_, p, xs)| (p, xs)).collect(),
                which,
            },
            &exclusions,
            &rows,
            c,
            Mode::Raw,
        );
        out.push(report);
    }
}

/// The rule compiled with the field names of other event sources (Security 4688), and which
/// one each row takes (`None`: the rule as written).
struct Renamed {
    /// The rule and each exclusion, renamed.
    programs: Vec<(Program, Vec<Option<Program>>)>,
    which: Vec<Option<usize>>,
}

impl Renamed {
    /// The rule's program for row `i`.
    fn rule<'a>(&'a self, i: usize, default: &'a Program) -> &'a Program {
        self.slot(i).map_or(default, |(p, _)| p)
    }

    /// Exclusion `k`'s program for row `i`.
    fn exclusion<'a>(&'a self, i: usize, k: usize, default: &'a Program) -> &'a Program {
        self.slot(i)
            .and_then(|(_, xs)| xs.get(k).and_then(Option::as_ref))
            .unwrap_or(default)
    }

    fn slot(&self, i: usize) -> Option<&(Program, Vec<Option<Program>>)> {
        self.which
            .get(i)
            .copied()
            .flatten()
            .and_then(|k| self.programs.get(k))
    }
}

/// `e` with field names renamed.
fn rename(e: &Expr, names: &IndexMap<String, String>) -> Expr {
    match e {
        Expr::And(v) => Expr::And(v.iter().map(|x| rename(x, names)).collect()),
        Expr::Or(v) => Expr::Or(v.iter().map(|x| rename(x, names)).collect()),
        Expr::Not(x) => Expr::not(rename(x, names)),
        Expr::Keyword(m) => Expr::Keyword(m.clone()),
        Expr::Field(p) => {
            let mut p = p.clone();
            if let Some(n) = names.get(&p.field) {
                p.field = n.clone();
            }
            if let crate::ir::Op::FieldRef(r) = &mut p.op
                && let Some(n) = names.get(&r.field)
            {
                r.field = n.clone();
            }
            Expr::Field(p)
        }
    }
}

fn run(
    report: &mut RuleReport,
    program: &Program,
    exclusions: &[Exclusion],
    rows: &[(&Event, Cow<Value>)],
    c: &Conversion,
    mode: Mode,
) {
    let none = Renamed {
        programs: Vec::new(),
        which: Vec::new(),
    };
    run_with(report, program, &none, exclusions, rows, c, mode)
}

fn run_with(
    report: &mut RuleReport,
    program: &Program,
    renamed: &Renamed,
    exclusions: &[Exclusion],
    rows: &[(&Event, Cow<Value>)],
    c: &Conversion,
    mode: Mode,
) {
    report.status = Status::Evaluated;
    report.considered = rows.len();
    let unplaced = match mode {
        Mode::Raw => rows
            .iter()
            .filter(|(e, _)| EventOrigin::of(&e.value).is_unknown())
            .count(),
        Mode::Target => 0,
    };
    if unplaced > 0 {
        report.note = Some(format!(
            "{unplaced} event(s) name neither Channel nor EventID: evaluated as if of its log source"
        ));
    }
    let label_of = |e: &Event| label(&e.value, c);
    let event_ref = |e: &Event, row: &Value| event_ref(e, row, mode, label_of(e));
    let mut alert_rows: Vec<usize> = Vec::new();
    for (i, (_, row)) in rows.iter().enumerate() {
        let p = renamed.rule(i, program);
        if p.matches(row) {
            alert_rows.push(i);
        }
    }
    report.alerts = alert_rows
        .iter()
        .map(|&i| event_ref(rows[i].0, &rows[i].1))
        .collect();
    let mut suppressed_any = vec![false; alert_rows.len()];
    let labelled = rows.iter().any(|(e, _)| label_of(e).is_some());
    for (k, x) in exclusions.iter().enumerate() {
        let mut xr = ExclusionReport {
            name: x.name.to_string(),
            matched: 0,
            suppressed: Vec::new(),
            warnings: Vec::new(),
            true_positives_lost: None,
            false_positives_removed: None,
            verdict: None,
        };
        let program = match &x.program {
            Ok(p) => p,
            Err(e) => {
                xr.warnings.push(ExclusionWarning {
                    kind: "not-applied",
                    message: format!("cannot be evaluated: {e}"),
                });
                report.exclusions.push(xr);
                continue;
            }
        };
        let hits: Vec<bool> = rows
            .iter()
            .enumerate()
            .map(|(i, (_, row))| renamed.exclusion(i, k, program).matches(row))
            .collect();
        xr.matched = hits.iter().filter(|h| **h).count();
        for (k, &i) in alert_rows.iter().enumerate() {
            if hits[i] {
                suppressed_any[k] = true;
                xr.suppressed.push(event_ref(rows[i].0, &rows[i].1));
            }
        }
        let n = xr.suppressed.len();
        if !alert_rows.is_empty() && n == alert_rows.len() {
            xr.warnings.push(ExclusionWarning {
                kind: "suppresses-all",
                message: format!(
                    "suppresses every alert ({n} of {n}): the rule would never fire on these events"
                ),
            });
        }
        if n == 0 && xr.matched > 0 {
            xr.warnings.push(ExclusionWarning {
                kind: "matches-only-non-alerts",
                message: format!(
                    "matches {} event(s), none of which the rule alerts on",
                    xr.matched
                ),
            });
        } else if n == 0 && !alert_rows.is_empty() {
            xr.warnings.push(ExclusionWarning {
                kind: "suppresses-none",
                message: "suppresses none of the rule's alerts".to_string(),
            });
        }
        let absent: Vec<&String> = x
            .fields
            .iter()
            .filter(|f| !rows.iter().any(|(_, row)| present(row, f, mode)))
            .collect();
        if !absent.is_empty() {
            let names: Vec<String> = absent.iter().map(|f| format!("`{f}`")).collect();
            xr.warnings.push(ExclusionWarning {
                kind: "field-absent",
                message: format!(
                    "refers to {} absent from every event: the preview cannot show what it does on real data",
                    names.join(", ")
                ),
            });
        }
        if labelled {
            let pick = |want: Label| -> Vec<EventRef> {
                xr.suppressed
                    .iter()
                    .filter(|r| r.expect == Some(want))
                    .cloned()
                    .collect()
            };
            let tp = pick(Label::Alert);
            let fp = pick(Label::Benign);
            xr.verdict = Some(if !tp.is_empty() {
                Verdict::HidesTruePositives
            } else if xr.suppressed.is_empty() {
                Verdict::NoEffect
            } else if xr.suppressed.iter().any(|r| r.expect.is_none()) {
                Verdict::Unproven
            } else {
                Verdict::Safe
            });
            xr.true_positives_lost = Some(tp);
            xr.false_positives_removed = Some(fp);
        }
        report.exclusions.push(xr);
    }
    report.remaining = alert_rows
        .iter()
        .zip(&suppressed_any)
        .filter(|(_, s)| !**s)
        .map(|(&i, _)| event_ref(rows[i].0, &rows[i].1))
        .collect();
    if labelled {
        let alerted: Vec<bool> = {
            let mut v = vec![false; rows.len()];
            for &i in &alert_rows {
                v[i] = true;
            }
            v
        };
        let mut l = RuleLabels {
            labelled: rows.iter().filter(|(e, _)| label_of(e).is_some()).count(),
            true_positives: 0,
            false_positives: 0,
            missed: Vec::new(),
            true_positives_lost: Vec::new(),
            false_positives_removed: Vec::new(),
            false_positives_remaining: Vec::new(),
        };
        for (i, (e, row)) in rows.iter().enumerate() {
            match (label_of(e), alerted[i]) {
                (Some(Label::Alert), true) => l.true_positives += 1,
                (Some(Label::Benign), true) => l.false_positives += 1,
                (Some(Label::Alert), false) => l.missed.push(event_ref(e, row)),
                _ => {}
            }
        }
        for (k, &i) in alert_rows.iter().enumerate() {
            let e = rows[i].0;
            match (label_of(e), suppressed_any[k]) {
                (Some(Label::Alert), true) => l.true_positives_lost.push(event_ref(e, &rows[i].1)),
                (Some(Label::Benign), true) => {
                    l.false_positives_removed.push(event_ref(e, &rows[i].1))
                }
                (Some(Label::Benign), false) => {
                    l.false_positives_remaining.push(event_ref(e, &rows[i].1))
                }
                _ => {}
            }
        }
        report.labels = Some(l);
    }
}

/// Whether the field has a value in the row: a non-empty, non-null column (target), or a
/// present non-null field (raw).
fn present(row: &Value, field: &str, mode: Mode) -> bool {
    match mode {
        Mode::Target => match row.get(field) {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.is_empty(),
            Some(_) => true,
        },
        Mode::Raw => lookup::values(row, field).iter().any(|v| !v.is_null()),
    }
}

/// An event's label for a rule: `_expect: alert`, or `_expect: {<rule id or title>: alert}`.
pub fn label(event: &Value, c: &Conversion) -> Option<Label> {
    let parse = |v: &Value| match v.as_str()?.to_ascii_lowercase().as_str() {
        "alert" => Some(Label::Alert),
        "benign" => Some(Label::Benign),
        _ => None,
    };
    match event.get("_expect")? {
        Value::Object(map) => map
            .iter()
            .find(|(k, _)| {
                c.id.as_deref().is_some_and(|id| id.eq_ignore_ascii_case(k))
                    || c.title.eq_ignore_ascii_case(k)
            })
            .and_then(|(_, v)| parse(v)),
        v => parse(v),
    }
}

fn event_ref(e: &Event, row: &Value, mode: Mode, expect: Option<Label>) -> EventRef {
    let mut fields = IndexMap::new();
    let names = match mode {
        Mode::Target => TARGET_ID_FIELDS,
        Mode::Raw => RAW_ID_FIELDS,
    };
    for name in names {
        let v = match mode {
            Mode::Target => row.get(*name).cloned(),
            Mode::Raw => lookup::values(row, name).into_iter().next().cloned(),
        };
        if let Some(v) = v.filter(|v| !v.is_null()) {
            fields.insert((*name).to_string(), v);
        }
    }
    EventRef {
        index: e.index,
        file: e.file.to_string(),
        line: e.line,
        name: e
            .value
            .get("_name")
            .and_then(Value::as_str)
            .map(str::to_string),
        expect,
        fields,
    }
}

fn summarise(rules: &[RuleReport]) -> Summary {
    let mut s = Summary {
        rules: rules.len(),
        ..Summary::default()
    };
    for r in rules {
        match r.status {
            Status::Evaluated => s.evaluated += 1,
            Status::Skipped => s.skipped += 1,
            Status::Failed => s.failed += 1,
        }
        s.alerts += r.alerts.len();
        s.remaining += r.remaining.len();
        s.suppressed += r.alerts.len() - r.remaining.len();
        s.exclusion_warnings += r.exclusions.iter().map(|x| x.warnings.len()).sum::<usize>();
        if let Some(l) = &r.labels {
            s.false_positives_removed += l.false_positives_removed.len();
            s.true_positives_lost += l.true_positives_lost.len();
            s.false_positives_remaining += l.false_positives_remaining.len();
            s.missed += l.missed.len();
        }
    }
    s
}
