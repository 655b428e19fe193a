//! Running converted rules and their exclusions over events, a chunk at a time, into a
//! [`Report`]: each rule condition keeps running totals and the alerts it lists, so memory
//! does not grow with the number of events read.

use std::borrow::Cow;
use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::Value;

use super::compile::Program;
use super::input::Event;
use super::logsource::{self, EventOrigin, RawFit, Source};
use super::lookup::{Val, View};
use super::prefilter::{self, Plan, Requirement, Scratch};
use super::result::{
    EventRef, EventsSummary, ExclusionReport, ExclusionWarning, Label, Report, RuleLabels,
    RuleReport, SCHEMA, Status, Summary, Verdict,
};
use super::{Mode, Options, lookup, row};
use crate::convert::Conversion;
use crate::exclusion::Scenario;
use crate::ir::Expr;
use crate::pipeline::{MappedQuery, Pipeline, Route, Table};
use crate::rule::Rule;

const TARGET_ID_FIELDS: &[&str] = &["DeviceName", "Timestamp", "ReportId", "FileName"];
const RAW_ID_FIELDS: &[&str] = &["Computer", "UtcTime", "EventRecordID", "EventID", "Image"];

/// A compiled exclusion.
struct Exclusion<'a> {
    name: &'a str,
    program: Result<Program, String>,
    /// Columns (target) or field names (raw) it reads.
    fields: Vec<String>,
}

/// An evaluation in progress: the rule conditions compiled once, fed chunks of events in
/// order with [`Run::add`], then turned into a [`Report`] by [`Run::finish`].
pub struct Run<'a> {
    mode: Mode,
    opts: &'a Options,
    pipeline: &'a Pipeline,
    scenarios: &'a [Scenario],
    conds: Vec<Cond<'a>>,
    /// Per rule with a condition list, the range of its conditions in `conds`.
    lists: Vec<std::ops::Range<usize>>,
    /// Raw mode: the distinct origins (channel, event id) seen, numbered.
    origins: HashMap<EventOrigin, u32>,
    /// Raw mode: the origins by number.
    origin_list: Vec<EventOrigin>,
    /// Raw mode: per origin number, its prefilter in `plan_list` (origins whose events the
    /// same conditions fit share one).
    plans: Vec<usize>,
    /// Raw mode: the prefilters, by the conditions (with variants) they are for.
    plan_list: Vec<Plan>,
    plan_keys: HashMap<Vec<(u32, u32)>, usize>,
    /// Raw mode: events with neither channel nor event id.
    unplaced: usize,
}

/// One rule condition: its report so far, and what it runs.
struct Cond<'a> {
    c: &'a Conversion,
    report: RuleReport,
    /// `None` when it cannot run (the report's note says why).
    work: Option<Work<'a>>,
    acc: Acc,
    /// Raw mode without exclusions: events are first checked with the prefilter.
    fast: bool,
    /// One of a rule's condition list: its alerts count for the others' missed labels.
    in_list: bool,
}

struct Work<'a> {
    how: How<'a>,
    program: Program,
    exclusions: Vec<Exclusion<'a>>,
}

enum How<'a> {
    Target {
        q: &'a MappedQuery,
        route: Option<&'a Route>,
        table: Option<&'static Table>,
    },
    Raw {
        rule: &'a Rule,
        expr: &'a Expr,
        applying: Vec<&'a Scenario>,
        /// What the rule as written requires (the prefilter's needles).
        needles: Requirement,
        /// Per source with its own field names (Security 4688), the rule and each exclusion
        /// renamed, compiled once.
        variants: Vec<Variant>,
        /// Per origin number: `None` not yet known, `Some(None)` not of the log source,
        /// `Some(Some(v))` of it, with the variant (`v` = 0: as written; `k` + 1: variant `k`).
        fit: Vec<Option<Option<usize>>>,
    },
}

/// The rule and its exclusions with the field names of one event source.
struct Variant {
    source: &'static Source,
    program: Program,
    exclusions: Vec<Option<Program>>,
    needles: Requirement,
}

/// What one chunk's events say about themselves, worked out once for all rule conditions.
struct Chunk<'e> {
    events: &'e [Event],
    /// The event carries an `_expect` label.
    labelled: Vec<bool>,
    /// Target: keyed by ECS names.
    ecs: Vec<bool>,
    /// Target: per table, whether each column-keyed row fits it.
    fits: HashMap<&'static str, Vec<bool>>,
    /// Raw: the origin number of each event.
    origin: Vec<u32>,
    /// Raw: whether each event names neither channel nor event id.
    unknown: Vec<bool>,
    /// Raw: the origin numbers of the chunk with their event counts.
    counts: Vec<(u32, usize)>,
    /// Raw: the number of the origin that names neither channel nor event id.
    unknown_origin: Option<u32>,
}

/// Alerts and other events listed, up to a limit, with their count.
#[derive(Default)]
struct Listed {
    count: usize,
    items: Vec<EventRef>,
}

impl Listed {
    fn push(&mut self, limit: usize, make: impl FnOnce() -> EventRef) {
        self.count += 1;
        if self.items.len() < limit {
            self.items.push(make());
        }
    }
}

/// Running totals of one exclusion.
#[derive(Default)]
struct XAcc {
    matched: usize,
    suppressed: Listed,
    /// Suppressed alerts without a label.
    unlabelled: usize,
    tp: Vec<EventRef>,
    fp: Vec<EventRef>,
    /// Per field it reads, whether some considered event has it.
    present: Vec<bool>,
}

/// Running totals of one rule condition.
#[derive(Default)]
struct Acc {
    considered: usize,
    unplaced: usize,
    alerts: Listed,
    remaining: Listed,
    xs: Vec<XAcc>,
    labelled: usize,
    true_positives: usize,
    false_positives: usize,
    missed: Vec<EventRef>,
    true_positives_lost: Vec<EventRef>,
    false_positives_removed: Vec<EventRef>,
    false_positives_remaining: Vec<EventRef>,
    /// The current chunk's alerts (event indexes), for rules with condition lists.
    chunk_alerted: Vec<usize>,
    /// Where the current chunk's entries start in `missed`.
    missed_from: usize,
}

impl<'a> Run<'a> {
    /// Compiles every rule condition of `conversions` (and the exclusions that apply to it)
    /// for `mode`.
    pub fn new(
        conversions: &'a [Conversion],
        pipeline: &'a Pipeline,
        scenarios: &'a [Scenario],
        opts: &'a Options,
        mode: Mode,
    ) -> Run<'a> {
        use rayon::prelude::*;
        let per_rule: Vec<Vec<Cond>> = conversions
            .par_iter()
            .map(|c| match mode {
                Mode::Target => target_conds(c, pipeline),
                Mode::Raw => raw_conds(c, scenarios),
            })
            .collect();
        let mut conds = Vec::new();
        let mut lists = Vec::new();
        for mut v in per_rule {
            if v.len() > 1 {
                lists.push(conds.len()..conds.len() + v.len());
            }
            let in_list = v.len() > 1;
            for cond in &mut v {
                cond.in_list = in_list;
                cond.fast = mode == Mode::Raw
                    && !opts.exhaustive
                    && cond.work.as_ref().is_some_and(|w| w.exclusions.is_empty());
                if let Some(w) = &cond.work {
                    cond.acc.xs = w
                        .exclusions
                        .iter()
                        .map(|x| XAcc {
                            present: vec![false; x.fields.len()],
                            ..XAcc::default()
                        })
                        .collect();
                }
            }
            conds.extend(v);
        }
        Run {
            mode,
            opts,
            pipeline,
            scenarios,
            conds,
            lists,
            origins: HashMap::new(),
            origin_list: Vec::new(),
            plans: Vec::new(),
            plan_list: Vec::new(),
            plan_keys: HashMap::new(),
            unplaced: 0,
        }
    }

    /// Whether every condition takes raw mode's prefiltered path, which reads flat events
    /// without building a JSON value (the other paths would build one per event and
    /// condition).
    pub fn reads_flat_events(&self) -> bool {
        self.mode == Mode::Raw && self.conds.iter().all(|c| c.fast || c.work.is_none())
    }

    /// Evaluates every rule condition on the next events (in input order).
    pub fn add(&mut self, events: &[Event]) {
        use rayon::prelude::*;
        let chunk = self.chunk(events);
        let (mode, limit) = (self.mode, self.opts.list_limit.unwrap_or(usize::MAX));
        let table = self.opts.table.as_deref();
        // Labelled events go the general way, which also keeps the labels' accounts.
        let alerts = if mode == Mode::Raw && !chunk.labelled.contains(&true) {
            self.plan_new_origins();
            self.prefiltered_alerts(&chunk)
        } else {
            Vec::new()
        };
        let conds = self.conds.par_iter_mut().enumerate();
        conds.for_each(|(k, cond)| match alerts.get(k) {
            Some(alerted) if cond.fast => cond.add_alerts(&chunk, alerted, limit),
            _ => cond.add(&chunk, mode, limit, table),
        });
        // A rule with a condition list alerts when any condition does: an event labelled
        // `alert` is missed only when every condition misses it.
        for range in &self.lists {
            let Some(conds) = self.conds.get_mut(range.clone()) else {
                continue;
            };
            let alerted: std::collections::HashSet<usize> = conds
                .iter()
                .flat_map(|c| c.acc.chunk_alerted.iter().copied())
                .collect();
            for cond in conds {
                let from = cond.acc.missed_from.min(cond.acc.missed.len());
                let kept: Vec<EventRef> = cond
                    .acc
                    .missed
                    .drain(from..)
                    .filter(|e| !alerted.contains(&e.index))
                    .collect();
                cond.acc.missed.extend(kept);
                cond.acc.missed_from = cond.acc.missed.len();
                cond.acc.chunk_alerted.clear();
            }
        }
    }

    /// What the chunk's events say about themselves.
    fn chunk<'e>(&mut self, events: &'e [Event]) -> Chunk<'e> {
        use rayon::prelude::*;
        let labelled = events
            .iter()
            .map(|e| e.view().get("_expect").is_some())
            .collect();
        let mut chunk = Chunk {
            events,
            labelled,
            ecs: Vec::new(),
            fits: HashMap::new(),
            origin: Vec::new(),
            unknown: Vec::new(),
            counts: Vec::new(),
            unknown_origin: None,
        };
        match self.mode {
            Mode::Target => {
                chunk.ecs = events
                    .par_iter()
                    .map(|e| row_is_translated(&e.json()))
                    .collect();
                let forced = self.opts.table.as_deref();
                for q in self.conds.iter().filter_map(|c| match &c.work {
                    Some(Work {
                        how: How::Target { q, .. },
                        ..
                    }) => Some(*q),
                    _ => None,
                }) {
                    let Some(t) = q.table_schema() else { continue };
                    if chunk.fits.contains_key(t.name.as_str()) {
                        continue;
                    }
                    let v = events
                        .par_iter()
                        .map(|e| logsource::target_fit(t, &e.json(), forced))
                        .collect();
                    chunk.fits.insert(t.name.as_str(), v);
                }
            }
            Mode::Raw => {
                let origins: Vec<EventOrigin> = events
                    .par_iter()
                    .map(|e| EventOrigin::of(e.view()))
                    .collect();
                chunk.unknown = origins.iter().map(EventOrigin::is_unknown).collect();
                self.unplaced += chunk.unknown.iter().filter(|u| **u).count();
                let mut counts: HashMap<u32, usize> = HashMap::new();
                for o in origins {
                    let n = match self.origins.get(&o) {
                        Some(n) => *n,
                        None => {
                            let n = u32::try_from(self.origin_list.len()).unwrap_or(u32::MAX);
                            self.origins.insert(o.clone(), n);
                            self.origin_list.push(o);
                            n
                        }
                    };
                    *counts.entry(n).or_default() += 1;
                    chunk.origin.push(n);
                }
                chunk.unknown_origin = self.origins.get(&EventOrigin::default()).copied();
                chunk.counts = counts.into_iter().collect();
                chunk.counts.sort_unstable();
            }
        }
        chunk
    }

    /// Raw mode: every condition's fit with the origins seen for the first time (renamed
    /// programs compiled on all cores), and their prefilters.
    fn plan_new_origins(&mut self) {
        use rayon::prelude::*;
        let new = self.plans.len()..self.origin_list.len();
        if new.is_empty() {
            return;
        }
        let origins = &self.origin_list;
        self.conds.par_iter_mut().for_each(|c| {
            if let Some(w) = &mut c.work {
                for o in new.clone() {
                    if let Some(origin) = origins.get(o) {
                        w.how.fit(o, || origin.clone());
                    }
                }
            }
        });
        for o in new {
            let items: Vec<(u32, u32, &Requirement)> = self
                .conds
                .iter()
                .enumerate()
                .filter(|(_, c)| c.fast)
                .filter_map(|(k, c)| {
                    let how = &c.work.as_ref()?.how;
                    let v = how.fitted(o)?;
                    Some((
                        u32::try_from(k).ok()?,
                        u32::try_from(v).ok()?,
                        how.needles(v)?,
                    ))
                })
                .collect();
            let key: Vec<(u32, u32)> = items.iter().map(|&(k, v, _)| (k, v)).collect();
            let at = match self.plan_keys.get(&key) {
                Some(&at) => at,
                None => {
                    self.plan_list.push(Plan::build(&items));
                    self.plan_keys.insert(key, self.plan_list.len() - 1);
                    self.plan_list.len() - 1
                }
            };
            self.plans.push(at);
        }
    }

    /// Raw mode: per condition, the chunk's events (positions) it alerts on, found through the
    /// prefilter; an event is checked only against the conditions it could match.
    fn prefiltered_alerts(&self, chunk: &Chunk) -> Vec<Vec<usize>> {
        use rayon::prelude::*;
        let n = self.conds.len();
        let per_event: Vec<Vec<u32>> = chunk
            .events
            .par_iter()
            .enumerate()
            .map_init(
                || (Scratch::default(), Vec::new()),
                |(scratch, candidates), (i, e)| {
                    let plan = chunk
                        .origin
                        .get(i)
                        .and_then(|o| self.plans.get(*o as usize));
                    let Some(plan) = plan.and_then(|&p| self.plan_list.get(p)) else {
                        return Vec::new();
                    };
                    plan.candidates(e.view(), n, scratch, candidates);
                    candidates
                        .iter()
                        .filter(|&&(k, v)| {
                            self.conds
                                .get(k as usize)
                                .and_then(|c| c.work.as_ref())
                                .is_some_and(|w| w.rule_program(v as usize).matches_view(e.view()))
                        })
                        .map(|&(k, _)| k)
                        .collect()
                },
            )
            .collect();
        let mut per_cond = vec![Vec::new(); n];
        for (i, hits) in per_event.iter().enumerate() {
            for &k in hits {
                if let Some(list) = per_cond.get_mut(k as usize) {
                    list.push(i);
                }
            }
        }
        per_cond
    }

    /// The report, once every chunk has been added.
    pub fn finish(self, events: EventsSummary, mode_reason: String) -> Report {
        let Run {
            mode,
            pipeline,
            scenarios,
            conds,
            unplaced,
            ..
        } = self;
        let rules: Vec<RuleReport> = conds
            .into_iter()
            .map(|c| c.finish(pipeline, scenarios))
            .collect();
        let summary = summarise(&rules);
        let mut events = events;
        if mode == Mode::Raw {
            events.unplaced = unplaced;
        }
        Report {
            schema: SCHEMA,
            mode,
            mode_reason,
            pipeline: (mode == Mode::Target).then(|| pipeline.name.clone()),
            events,
            rules,
            summary,
        }
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
        alert_count: 0,
        alerts: Vec::new(),
        exclusions: Vec::new(),
        remaining_count: 0,
        remaining: Vec::new(),
        labels: None,
    }
}

fn failed<'a>(c: &'a Conversion, condition: usize, note: String) -> Cond<'a> {
    Cond {
        c,
        report: RuleReport {
            note: Some(note),
            ..base(c, condition)
        },
        work: None,
        acc: Acc::default(),
        fast: false,
        in_list: false,
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

/// A rule's conditions compiled for target mode.
fn target_conds<'a>(c: &'a Conversion, pipeline: &'a Pipeline) -> Vec<Cond<'a>> {
    let Some(rule) = &c.rule else {
        return vec![failed(c, 1, conversion_error(c))];
    };
    if c.status != "ok" {
        return (0..rule.conditions.len().max(1))
            .map(|i| failed(c, i + 1, conversion_error(c)))
            .collect();
    }
    let mut out = Vec::new();
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
        let work = match Program::target(q, &whole) {
            Ok(program) => Some(Work {
                how: How::Target {
                    q,
                    route,
                    table: q.table_schema(),
                },
                program,
                exclusions: q
                    .exclusions
                    .iter()
                    .map(|x| Exclusion {
                        name: &x.name,
                        program: Program::target(q, &x.expr),
                        fields: columns_of(q, &x.expr),
                    })
                    .collect(),
            }),
            Err(e) => {
                report.note = Some(format!("cannot be evaluated: {e}"));
                None
            }
        };
        out.push(Cond {
            c,
            report,
            work,
            acc: Acc::default(),
            fast: false,
            in_list: false,
        });
    }
    out
}

/// A rule's conditions compiled for raw mode.
fn raw_conds<'a>(c: &'a Conversion, scenarios: &'a [Scenario]) -> Vec<Cond<'a>> {
    let Some(rule) = &c.rule else {
        return vec![failed(c, 1, conversion_error(c))];
    };
    let mut out = Vec::new();
    for (i, cond) in rule.conditions.iter().enumerate() {
        if let Err(why) = logsource::raw_checkable(&rule.logsource) {
            let note = format!("cannot tell which events are its log source's: {why}");
            out.push(failed(c, i + 1, note));
            continue;
        }
        let program = match Program::raw(&cond.expr) {
            Ok(p) => p,
            Err(e) => {
                out.push(failed(c, i + 1, format!("cannot be evaluated: {e}")));
                continue;
            }
        };
        let applying: Vec<&Scenario> = scenarios.iter().filter(|s| s.applies_to(rule)).collect();
        let exclusions = applying
            .iter()
            .map(|s| Exclusion {
                name: &s.name,
                program: Program::raw(&s.expr),
                fields: s.expr.fields().into_iter().map(str::to_string).collect(),
            })
            .collect();
        out.push(Cond {
            c,
            report: base(c, i + 1),
            work: Some(Work {
                how: How::Raw {
                    rule,
                    expr: &cond.expr,
                    applying,
                    needles: prefilter::required(&cond.expr),
                    variants: Vec::new(),
                    fit: Vec::new(),
                },
                program,
                exclusions,
            }),
            acc: Acc::default(),
            fast: false,
            in_list: false,
        });
    }
    out
}

impl Cond<'_> {
    /// Raw mode, prefiltered: the chunk's alerts are known (`alerted`, positions in order);
    /// what is left is counting the events of the log source and listing the alerts.
    fn add_alerts(&mut self, chunk: &Chunk, alerted: &[usize], limit: usize) {
        let Some(work) = &self.work else { return };
        let acc = &mut self.acc;
        for &(o, n) in &chunk.counts {
            if work.how.fitted(o as usize).is_some() {
                acc.considered += n;
                if chunk.unknown_origin == Some(o) {
                    acc.unplaced += n;
                }
            }
        }
        for e in alerted.iter().filter_map(|&i| chunk.events.get(i)) {
            let make = || event_ref(e, e.view(), Mode::Raw, None);
            // No exclusion: the remaining alerts are the alerts (see `finish`).
            acc.alerts.push(limit, make);
            if self.in_list {
                acc.chunk_alerted.push(e.index);
            }
        }
    }

    /// Runs the condition on the chunk's events of its log source or table.
    fn add(&mut self, chunk: &Chunk, mode: Mode, limit: usize, forced_table: Option<&str>) {
        let Some(work) = &mut self.work else { return };
        let (c, acc) = (self.c, &mut self.acc);
        // The table's fits, looked up once for the chunk.
        let fits: Option<&[bool]> = match &work.how {
            How::Target { table: Some(t), .. } => {
                chunk.fits.get(t.name.as_str()).map(Vec::as_slice)
            }
            _ => None,
        };
        for (i, e) in chunk.events.iter().enumerate() {
            let json = e.json();
            // The row the condition sees, and which compiled variant applies to it.
            let (row, variant): (Cow<Value>, usize) = match &mut work.how {
                How::Target { route, table, .. } => {
                    if !chunk.ecs.get(i).copied().unwrap_or(false) {
                        // A column-keyed row: its fit with the table is known.
                        let fits = table.is_none()
                            || fits.and_then(|f| f.get(i)).copied().unwrap_or(false);
                        if !fits {
                            continue;
                        }
                        (Cow::Borrowed(json.as_ref()), 0)
                    } else {
                        let Some(row) = target_row(&json, *route) else {
                            continue;
                        };
                        // An ECS-keyed event names no table: it belongs to the one its
                        // category or field sets say (see `row::ecs_table`), unless it names one.
                        let forced = forced_table.or_else(|| {
                            logsource::row_table(&json)
                                .is_none()
                                .then(|| row::ecs_table(&json))
                        });
                        if !table.is_none_or(|t| logsource::target_fit(t, &row, forced)) {
                            continue;
                        }
                        (row, 0)
                    }
                }
                how @ How::Raw { .. } => {
                    let o = chunk.origin.get(i).map_or(0, |o| *o as usize);
                    let v = how.fit(o, || EventOrigin::of(e.view()));
                    let Some(v) = v else { continue };
                    if chunk.unknown.get(i).copied().unwrap_or(false) {
                        acc.unplaced += 1;
                    }
                    (Cow::Borrowed(json.as_ref()), v)
                }
            };
            acc.considered += 1;
            let alert = work.rule_program(variant).matches(&row);
            let label = if chunk.labelled.get(i).copied().unwrap_or(false) {
                label(&json, c)
            } else {
                None
            };
            if label.is_some() {
                acc.labelled += 1;
            }
            let make = || event_ref(e, View::Json(&row), mode, label);
            let mut suppressed = false;
            for (k, (x, xa)) in work.exclusions.iter().zip(&mut acc.xs).enumerate() {
                let Ok(written) = &x.program else { continue };
                for (f, seen) in x.fields.iter().zip(xa.present.iter_mut()) {
                    if !*seen && present(&row, f, mode) {
                        *seen = true;
                    }
                }
                if !work
                    .how
                    .exclusion_program(variant, k, written)
                    .matches(&row)
                {
                    continue;
                }
                xa.matched += 1;
                if alert {
                    suppressed = true;
                    xa.suppressed.push(limit, make);
                    match label {
                        Some(Label::Alert) => xa.tp.push(make()),
                        Some(Label::Benign) => xa.fp.push(make()),
                        None => xa.unlabelled += 1,
                    }
                }
            }
            if alert {
                acc.alerts.push(limit, make);
                if self.in_list {
                    acc.chunk_alerted.push(e.index);
                }
                if !suppressed && !work.exclusions.is_empty() {
                    acc.remaining.push(limit, make);
                }
            }
            match (label, alert, suppressed) {
                (Some(Label::Alert), false, _) => acc.missed.push(make()),
                (Some(Label::Alert), true, lost) => {
                    acc.true_positives += 1;
                    if lost {
                        acc.true_positives_lost.push(make());
                    }
                }
                (Some(Label::Benign), true, removed) => {
                    acc.false_positives += 1;
                    if removed {
                        acc.false_positives_removed.push(make());
                    } else {
                        acc.false_positives_remaining.push(make());
                    }
                }
                _ => {}
            }
        }
    }

    /// The condition's report, once every chunk has been added.
    fn finish(self, pipeline: &Pipeline, scenarios: &[Scenario]) -> RuleReport {
        let Cond {
            c,
            mut report,
            work,
            acc,
            ..
        } = self;
        let Some(work) = work else { return report };
        if acc.considered == 0 {
            report.status = Status::Skipped;
            report.note = Some(match &work.how {
                How::Target { q, .. } => format!(
                    "no event is a {} row (rows name their table with `_table` or Sentinel's `Type`, or have only its columns; or use --table)",
                    q.table
                ),
                How::Raw { rule, .. } => format!(
                    "no event is of its log source ({})",
                    logsource::describe(&rule.logsource)
                ),
            });
            return report;
        }
        report.status = Status::Evaluated;
        report.considered = acc.considered;
        if acc.unplaced > 0 {
            report.note = Some(format!(
                "{} event(s) name neither Channel nor EventID: evaluated as if of its log source",
                acc.unplaced
            ));
        }
        let alerts = acc.alerts.count;
        report.alert_count = alerts;
        report.alerts = acc.alerts.items;
        let labelled = acc.labelled > 0;
        for (x, xa) in work.exclusions.iter().zip(acc.xs) {
            report
                .exclusions
                .push(exclusion_report(x, xa, alerts, labelled));
        }
        if work.exclusions.is_empty() {
            // Nothing to suppress: the alerts remain (listed once while running).
            report.remaining_count = report.alert_count;
            report.remaining = report.alerts.clone();
        } else {
            report.remaining_count = acc.remaining.count;
            report.remaining = acc.remaining.items;
        }
        if labelled {
            report.labels = Some(RuleLabels {
                labelled: acc.labelled,
                true_positives: acc.true_positives,
                false_positives: acc.false_positives,
                missed: acc.missed,
                true_positives_lost: acc.true_positives_lost,
                false_positives_removed: acc.false_positives_removed,
                false_positives_remaining: acc.false_positives_remaining,
            });
        }
        // What the exclusion lint knows from the IR alone (a value the target never holds …).
        if let (How::Target { .. }, Some(rule)) = (&work.how, &c.rule) {
            let findings = crate::convert::lint_rule(rule, pipeline, scenarios);
            for x in &mut report.exclusions {
                for (_, f) in findings.iter().filter(|(s, _)| s.name == x.name) {
                    x.warnings.push(ExclusionWarning {
                        kind: f.kind,
                        message: f.message.clone(),
                    });
                }
            }
        }
        report
    }
}

impl Work<'_> {
    /// The rule's program for a variant.
    fn rule_program(&self, variant: usize) -> &Program {
        match &self.how {
            How::Raw { variants, .. } if variant > 0 => variants
                .get(variant - 1)
                .map_or(&self.program, |v| &v.program),
            _ => &self.program,
        }
    }
}

impl How<'_> {
    /// Exclusion `k`'s program for a variant (`written`: as written).
    fn exclusion_program<'p>(
        &'p self,
        variant: usize,
        k: usize,
        written: &'p Program,
    ) -> &'p Program {
        match self {
            How::Raw { variants, .. } if variant > 0 => variants
                .get(variant - 1)
                .and_then(|v| v.exclusions.get(k).and_then(Option::as_ref))
                .unwrap_or(written),
            _ => written,
        }
    }
}

impl How<'_> {
    /// Raw mode: whether an event of origin number `o` (`event` is one) is of the rule's log
    /// source, and with which variant (see [`raw_variant`]); worked out once per origin.
    fn fit(&mut self, o: usize, origin: impl FnOnce() -> EventOrigin) -> Option<usize> {
        let How::Raw {
            rule,
            expr,
            applying,
            variants,
            fit,
            ..
        } = self
        else {
            return Some(0);
        };
        if fit.len() <= o {
            fit.resize(o + 1, None);
        }
        if let Some(known) = fit.get(o).copied().flatten() {
            return known;
        }
        let v = raw_variant(rule, expr, applying, variants, &origin());
        if let Some(slot) = fit.get_mut(o) {
            *slot = Some(v);
        }
        v
    }

    /// Raw mode: the fit already worked out for origin number `o` (`None`: not of the log
    /// source, or not worked out).
    fn fitted(&self, o: usize) -> Option<usize> {
        match self {
            How::Raw { fit, .. } => fit.get(o).copied().flatten().flatten(),
            How::Target { .. } => None,
        }
    }

    /// Raw mode: the prefilter's needles of a variant.
    fn needles(&self, variant: usize) -> Option<&Requirement> {
        match self {
            How::Raw { needles, .. } if variant == 0 => Some(needles),
            How::Raw { variants, .. } => Some(&variants.get(variant - 1)?.needles),
            How::Target { .. } => None,
        }
    }
}

/// Whether an event of `origin` is of the rule's log source, and with which variant: 0 as
/// written, `k` + 1 renamed for the `k`-th source with its own field names (compiled on first
/// use; a renaming that does not compile falls back to the rule as written).
fn raw_variant(
    rule: &Rule,
    expr: &Expr,
    applying: &[&Scenario],
    variants: &mut Vec<Variant>,
    origin: &EventOrigin,
) -> Option<usize> {
    let source: &'static Source = match logsource::raw_fit(&rule.logsource, origin) {
        RawFit::No => return None,
        RawFit::Unknown | RawFit::Yes(None) => return Some(0),
        RawFit::Yes(Some(source)) => source,
    };
    if let Some(at) = variants.iter().position(|v| std::ptr::eq(v.source, source)) {
        return Some(at + 1);
    }
    let renamed = rename(expr, &source.fields);
    let Ok(program) = Program::raw(&renamed) else {
        return Some(0);
    };
    let exclusions = applying
        .iter()
        .map(|s| Program::raw(&rename(&s.expr, &source.fields)).ok())
        .collect();
    variants.push(Variant {
        source,
        program,
        exclusions,
        needles: prefilter::required(&renamed),
    });
    Some(variants.len())
}

/// An exclusion's report from its totals.
fn exclusion_report(x: &Exclusion, xa: XAcc, alerts: usize, labelled: bool) -> ExclusionReport {
    let mut xr = ExclusionReport {
        name: x.name.to_string(),
        matched: 0,
        suppressed_count: 0,
        suppressed: Vec::new(),
        warnings: Vec::new(),
        true_positives_lost: None,
        false_positives_removed: None,
        verdict: None,
    };
    if let Err(e) = &x.program {
        xr.warnings.push(ExclusionWarning {
            kind: "not-applied",
            message: format!("cannot be evaluated: {e}"),
        });
        return xr;
    }
    xr.matched = xa.matched;
    let n = xa.suppressed.count;
    xr.suppressed_count = n;
    xr.suppressed = xa.suppressed.items;
    if alerts > 0 && n == alerts {
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
    } else if n == 0 && alerts > 0 {
        xr.warnings.push(ExclusionWarning {
            kind: "suppresses-none",
            message: "suppresses none of the rule's alerts".to_string(),
        });
    }
    let absent: Vec<String> = x
        .fields
        .iter()
        .zip(&xa.present)
        .filter(|(_, seen)| !**seen)
        .map(|(f, _)| format!("`{f}`"))
        .collect();
    if !absent.is_empty() {
        xr.warnings.push(ExclusionWarning {
            kind: "field-absent",
            message: format!(
                "refers to {} absent from every event: the preview cannot show what it does on real data",
                absent.join(", ")
            ),
        });
    }
    if labelled {
        xr.verdict = Some(if !xa.tp.is_empty() {
            Verdict::HidesTruePositives
        } else if n == 0 {
            Verdict::NoEffect
        } else if xa.unlabelled > 0 {
            Verdict::Unproven
        } else {
            Verdict::Safe
        });
        xr.true_positives_lost = Some(xa.tp);
        xr.false_positives_removed = Some(xa.fp);
    }
    xr
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

fn event_ref(e: &Event, row: View, mode: Mode, expect: Option<Label>) -> EventRef {
    let mut fields = IndexMap::new();
    let names = match mode {
        Mode::Target => TARGET_ID_FIELDS,
        Mode::Raw => RAW_ID_FIELDS,
    };
    for name in names {
        let v = match mode {
            Mode::Target => row.get(name),
            Mode::Raw => row.first(name),
        };
        if let Some(v) = v.filter(|v| !v.is_null()) {
            fields.insert((*name).to_string(), v.to_json());
        }
    }
    EventRef {
        index: e.index,
        file: e.file.to_string(),
        line: e.line,
        name: e
            .view()
            .get("_name")
            .and_then(Val::as_str)
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
        s.alerts += r.alert_count;
        s.remaining += r.remaining_count;
        s.suppressed += r.alert_count - r.remaining_count;
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
