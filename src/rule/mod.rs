//! The Sigma document model: detection rules, correlation rules and filters (Sigma v2.1), and
//! the loader that reads them from YAML with diagnostics.

pub mod correlation;
pub mod detection;
pub mod filter;
pub mod load;
mod meta;
pub mod modifier;
pub mod value;

use indexmap::IndexMap;

pub use correlation::Correlation;
pub use detection::Detection;
pub use filter::Filter;
pub use load::{LoadedDocument, LoadedFile, load_file, load_source};
pub use meta::is_uuid;
pub(crate) use meta::scalar_string as meta_string;

use crate::ir::Expr;

/// A Sigma rule's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Stable.
    Stable,
    /// Test.
    Test,
    /// Experimental.
    Experimental,
    /// Deprecated.
    Deprecated,
    /// Unsupported.
    Unsupported,
}

impl Status {
    /// Parses a status name.
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "stable" => Status::Stable,
            "test" => Status::Test,
            "experimental" => Status::Experimental,
            "deprecated" => Status::Deprecated,
            "unsupported" => Status::Unsupported,
            _ => return None,
        })
    }

    /// The status's name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Stable => "stable",
            Status::Test => "test",
            Status::Experimental => "experimental",
            Status::Deprecated => "deprecated",
            Status::Unsupported => "unsupported",
        }
    }
}

/// A Sigma rule's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Informational.
    Informational,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Level {
    /// Parses a level name.
    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "informational" => Level::Informational,
            "low" => Level::Low,
            "medium" => Level::Medium,
            "high" => Level::High,
            "critical" => Level::Critical,
            _ => return None,
        })
    }

    /// The level's name.
    pub fn name(self) -> &'static str {
        match self {
            Level::Informational => "informational",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }
}

/// Where a rule's events come from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct LogSource {
    /// E.g. `process_creation`.
    pub category: Option<String>,
    /// E.g. `windows`.
    pub product: Option<String>,
    /// E.g. `security`.
    pub service: Option<String>,
    /// Free text for humans; not evaluated.
    pub definition: Option<String>,
    /// Other keys, kept in order.
    pub custom: Vec<(String, String)>,
}

impl LogSource {
    /// Whether every one of `self`'s category, product and service is unset or equal to
    /// `other`'s (pySigma's rule for which rules a filter applies to).
    pub fn contains(&self, other: &LogSource) -> bool {
        let covers = |mine: &Option<String>, theirs: &Option<String>| match mine {
            None => true,
            Some(m) => theirs.as_deref() == Some(m.as_str()),
        };
        covers(&self.category, &other.category)
            && covers(&self.product, &other.product)
            && covers(&self.service, &other.service)
    }
}

/// How a rule relates to another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The other rule's id.
    pub id: String,
    /// derived, obsolete, merged, renamed or similar.
    pub kind: String,
}

/// The metadata fields a detection rule shares with correlations and filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    /// Title (required).
    pub title: String,
    /// Id (a UUID).
    pub id: Option<String>,
    /// Unique name, usable instead of the id in correlations and filters.
    pub name: Option<String>,
    /// Status.
    pub status: Option<Status>,
    /// Description.
    pub description: Option<String>,
    /// References.
    pub references: Vec<String>,
    /// Author.
    pub author: Option<String>,
    /// Creation date (YYYY-MM-DD as written).
    pub date: Option<String>,
    /// Last modification date (YYYY-MM-DD as written).
    pub modified: Option<String>,
    /// Level.
    pub level: Option<Level>,
    /// Tags, e.g. `attack.t1219`.
    pub tags: Vec<String>,
    /// Known false positives.
    pub falsepositives: Vec<String>,
    /// Related rules.
    pub related: Vec<Related>,
    /// Taxonomy (`sigma` when unset).
    pub taxonomy: Option<String>,
    /// Licence (SPDX).
    pub license: Option<String>,
    /// Keys outside the specification, kept in order.
    pub custom: IndexMap<String, serde_yaml::Value>,
}

/// One lowered condition of a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The condition as written.
    pub text: String,
    /// Its meaning.
    pub expr: Expr,
}

/// A Sigma detection rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// Title, id, status, tags and the other metadata.
    pub meta: Meta,
    /// Where the events come from.
    pub logsource: LogSource,
    /// The detection as written (selections with their modifiers and values).
    pub detection: Detection,
    /// `fields`: fields of interest.
    pub fields: Vec<String>,
    /// `scope`.
    pub scope: Vec<String>,
    /// One IR per condition (a list of conditions gives several).
    pub conditions: Vec<Condition>,
}

/// A document of a Sigma file.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    /// A detection rule.
    Rule(std::sync::Arc<Rule>),
    /// A correlation rule.
    Correlation(Correlation),
    /// A filter (meta-filter) document.
    Filter(Filter),
}

impl Document {
    /// The document's metadata.
    pub fn meta(&self) -> &Meta {
        match self {
            Document::Rule(r) => &r.meta,
            Document::Correlation(c) => &c.meta,
            Document::Filter(f) => &f.meta,
        }
    }

    /// `rule`, `correlation` or `filter`.
    pub fn kind(&self) -> DocumentKind {
        match self {
            Document::Rule(_) => DocumentKind::Rule,
            Document::Correlation(_) => DocumentKind::Correlation,
            Document::Filter(_) => DocumentKind::Filter,
        }
    }
}

/// What kind of Sigma document a YAML document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    /// A detection rule.
    Rule,
    /// A correlation rule (`correlation:`).
    Correlation,
    /// A filter (`filter:`).
    Filter,
}
