//! Diagnostics: each problem found in a rule file, where it was found, and what to do about it.
//!
//! A [`Problem`] is the typed reason (its [`Problem::code`] is a stable kebab-case name used in
//! JSON output and in counts); a [`Diagnostic`] adds the place: file, line and column where the
//! place could be found, the YAML key path, and an excerpt with a caret under the exact span
//! (a condition's span, a key, or the column a YAML error names).

use std::fmt::{self, Write as _};

use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document cannot be used as written.
    Error,
    /// The document works, but something in it is likely a mistake.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// Every kind of problem the loader and the lowering can report.
///
/// The `Display` text is the one-line message; [`Problem::hint`] says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The file could not be read.
    #[error("cannot read file: {reason}")]
    Io {
        /// The operating system's reason.
        reason: String,
    },
    /// The file is larger than the loader accepts.
    #[error("file is {size} bytes, more than the {limit}-byte limit for a rule file")]
    TooLarge {
        /// Size of the input in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The YAML itself is malformed.
    #[error("invalid YAML: {message}")]
    YamlSyntax {
        /// The YAML parser's message (without its position, which the diagnostic carries).
        message: String,
    },
    /// The file holds no YAML document at all.
    #[error("the file holds no Sigma document")]
    EmptyFile,
    /// More problems than a document's diagnostics show.
    #[error("{errors} more errors and {warnings} more warnings in this document are not shown")]
    MoreProblems {
        /// Errors not shown.
        errors: usize,
        /// Warnings not shown.
        warnings: usize,
    },
    /// A YAML document is not a mapping of keys to values.
    #[error("a Sigma document must be a YAML mapping, found {found}")]
    NotAMapping {
        /// What the document is instead.
        found: &'static str,
    },
    /// A key the Sigma specification requires is absent.
    #[error("missing required key `{key}`")]
    MissingKey {
        /// The missing key (a dotted path below the document).
        key: String,
    },
    /// A key holds a value of the wrong YAML type.
    #[error("`{key}` must be {expected}, found {found}")]
    WrongType {
        /// The key's name.
        key: String,
        /// What the specification expects.
        expected: &'static str,
        /// What the file holds.
        found: &'static str,
    },
    /// A Sigma v1 rule collection (`action: global|reset|repeat`).
    #[error("Sigma v1 rule collections (`action: {action}`) are not part of Sigma v2")]
    ObsoleteCollection {
        /// The `action` value.
        action: String,
    },
    /// A document after a v1 `action: global` document: part of the same collection.
    #[error("this document continues the Sigma v1 rule collection begun in document {first}")]
    CollectionPart {
        /// 1-based number of the document with `action: global`.
        first: usize,
    },
    /// A v1 detection key that has no meaning in v2 (`timeframe`).
    #[error("`detection.{key}` is obsolete Sigma v1 syntax")]
    ObsoleteKey {
        /// The key.
        key: String,
    },
    /// A modifier name that does not exist.
    #[error("unknown modifier `{name}`")]
    UnknownModifier {
        /// The modifier as written.
        name: String,
        /// The closest valid modifier, if one is close.
        suggestion: Option<&'static str>,
    },
    /// A modifier used where the specification does not allow it.
    #[error("modifier `{modifier}` {reason}")]
    MisplacedModifier {
        /// The modifier as written.
        modifier: String,
        /// Why it is not allowed here.
        reason: String,
    },
    /// A value that the modifiers cannot accept (wrong type, bad CIDR, regex that does not compile…).
    #[error("invalid value {value}: {reason}")]
    InvalidValue {
        /// The value, quoted as in the file.
        value: String,
        /// Why it is invalid.
        reason: String,
    },
    /// `null` inside a list of values.
    #[error("`null` must not be inside a list of values")]
    NullInList,
    /// A detection definition with a shape the specification does not define.
    #[error("detection `{identifier}` {reason}")]
    BadDetection {
        /// The identifier.
        identifier: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The condition does not parse.
    #[error("condition syntax: {message}")]
    ConditionSyntax {
        /// What was expected at the span.
        message: String,
    },
    /// The condition uses the v1 aggregation pipe or `near`.
    #[error("`{construct}` in a condition is obsolete Sigma v1 syntax")]
    ObsoleteAggregation {
        /// `| count()` or `near` as found.
        construct: String,
    },
    /// The condition names an identifier the detection does not define.
    #[error("condition refers to `{name}`, which the detection does not define")]
    UndefinedIdentifier {
        /// The identifier.
        name: String,
        /// Defined identifiers, for the hint.
        defined: Vec<String>,
    },
    /// `1 of pattern` / `all of pattern` matches no identifier.
    #[error("`{pattern}` matches no detection identifier")]
    PatternMatchesNothing {
        /// The pattern (or `them`).
        pattern: String,
    },
    /// The condition is too long or nested too deeply to be a real rule.
    #[error("condition is {what}, above the limit of {limit}")]
    ConditionTooComplex {
        /// What is too big.
        what: String,
        /// The limit.
        limit: usize,
    },
    /// An exclusion filter does not parse.
    #[error("exclusion filter syntax: {message}")]
    ExclusionSyntax {
        /// What was expected at the span.
        message: String,
    },
    /// A scenario lacks what it needs (a filter), or the file is not a scenario file.
    #[error("{0}")]
    BadScenario(String),
    /// An exclusion cannot be put onto the rule's table (a field without a column …).
    #[error("exclusion cannot apply to {rule}: {reason}")]
    ExclusionUnmapped {
        /// The rule.
        rule: String,
        /// Why.
        reason: String,
    },
    /// A lint finding about an exclusion and a rule.
    #[error("{finding}")]
    ExclusionLint {
        /// The kind of finding (`never-matches`, `always-true`, `impossible-value`,
        /// `swallows-rule`, `swallows-part`, `no-rule`).
        kind: &'static str,
        /// The finding, in plain words.
        finding: String,
    },
    /// A correlation or filter document is malformed.
    #[error("{0}")]
    BadCorrelation(String),
    /// A filter document is malformed.
    #[error("{0}")]
    BadFilter(String),

    // ---- warnings ----
    /// `id` is not a UUID.
    #[error("`{key}` is not a UUID: {value:?}")]
    BadId {
        /// `id` or `related[n].id`.
        key: String,
        /// The value.
        value: String,
    },
    /// `level` is not one of the five levels.
    #[error("unknown level {value:?}")]
    UnknownLevel {
        /// The value.
        value: String,
    },
    /// `status` is not one of the known statuses.
    #[error("unknown status {value:?}")]
    UnknownStatus {
        /// The value.
        value: String,
    },
    /// `date` or `modified` is not `YYYY-MM-DD`.
    #[error("`{key}` is not a YYYY-MM-DD date: {value:?}")]
    BadDate {
        /// `date` or `modified`.
        key: String,
        /// The value.
        value: String,
    },
    /// A tag does not have the `namespace.name` form the specification requires.
    #[error(
        "tag {value:?} is not of the form `namespace.name` (lowercase letters, digits, `_`, `-`, `.`)"
    )]
    BadTag {
        /// The tag.
        value: String,
    },
    /// `related[n].type` is not a known relation.
    #[error("unknown relation type {value:?}")]
    BadRelatedType {
        /// The value.
        value: String,
    },
    /// A text field is longer than the specification allows.
    #[error("`{key}` is {len} characters long, more than the {limit} the specification allows")]
    TooLong {
        /// The key.
        key: String,
        /// Its length in characters.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// A metadata key holds a value of an unexpected type; it is ignored.
    #[error("`{key}` should be {expected}, found {found}; it is ignored")]
    IgnoredMetadata {
        /// The key.
        key: String,
        /// What the specification expects.
        expected: &'static str,
        /// What the file holds.
        found: &'static str,
    },
    /// A logsource value that is not lowercase `a-z0-9_.-`.
    #[error("logsource `{key}` value {value:?} is not lowercase with `_` for spaces")]
    LogsourceCase {
        /// The logsource key.
        key: String,
        /// The value.
        value: String,
    },
    /// A detection identifier that no condition uses.
    #[error("detection `{identifier}` is defined but no condition uses it")]
    UnusedIdentifier {
        /// The identifier.
        identifier: String,
    },
    /// `|all` on a single value has no effect.
    #[error("`|all` on a single value has no effect")]
    AllOnSingleValue,
    /// Two documents in the batch share an id.
    #[error("id {id} is also used by {other}")]
    DuplicateId {
        /// The id.
        id: String,
        /// Where the first use is (file and title).
        other: String,
    },
}

impl Problem {
    /// A stable kebab-case name for the problem's kind, used in JSON output and counts.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Io { .. } => "io",
            Problem::TooLarge { .. } => "too-large",
            Problem::YamlSyntax { .. } => "yaml-syntax",
            Problem::EmptyFile => "empty-file",
            Problem::MoreProblems { .. } => "more-problems",
            Problem::NotAMapping { .. } => "not-a-mapping",
            Problem::MissingKey { .. } => "missing-key",
            Problem::WrongType { .. } => "wrong-type",
            Problem::ObsoleteCollection { .. } | Problem::CollectionPart { .. } => {
                "obsolete-collection"
            }
            Problem::ObsoleteKey { .. } => "obsolete-key",
            Problem::UnknownModifier { .. } => "unknown-modifier",
            Problem::MisplacedModifier { .. } => "misplaced-modifier",
            Problem::InvalidValue { .. } => "invalid-value",
            Problem::NullInList => "null-in-list",
            Problem::BadDetection { .. } => "bad-detection",
            Problem::ConditionSyntax { .. } => "condition-syntax",
            Problem::ObsoleteAggregation { .. } => "obsolete-aggregation",
            Problem::UndefinedIdentifier { .. } => "undefined-identifier",
            Problem::PatternMatchesNothing { .. } => "pattern-matches-nothing",
            Problem::ConditionTooComplex { .. } => "condition-too-complex",
            Problem::BadCorrelation(_) => "bad-correlation",
            Problem::ExclusionSyntax { .. } => "exclusion-syntax",
            Problem::BadScenario(_) => "bad-scenario",
            Problem::ExclusionUnmapped { .. } => "exclusion-unmapped",
            Problem::ExclusionLint { kind, .. } => kind,
            Problem::BadFilter(_) => "bad-filter",
            Problem::BadId { .. } => "bad-id",
            Problem::UnknownLevel { .. } => "unknown-level",
            Problem::UnknownStatus { .. } => "unknown-status",
            Problem::BadDate { .. } => "bad-date",
            Problem::BadTag { .. } => "bad-tag",
            Problem::BadRelatedType { .. } => "bad-related-type",
            Problem::TooLong { .. } => "too-long",
            Problem::IgnoredMetadata { .. } => "ignored-metadata",
            Problem::LogsourceCase { .. } => "logsource-case",
            Problem::UnusedIdentifier { .. } => "unused-identifier",
            Problem::AllOnSingleValue => "all-on-single-value",
            Problem::DuplicateId { .. } => "duplicate-id",
        }
    }

    /// Whether the problem makes the document unusable.
    pub fn severity(&self) -> Severity {
        match self {
            Problem::MoreProblems { errors: 0, .. } => Severity::Warning,
            Problem::BadId { .. }
            | Problem::UnknownLevel { .. }
            | Problem::UnknownStatus { .. }
            | Problem::BadDate { .. }
            | Problem::BadTag { .. }
            | Problem::BadRelatedType { .. }
            | Problem::TooLong { .. }
            | Problem::IgnoredMetadata { .. }
            | Problem::LogsourceCase { .. }
            | Problem::UnusedIdentifier { .. }
            | Problem::AllOnSingleValue
            | Problem::DuplicateId { .. }
            | Problem::ExclusionLint { .. } => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// What to do about the problem.
    pub fn hint(&self) -> String {
        match self {
            Problem::Io { .. } => "check the path and its permissions".to_string(),
            Problem::TooLarge { .. } => "a Sigma rule file is a few kilobytes; split the file or check that it is a rule".into(),
            Problem::YamlSyntax { .. } => "fix the YAML at the position shown (indentation, quoting, a stray `:`)".into(),
            Problem::EmptyFile => "a Sigma file holds at least one rule (`title`, `logsource`, `detection`)".into(),
            Problem::MoreProblems { .. } => "fix the problems shown and check again".into(),
            Problem::NotAMapping { .. } => "a rule starts with keys such as `title:`, `logsource:` and `detection:`; a list of exclusion scenarios (`name:`, `filter:`) is read with `--exclusions FILE`".into(),
            Problem::MissingKey { key } => match key.as_str() {
                k if k.ends_with(".condition") => format!(
                    "add `condition:` under `{}`, e.g. `condition: selection`",
                    k.trim_end_matches(".condition")
                ),
                k => format!("add `{k}:`; the Sigma specification requires it"),
            },
            Problem::WrongType { expected, .. } => format!("write it as {expected}"),
            Problem::ObsoleteCollection { .. } | Problem::CollectionPart { .. } => {
                "merge the documents into stand-alone rules (one rule per YAML document)".into()
            }
            Problem::ObsoleteKey { .. } => {
                "remove it; time windows belong to a correlation rule (`correlation:` with `timespan:`)".into()
            }
            Problem::UnknownModifier { suggestion, .. } => {
                let valid = crate::rule::modifier::names().join(", ");
                match suggestion {
                    Some(s) => format!("did you mean `{s}`? valid modifiers: {valid}"),
                    None => format!("valid modifiers: {valid}"),
                }
            }
            Problem::MisplacedModifier { .. } => {
                "modifiers apply left to right; see the modifier table in the README".into()
            }
            Problem::InvalidValue { .. } => "fix the value or the modifiers applied to it".into(),
            Problem::NullInList => "write `null` as its own selection (e.g. `filter_null: {Field: null}`) and combine it in the condition".into(),
            Problem::BadDetection { .. } => {
                "a detection is a map of `field|modifiers: value(s)`, a list of such maps, or a list of keywords".into()
            }
            Problem::ConditionSyntax { .. } => {
                "conditions combine identifiers with `and`, `or`, `not`, parentheses, `1 of x*`, `all of x*`, `them`".into()
            }
            Problem::ObsoleteAggregation { .. } => {
                "write the aggregation as a correlation rule (`correlation:` with `type`, `group-by`, `timespan`, `condition`)".into()
            }
            Problem::UndefinedIdentifier { defined, .. } => {
                if defined.is_empty() {
                    "define it under `detection`".into()
                } else {
                    format!("defined identifiers: {}", defined.join(", "))
                }
            }
            Problem::PatternMatchesNothing { .. } => {
                "check the pattern against the identifiers under `detection` (`them` skips those starting with `_`)".into()
            }
            Problem::ConditionTooComplex { .. } => "simplify the condition".into(),
            Problem::BadCorrelation(_) => "see the Sigma correlation specification (type, rules, group-by, timespan, condition)".into(),
            Problem::ExclusionSyntax { .. } => "filters combine `field OP value` with and/or/not; strings are \"…\" (backslashes doubled) or @\"…\" (verbatim); see the README".into(),
            Problem::BadScenario(_) => "a scenario has a name, a description, a filter, and optionally the rule (id or title) it applies to".into(),
            Problem::ExclusionUnmapped { .. } => "use a field of the rule's table (an ECS, Sigma or column name the pipeline maps)".into(),
            Problem::ExclusionLint { kind, .. } => match *kind {
                "always-true" => "the exclusion would suppress every alert of the rule: rewrite it to name what is legitimate".into(),
                "never-matches" => "the exclusion suppresses nothing: write the values as Defender records them (file names with their extension, without a folder)".into(),
                "impossible-value" => "write the value as Defender records it (file names with their extension, without a folder)".into(),
                "no-rule" => "check the scenario's `rule:` (an id, name or title), or check the rule's file too".into(),
                _ => "check that the exclusion does not hide the activity the rule is written to catch".into(),
            },
            Problem::BadFilter(_) => "a filter has `logsource` and `filter:` with `rules`, selections and a `condition`".into(),
            Problem::BadId { .. } => "use a UUID, e.g. from `uuidgen`".into(),
            Problem::UnknownLevel { .. } => "use informational, low, medium, high or critical".into(),
            Problem::UnknownStatus { .. } => "use stable, test, experimental, deprecated or unsupported".into(),
            Problem::BadDate { .. } => "write dates as YYYY-MM-DD, e.g. 2025-08-02".into(),
            Problem::BadTag { .. } => "e.g. `attack.t1219`, `attack.command-and-control`, `cve.2021-44228`".into(),
            Problem::BadRelatedType { .. } => "use derived, obsolete, merged, renamed or similar".into(),
            Problem::TooLong { .. } => "shorten it".into(),
            Problem::IgnoredMetadata { expected, .. } => format!("write it as {expected}"),
            Problem::LogsourceCase { .. } => "logsource values are lowercase, e.g. `process_creation`".into(),
            Problem::UnusedIdentifier { .. } => "use it in the condition or remove it".into(),
            Problem::AllOnSingleValue => "remove `|all`, or list the values that must all match".into(),
            Problem::DuplicateId { .. } => "give each rule its own id".into(),
        }
    }
}

/// A line of source (or a condition or exclusion text) with a caret range to underline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Excerpt {
    /// 1-based line number of `text` in the file, when it is a line of the file.
    pub line: Option<usize>,
    /// The text shown.
    pub text: String,
    /// Character offset of the caret start in `text`.
    pub start: usize,
    /// Number of characters underlined (at least 1).
    pub len: usize,
}

impl Excerpt {
    /// The widest excerpt shown, in characters; longer lines are cut around the caret.
    pub const MAX_WIDTH: usize = 120;

    /// An excerpt of `text` with a caret at character `start`, `len` characters wide. A long
    /// text is shortened to a window around the caret, with `…` where it was cut.
    pub fn new(line: Option<usize>, text: &str, start: usize, len: usize) -> Excerpt {
        let chars: Vec<char> = text.chars().collect();
        let len = len.clamp(1, Self::MAX_WIDTH / 2);
        if chars.len() <= Self::MAX_WIDTH {
            return Excerpt {
                line,
                text: text.to_string(),
                start,
                len,
            };
        }
        let from = start.saturating_sub(Self::MAX_WIDTH / 3).min(chars.len());
        let to = (from + Self::MAX_WIDTH).min(chars.len());
        let mut shown: String = chars[from..to].iter().collect();
        let mut caret = start - from;
        if from > 0 {
            shown.insert(0, '…');
            caret += 1;
        }
        if to < chars.len() {
            shown.push('…');
        }
        Excerpt {
            line,
            text: shown,
            start: caret,
            len,
        }
    }
}

/// One problem with its place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable kind name (see [`Problem::code`]).
    pub code: &'static str,
    /// The typed problem.
    #[serde(skip)]
    pub problem: Problem,
    /// One-line message.
    pub message: String,
    /// The file (or `<stdin>`).
    pub file: String,
    /// 1-based line, where it could be found.
    pub line: Option<usize>,
    /// 1-based column, where it could be found.
    pub column: Option<usize>,
    /// The YAML key path, e.g. `detection.selection.Image|endswith`.
    pub key_path: Option<String>,
    /// Byte span inside the condition or exclusion text, when the problem is inside one.
    pub span: Option<(usize, usize)>,
    /// Title (or id) of the document the problem belongs to.
    pub rule: Option<String>,
    /// What to do.
    pub hint: String,
    /// The source line with a caret under the place.
    #[serde(skip)]
    pub excerpt: Option<Excerpt>,
}

impl Diagnostic {
    /// A diagnostic for `problem` in `file`, with no position yet.
    pub fn new(problem: Problem, file: impl Into<String>) -> Self {
        Diagnostic {
            severity: problem.severity(),
            code: problem.code(),
            message: problem.to_string(),
            hint: problem.hint(),
            problem,
            file: file.into(),
            line: None,
            column: None,
            key_path: None,
            span: None,
            rule: None,
            excerpt: None,
        }
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders the diagnostic in the style of rustc: headline, `-->` place, excerpt with caret, help.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}[{}]: {}", self.severity, self.code, self.message);
        let mut place = self.file.clone();
        if let Some(line) = self.line {
            let _ = write!(place, ":{line}");
            if let Some(col) = self.column {
                let _ = write!(place, ":{col}");
            }
        }
        let gutter = self
            .excerpt
            .as_ref()
            .and_then(|e| e.line)
            .map(|l| l.to_string().len())
            .unwrap_or(1);
        let pad = " ".repeat(gutter);
        let _ = writeln!(out, "{pad}--> {place}");
        if let Some(path) = &self.key_path {
            let _ = writeln!(out, "{pad} = at: {path}");
        }
        if let Some(rule) = &self.rule {
            let _ = writeln!(out, "{pad} = in: {rule}");
        }
        if let Some(ex) = &self.excerpt {
            let num = ex.line.map(|l| l.to_string()).unwrap_or_default();
            let shown = visible(&ex.text);
            let _ = writeln!(out, "{pad} |");
            let _ = writeln!(out, "{num:>gutter$} | {shown}");
            let lead: String = ex
                .text
                .chars()
                .take(ex.start)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(out, "{pad} | {lead}{}", "^".repeat(ex.len.max(1)));
        }
        let _ = writeln!(out, "{pad} = help: {}", self.hint);
        out
    }
}

/// Replaces control characters so an excerpt stays on one line.
fn visible(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Counts of diagnostics by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
}

impl Counts {
    /// Counts the diagnostics in `diags`.
    pub fn of<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>) -> Self {
        let mut c = Counts::default();
        for d in diags {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
            }
        }
        c
    }
}
