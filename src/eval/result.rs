//! What an evaluation finds, as data: the JSON report is this, serialised (schema
//! `sigma-kql/eval/2`, documented in the README); the text and Markdown reports render it.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::Mode;
use super::input::InputError;

/// The JSON schema name and version of [`Report`].
pub const SCHEMA: &str = "sigma-kql/eval/2";

/// A whole evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// The mode the rules ran in.
    pub mode: Mode,
    /// Why that mode (given, or detected from the events).
    pub mode_reason: String,
    /// The pipeline (target mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pipeline: Option<String>,
    /// The events read.
    pub events: EventsSummary,
    /// One entry per rule condition, in input order.
    pub rules: Vec<RuleReport>,
    /// Totals.
    pub summary: Summary,
}

/// The events read.
#[derive(Debug, Clone, Serialize)]
pub struct EventsSummary {
    /// How many.
    pub count: usize,
    /// Per file: its path, layout and event count.
    pub files: Vec<EventFileSummary>,
    /// Lines or values that could not be read (the rest was read).
    pub errors: Vec<InputError>,
    /// Raw mode: events with neither `Channel` nor `EventID`, evaluated for every rule.
    pub unplaced: usize,
}

/// One events file.
#[derive(Debug, Clone, Serialize)]
pub struct EventFileSummary {
    /// The path.
    pub path: String,
    /// The layout read (`array`, `object`, `lines`, `concatenated`).
    pub format: &'static str,
    /// Events read from it.
    pub events: usize,
}

/// An evaluated, skipped or failed rule condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Evaluated on the events that fit its log source.
    Evaluated,
    /// No event fits its log source (see the note).
    Skipped,
    /// It cannot run in this mode (see the note).
    Failed,
}

/// One rule condition's results.
#[derive(Debug, Clone, Serialize)]
pub struct RuleReport {
    /// The rule's file.
    pub path: String,
    /// The rule's id.
    pub id: Option<String>,
    /// The rule's title.
    pub title: String,
    /// Which condition (1-based; most rules have one).
    pub condition: usize,
    /// Evaluated, skipped or failed.
    pub status: Status,
    /// Why it was skipped or failed, or what to know about its log source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The table (target mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// The KQL whose rows this evaluation previews (target mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// What the conversion left out or found (mapping warnings).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Events of the rule's log source.
    pub considered: usize,
    /// How many events the rule alerts on, before exclusions.
    pub alert_count: usize,
    /// Those events, in input order (the first `--list-limit` of them).
    pub alerts: Vec<EventRef>,
    /// Each exclusion that applies to the rule.
    pub exclusions: Vec<ExclusionReport>,
    /// How many alerts no exclusion suppresses: what the query returns.
    pub remaining_count: usize,
    /// Those alerts (the first `--list-limit` of them).
    pub remaining: Vec<EventRef>,
    /// Against the events' expected labels, when any event has one for this rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<RuleLabels>,
}

/// What one exclusion does to a rule's alerts.
#[derive(Debug, Clone, Serialize)]
pub struct ExclusionReport {
    /// The scenario's name.
    pub name: String,
    /// Events of the rule's log source its filter matches, alerts or not.
    pub matched: usize,
    /// How many of the rule's alerts it suppresses.
    pub suppressed_count: usize,
    /// Those alerts (the first `--list-limit` of them).
    pub suppressed: Vec<EventRef>,
    /// What a reviewer should look at.
    pub warnings: Vec<ExclusionWarning>,
    /// Suppressed alerts labelled `alert`: true positives it would hide.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub true_positives_lost: Option<Vec<EventRef>>,
    /// Suppressed alerts labelled `benign`: the false positives it removes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub false_positives_removed: Option<Vec<EventRef>>,
    /// With labels: the verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

/// A warning about an exclusion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExclusionWarning {
    /// The kind: `suppresses-all`, `suppresses-none`, `matches-only-non-alerts`,
    /// `field-absent`, `not-applied`.
    pub kind: &'static str,
    /// What it means here.
    pub message: String,
}

/// An exclusion's verdict against the labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// It suppresses true positives.
    HidesTruePositives,
    /// It removes false positives and hides no true positive.
    Safe,
    /// It suppresses nothing.
    NoEffect,
    /// It suppresses alerts that carry no label.
    Unproven,
}

impl Verdict {
    /// The verdict's name.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::HidesTruePositives => "hides-true-positives",
            Verdict::Safe => "safe",
            Verdict::NoEffect => "no-effect",
            Verdict::Unproven => "unproven",
        }
    }
}

/// A rule's alerts against the labels.
#[derive(Debug, Clone, Serialize)]
pub struct RuleLabels {
    /// Events of the rule's log source with a label for it.
    pub labelled: usize,
    /// Labelled `alert` and alerted on (before exclusions).
    pub true_positives: usize,
    /// Labelled `benign` and alerted on (before exclusions).
    pub false_positives: usize,
    /// Labelled `alert` but the rule does not alert.
    pub missed: Vec<EventRef>,
    /// Labelled `alert`, alerted on, and suppressed by an exclusion.
    pub true_positives_lost: Vec<EventRef>,
    /// Labelled `benign`, alerted on, and suppressed by an exclusion.
    pub false_positives_removed: Vec<EventRef>,
    /// Labelled `benign` and still alerting after the exclusions.
    pub false_positives_remaining: Vec<EventRef>,
}

/// An expected label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Label {
    /// The rule should alert.
    Alert,
    /// The rule should not alert.
    Benign,
}

/// An event in a report: where it is and what identifies it.
#[derive(Debug, Clone, Serialize)]
pub struct EventRef {
    /// 0-based position among all events read.
    pub index: usize,
    /// Its file.
    pub file: String,
    /// Its 1-based line.
    pub line: usize,
    /// Its `_name`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its label for the rule, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect: Option<Label>,
    /// Identifying fields present in the event (DeviceName, Timestamp, ReportId, FileName;
    /// raw: Computer, UtcTime, EventRecordID, EventID, Image).
    pub fields: IndexMap<String, Value>,
}

/// Totals over all rules.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Rule conditions seen.
    pub rules: usize,
    /// Evaluated.
    pub evaluated: usize,
    /// Skipped (no event of their log source).
    pub skipped: usize,
    /// Failed (cannot run in this mode).
    pub failed: usize,
    /// Alerts before exclusions.
    pub alerts: usize,
    /// Alerts suppressed by at least one exclusion.
    pub suppressed: usize,
    /// Alerts left.
    pub remaining: usize,
    /// Labelled true positives suppressed by an exclusion.
    pub true_positives_lost: usize,
    /// Labelled false positives suppressed by an exclusion.
    pub false_positives_removed: usize,
    /// Labelled false positives still alerting.
    pub false_positives_remaining: usize,
    /// Labelled alerts the rules do not alert on.
    pub missed: usize,
    /// Exclusion warnings.
    pub exclusion_warnings: usize,
}
