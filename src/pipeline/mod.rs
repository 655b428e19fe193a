//! Pipelines: data that puts a rule onto a target's tables.
//!
//! A pipeline is a YAML file (the built-in ones are embedded from `data/`): routes from a
//! rule's logsource to a table and an implicit event-type filter, field sets mapping Sigma
//! field names to columns (or to a typed JSON path inside a column, or to a path joined from
//! two columns), with a reason on every row, and the value transforms some columns need.
//! [`Pipeline::map`] rewrites a rule's IR over the table's columns: the result
//! ([`MappedQuery`]) is what the KQL backend renders and the evaluator (target mode) runs.

pub mod schema;
mod transform;

use std::collections::BTreeSet;
use std::fmt;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::ir::{Case, CmpOp, Expr, FieldPred, Op, StrMatch, TextOp};
use crate::rule::{LogSource, Rule};
pub use schema::{ColumnType, Schema, Table};
pub use transform::Transform;

/// The built-in pipelines, by name.
const BUILTIN: &[(&str, &str)] = &[("microsoft_xdr", include_str!("data/microsoft_xdr.yml"))];

/// The names of the built-in pipelines.
pub fn builtin_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

/// Why a rule cannot be put onto the target, by category (counted in `convert`'s summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The rule itself has errors (see `check`).
    RuleError,
    /// The target does not record the rule's log source.
    UnsupportedLogsource,
    /// A field has no column of the same meaning.
    UnmappedField,
    /// A value cannot be expressed on the column it maps to.
    UnsupportedValue,
    /// A construct the target language cannot express faithfully.
    UnsupportedConstruct,
    /// A `%placeholder%` without a value.
    UnresolvedPlaceholder,
    /// The query is too long for the target.
    TooLong,
}

impl Reason {
    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Reason::RuleError => "rule-error",
            Reason::UnsupportedLogsource => "unsupported-logsource",
            Reason::UnmappedField => "unmapped-field",
            Reason::UnsupportedValue => "unsupported-value",
            Reason::UnsupportedConstruct => "unsupported-construct",
            Reason::UnresolvedPlaceholder => "unresolved-placeholder",
            Reason::TooLong => "too-long",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A rule that cannot be converted, with the reason category and a message that says what
/// and, where it helps, what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ConvertError {
    /// The category.
    pub reason: Reason,
    /// What is wrong.
    pub message: String,
    /// The field the error is about, when it is about one (to point at it in an exclusion).
    pub field: Option<String>,
    /// Where the error is when it is not in the rule: `file:line:column` of an exclusion.
    pub at: Option<String>,
}

impl ConvertError {
    /// An error of `reason` with `message`.
    pub fn new(reason: Reason, message: impl Into<String>) -> Self {
        ConvertError {
            reason,
            message: message.into(),
            field: None,
            at: None,
        }
    }

    /// The same error, about `field`.
    pub fn about(mut self, field: &str) -> Self {
        self.field = Some(field.to_string());
        self
    }
}

/// A field that is not a plain column: both consumers compute it the same way.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Derived {
    /// A key inside a JSON column (`tostring(parse_json(AdditionalFields).PipeName)`).
    Json {
        /// The column holding JSON.
        column: String,
        /// The key path inside it.
        path: Vec<String>,
    },
    /// A Windows path joined from two columns: `parent\child`, or whichever is not empty
    /// (a registry key and a value name; a domain and a user).
    Join {
        /// The parent column.
        parent: String,
        /// The child column.
        child: String,
    },
    /// A file's full path from a folder column and a name column: `folder\name`, whichever is
    /// not empty, or `folder` alone when it already ends with `\name` (Defender fills some
    /// folder columns with the full path on some rows).
    FilePath {
        /// The folder column.
        folder: String,
        /// The file-name column.
        name: String,
    },
}

impl Derived {
    /// The table columns the field is computed from.
    pub fn columns(&self) -> Vec<&str> {
        match self {
            Derived::Json { column, .. } => vec![column.as_str()],
            Derived::Join { parent, child } => vec![parent.as_str(), child.as_str()],
            Derived::FilePath { folder, name } => vec![folder.as_str(), name.as_str()],
        }
    }

    /// The name the mapped IR uses for this field.
    pub fn field_name(&self) -> String {
        match self {
            Derived::Json { column, path } => format!("{column}.{}", path.join(".")),
            Derived::Join { parent, child } => format!("{parent}\\{child}"),
            Derived::FilePath { folder, name } => format!("{folder}\\{name}"),
        }
    }
}

/// A rule condition put onto a table: what the KQL backend renders and the evaluator runs.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedQuery {
    /// The table.
    pub table: String,
    /// The schema flavour the table belongs to (`defender`, `sentinel`).
    pub flavour: String,
    /// The implicit event-type filter of the route (e.g. `ActionType == "NamedPipeEvent"`).
    pub filter: Option<Expr>,
    /// The rule's condition over the table's fields.
    pub expr: Expr,
    /// Fields of `filter` and `expr` that are not plain columns, by the name the IR uses.
    pub derived: IndexMap<String, Derived>,
    /// Alternatives of the rule left out because the target never records what they test
    /// (e.g. an import hash): the query matches everything else the rule matches.
    pub warnings: Vec<String>,
    /// Exclusion scenarios: an event that matches one of them is not an alert.
    pub exclusions: Vec<MappedExclusion>,
}

/// An exclusion put onto the rule's table.
#[derive(Debug, Clone, PartialEq)]
pub struct MappedExclusion {
    /// The scenario's name.
    pub name: String,
    /// Its filter over the table's fields.
    pub expr: Expr,
}

impl MappedQuery {
    /// The table's schema.
    pub fn table_schema(&self) -> Option<&'static Table> {
        schema::schema(&self.flavour).and_then(|s| s.table(&self.table))
    }

    /// The table columns the query reads (route filter, condition, exclusions; derived fields
    /// by the columns they are computed from), in first-use order, without repeats.
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let exprs = self
            .filter
            .iter()
            .chain(std::iter::once(&self.expr))
            .chain(self.exclusions.iter().map(|x| &x.expr));
        for e in exprs {
            for f in e.fields() {
                let cols = match self.derived.get(f) {
                    Some(d) => d.columns(),
                    None => vec![f],
                };
                for c in cols {
                    if !out.contains(&c) {
                        out.push(c);
                    }
                }
            }
        }
        out
    }

    /// How the backend and the evaluator see a field's type: derived fields are strings.
    pub fn field_type(&self, field: &str) -> ColumnType {
        self.field_type_in(self.table_schema(), field)
    }

    /// [`MappedQuery::field_type`] with the table's schema already at hand.
    pub fn field_type_in(&self, table: Option<&Table>, field: &str) -> ColumnType {
        if self.derived.contains_key(field) {
            return ColumnType::String;
        }
        table
            .and_then(|t| t.column(field))
            .unwrap_or(ColumnType::String)
    }

    // The decisions below are how a leaf is read; the KQL backend renders them and the
    // evaluator executes them, so both call these and nothing else.

    /// Whether a field can be null in Kusto: typed columns and JSON values can; string
    /// columns and joined paths cannot (a missing string is the empty string).
    pub fn nullable(&self, field: &str) -> bool {
        match self.derived.get(field) {
            Some(Derived::Json { .. }) => true,
            Some(Derived::Join { .. } | Derived::FilePath { .. }) => false,
            None => self.field_type(field).nullable(),
        }
    }

    /// Whether a number in the rule is compared with the field's text (`F == "5"`): on joined
    /// paths, and for equality on plain string columns. Otherwise the field is read as a
    /// number (`tolong`, `todouble`).
    pub fn number_as_text(&self, field: &str, cmp: CmpOp) -> bool {
        match self.derived.get(field) {
            Some(Derived::Join { .. } | Derived::FilePath { .. }) => cmp == CmpOp::Eq,
            Some(Derived::Json { .. }) => false,
            None => self.field_type(field) == ColumnType::String && cmp == CmpOp::Eq,
        }
    }

    /// Whether a boolean in the rule is compared with the field's text (`F =~ "true"`): on
    /// plain string columns. Otherwise the field is read as a boolean (`tobool`).
    pub fn bool_as_text(&self, field: &str) -> bool {
        !self.derived.contains_key(field) && self.field_type(field) == ColumnType::String
    }

    /// Whether `null` / `exists` test the value for null (`isnull`: typed columns) rather than
    /// its text for emptiness (`isempty`: strings, JSON values, joined paths).
    pub fn null_means_isnull(&self, field: &str) -> bool {
        self.nullable(field) && !matches!(self.derived.get(field), Some(Derived::Json { .. }))
    }
}

// ---------------------------------------------------------------------------------------------
// The pipeline file format.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PipelineFile {
    name: String,
    title: String,
    schema: String,
    #[serde(default)]
    field_sets: IndexMap<String, IndexMap<String, FieldRow>>,
    routes: Vec<RouteRow>,
    #[serde(default)]
    unsupported: Vec<UnsupportedRow>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct When {
    product: Option<String>,
    category: Option<String>,
    service: Option<String>,
}

impl When {
    fn matches(&self, ls: &LogSource) -> bool {
        let eq = |want: &Option<String>, have: &Option<String>| match want {
            None => true,
            Some(w) => have.as_deref() == Some(w.as_str()),
        };
        eq(&self.product, &ls.product)
            && eq(&self.category, &ls.category)
            && eq(&self.service, &ls.service)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteRow {
    when: When,
    /// For service log sources: the Windows event ids this route covers.
    #[serde(default)]
    event_ids: Vec<i64>,
    table: String,
    #[serde(default)]
    filter: IndexMap<String, Vec<String>>,
    fields: Vec<String>,
    why: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnsupportedRow {
    when: When,
    why: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldRow {
    column: Option<String>,
    json: Option<String>,
    join: Option<[String; 2]>,
    path: Option<[String; 2]>,
    values: Option<ValuesRow>,
    hashes: Option<IndexMap<String, String>>,
    transform: Option<Transform>,
    why: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ValuesRow {
    column: String,
    map: IndexMap<String, Vec<String>>,
}

// ---------------------------------------------------------------------------------------------
// The compiled pipeline.

/// Where a Sigma field goes.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    /// A column of the table.
    Column(String),
    /// A derived field.
    Derived(Derived),
    /// An enumerated field whose values name values of another column (e.g. Sysmon
    /// `EventType: SetValue` → `ActionType == "RegistryValueSet"`).
    Values {
        /// The column.
        column: String,
        /// Sigma value (compared case-insensitively) → column values.
        map: IndexMap<String, Vec<String>>,
    },
    /// Sysmon's `Hashes` (`ALGO=value,…`) → one column per algorithm.
    Hashes(IndexMap<String, String>),
}

/// One mapping row.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// Where the field goes.
    pub target: Target,
    /// The value transform the column needs.
    pub transform: Option<Transform>,
    /// Why this is the column of the same meaning.
    pub why: String,
}

/// A route: which rules it takes and where they go.
#[derive(Debug, Clone)]
pub struct Route {
    when: When,
    event_ids: BTreeSet<i64>,
    /// The table.
    pub table: &'static Table,
    filter: IndexMap<String, Vec<String>>,
    /// Sigma field → mapping.
    pub fields: IndexMap<String, Mapping>,
    /// Why this table holds the log source's events.
    pub why: String,
}

impl Route {
    /// The route as exclusions see it: a name that is a column of the table is that column,
    /// even where a Sigma field of the same name means something else (`ProcessId` on
    /// DeviceEvents is Sysmon's acting process for a rule, Defender's column for an
    /// exclusion written against Defender's data).
    pub fn for_exclusions(&self) -> Route {
        let mut r = self.clone();
        r.fields.retain(|name, m| {
            self.table.column(name).is_none()
                || matches!((&m.target, m.transform), (Target::Column(c), None) if c == name)
        });
        r
    }

    /// Whether `field` (a mapped name or a column of the table) holds text on this route:
    /// string columns and the fields derived from them (JSON keys, joined paths).
    pub fn is_text(&self, field: &str) -> bool {
        let column = match self.fields.get(field).map(|m| (&m.target, m.transform)) {
            Some((Target::Column(c), None)) => c.as_str(),
            Some((Target::Derived(_), _)) => return true,
            Some(_) => return false,
            None => field,
        };
        self.table.column(column) == Some(ColumnType::String)
    }
}

/// A loaded pipeline.
#[derive(Debug, Clone)]
pub struct Pipeline {
    /// Its name (`microsoft_xdr`).
    pub name: String,
    /// A title for people.
    pub title: String,
    /// The schema flavour its tables belong to.
    pub flavour: String,
    routes: Vec<Route>,
    unsupported: Vec<UnsupportedRow>,
}

/// A problem in a pipeline file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("pipeline {pipeline}: {message}")]
pub struct PipelineError {
    /// The pipeline's name or file.
    pub pipeline: String,
    /// What is wrong, and where in the file.
    pub message: String,
}

impl Pipeline {
    /// A built-in pipeline by name.
    pub fn builtin(name: &str) -> Result<Pipeline, PipelineError> {
        let (_, text) = BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| PipelineError {
                pipeline: name.into(),
                message: format!(
                    "no such built-in pipeline; built-in pipelines: {}",
                    builtin_names().join(", ")
                ),
            })?;
        Pipeline::from_yaml(name, text)
    }

    /// A pipeline from YAML text (`origin` names it in errors).
    pub fn from_yaml(origin: &str, text: &str) -> Result<Pipeline, PipelineError> {
        let err = |message: String| PipelineError {
            pipeline: origin.into(),
            message,
        };
        let file: PipelineFile = serde_yaml::from_str(text).map_err(|e| err(e.to_string()))?;
        let schema = schema::schema(&file.schema).ok_or_else(|| {
            err(format!(
                "unknown schema `{}`; use defender or sentinel",
                file.schema
            ))
        })?;
        let mut routes = Vec::new();
        for (i, r) in file.routes.iter().enumerate() {
            let at = format!("routes[{i}] ({})", r.table);
            let table = schema.table(&r.table).ok_or_else(|| {
                err(format!(
                    "{at}: table `{}` is not in the {} schema",
                    r.table, file.schema
                ))
            })?;
            for col in r.filter.keys() {
                if table.column(col).is_none() {
                    return Err(err(format!(
                        "{at}: filter column `{col}` is not a column of {}",
                        r.table
                    )));
                }
            }
            if r.why.trim().is_empty() {
                return Err(err(format!("{at}: every route needs a `why`")));
            }
            let mut fields = IndexMap::new();
            for set in &r.fields {
                let rows = file
                    .field_sets
                    .get(set)
                    .ok_or_else(|| err(format!("{at}: no field set `{set}`")))?;
                for (sigma, row) in rows {
                    let at = format!("field_sets.{set}.{sigma}");
                    fields.insert(
                        sigma.clone(),
                        compile_row(row, table).map_err(|m| err(format!("{at}: {m}")))?,
                    );
                }
            }
            routes.push(Route {
                when: r.when.clone(),
                event_ids: r.event_ids.iter().copied().collect(),
                table,
                filter: r.filter.clone(),
                fields,
                why: r.why.clone(),
            });
        }
        Ok(Pipeline {
            name: file.name,
            title: file.title,
            flavour: file.schema,
            routes,
            unsupported: file.unsupported,
        })
    }

    /// The routes, in order.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// Puts the condition `expr` of `rule` onto the table its logsource routes to.
    pub fn map(&self, rule: &Rule, expr: &Expr) -> Result<MappedQuery, ConvertError> {
        self.map_with(rule, expr, &[])
    }

    /// Puts the condition `expr` of `rule`, and the exclusion scenarios that apply to it, onto
    /// the table its logsource routes to. An exclusion names its fields as ECS, Sigma or
    /// column names, resolved by the same route.
    pub fn map_with(
        &self,
        rule: &Rule,
        expr: &Expr,
        exclusions: &[&crate::exclusion::Scenario],
    ) -> Result<MappedQuery, ConvertError> {
        let route = self.route(&rule.logsource, expr)?;
        let mut derived = IndexMap::new();
        let mut warnings = Vec::new();
        let mapped = match map_expr(expr, route, &mut derived, &mut warnings)? {
            Mapped::Expr(e) => e,
            Mapped::Never(why) => {
                return Err(ConvertError::new(
                    Reason::UnsupportedValue,
                    format!("the rule can never match on {}: {why}", route.table.name),
                ));
            }
        };
        let filter = route_filter(route);
        let mapped = without_implied(mapped, &route.filter);
        let mut mapped_exclusions = Vec::with_capacity(exclusions.len());
        let exclusion_route = (!exclusions.is_empty()).then(|| route.for_exclusions());
        for s in exclusions {
            let route = exclusion_route.as_ref().unwrap_or(route);
            let in_scenario = |e: ConvertError| {
                let span = e
                    .field
                    .as_deref()
                    .and_then(|f| s.filter.comparison_on(f))
                    .map(|c| c.field_span);
                let at = s
                    .origin
                    .find(span, s.filter_text.len())
                    .map(|p| format!("{}:{}:{}", s.origin.file, p.line, p.column + 1))
                    .or_else(|| Some(s.origin.file.clone()).filter(|f| !f.is_empty()));
                ConvertError {
                    message: format!("exclusion \"{}\": {}", s.name, e.message),
                    at,
                    ..e
                }
            };
            let mut dropped = Vec::new();
            // Lowered again knowing the route's column types: numbers on text keep their text.
            let expr = crate::exclusion::lower_typed(&s.filter, &|f| route.is_text(f));
            match map_expr(&expr, route, &mut derived, &mut dropped).map_err(in_scenario)? {
                Mapped::Expr(e) => mapped_exclusions.push(MappedExclusion {
                    name: s.name.clone(),
                    expr: e,
                }),
                Mapped::Never(why) => warnings.push(format!(
                    "exclusion \"{}\" left out: it can never match on {} ({why})",
                    s.name, route.table.name
                )),
            }
            warnings.extend(
                dropped
                    .into_iter()
                    .map(|w| format!("exclusion \"{}\": {w}", s.name)),
            );
        }
        Ok(MappedQuery {
            table: route.table.name.clone(),
            flavour: self.flavour.clone(),
            filter,
            expr: mapped,
            derived,
            warnings,
            exclusions: mapped_exclusions,
        })
    }

    /// The route a rule's condition takes (its log source, and for service log sources the
    /// event ids it requires).
    pub fn route_for(&self, rule: &Rule, expr: &Expr) -> Result<&Route, ConvertError> {
        self.route(&rule.logsource, expr)
    }

    fn route(&self, ls: &LogSource, expr: &Expr) -> Result<&Route, ConvertError> {
        let ids = required_event_ids(expr);
        let mut service_routes = false;
        for r in &self.routes {
            if !r.when.matches(ls) {
                continue;
            }
            if r.event_ids.is_empty() {
                return Ok(r);
            }
            service_routes = true;
            if let Some(ids) = &ids
                && !ids.is_empty()
                && ids.is_subset(&r.event_ids)
            {
                return Ok(r);
            }
        }
        let source = describe_logsource(ls);
        if service_routes {
            let which = match &ids {
                Some(ids) if !ids.is_empty() => format!(
                    "event id(s) {}",
                    ids.iter()
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                _ => "no event id".to_string(),
            };
            let covered: BTreeSet<i64> = self
                .routes
                .iter()
                .filter(|r| r.when.matches(ls))
                .flat_map(|r| r.event_ids.iter().copied())
                .collect();
            return Err(ConvertError::new(
                Reason::UnsupportedLogsource,
                format!(
                    "{} does not record {source} events with {which} in one table (it mirrors event ids {})",
                    self.title,
                    covered
                        .iter()
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let why = self
            .unsupported
            .iter()
            .find(|u| u.when.matches(ls))
            .map(|u| u.why.clone())
            .unwrap_or_else(|| format!("the {} pipeline has no route for it", self.name));
        Err(ConvertError::new(
            Reason::UnsupportedLogsource,
            format!("{} does not record {source} events: {why}", self.title),
        ))
    }
}

fn describe_logsource(ls: &LogSource) -> String {
    let parts: Vec<String> = [
        ("product", &ls.product),
        ("category", &ls.category),
        ("service", &ls.service),
    ]
    .iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}: {v}")))
    .collect();
    if parts.is_empty() {
        "logsource-less".into()
    } else {
        format!("`{}`", parts.join(", "))
    }
}

fn compile_row(row: &FieldRow, table: &Table) -> Result<Mapping, String> {
    if row.why.trim().is_empty() {
        return Err("every mapping row needs a `why`".into());
    }
    let check = |c: &str| {
        table
            .column(c)
            .map(|_| ())
            .ok_or_else(|| format!("`{c}` is not a column of {}", table.name))
    };
    let targets = [
        row.column.is_some(),
        row.json.is_some(),
        row.join.is_some(),
        row.path.is_some(),
        row.values.is_some(),
        row.hashes.is_some(),
    ];
    if targets.iter().filter(|t| **t).count() != 1 {
        return Err("give exactly one of column, json, join, path, values, hashes".into());
    }
    let target = if let Some(c) = &row.column {
        check(c)?;
        Target::Column(c.clone())
    } else if let Some(j) = &row.json {
        let mut parts = j.split('.');
        let column = parts.next().unwrap_or_default().to_string();
        check(&column)?;
        let path: Vec<String> = parts.map(str::to_string).collect();
        if path.is_empty() {
            return Err(format!(
                "json `{j}` needs a key after the column (Column.Key)"
            ));
        }
        Target::Derived(Derived::Json { column, path })
    } else if let Some([parent, child]) = &row.join {
        check(parent)?;
        check(child)?;
        Target::Derived(Derived::Join {
            parent: parent.clone(),
            child: child.clone(),
        })
    } else if let Some([folder, name]) = &row.path {
        check(folder)?;
        check(name)?;
        Target::Derived(Derived::FilePath {
            folder: folder.clone(),
            name: name.clone(),
        })
    } else if let Some(v) = &row.values {
        check(&v.column)?;
        Target::Values {
            column: v.column.clone(),
            map: v.map.clone(),
        }
    } else if let Some(h) = &row.hashes {
        for c in h.values() {
            check(c)?;
        }
        Target::Hashes(h.clone())
    } else {
        return Err("no target".into());
    };
    Ok(Mapping {
        target,
        transform: row.transform,
        why: row.why.clone(),
    })
}

/// The Windows event ids a condition requires, if it requires any: an `EventID == n` leaf
/// gives `{n}`, `or` the union (unknown if any branch is), `and` the intersection of what
/// its operands require.
fn required_event_ids(e: &Expr) -> Option<BTreeSet<i64>> {
    match e {
        Expr::Field(FieldPred {
            field,
            op: Op::Num(CmpOp::Eq, crate::ir::Number::Int(n)),
        }) if field == "EventID" => Some(BTreeSet::from([*n])),
        Expr::Or(v) => {
            let mut all = BTreeSet::new();
            for x in v {
                all.extend(required_event_ids(x)?);
            }
            Some(all)
        }
        Expr::And(v) => v
            .iter()
            .filter_map(required_event_ids)
            .reduce(|a, b| a.intersection(&b).copied().collect()),
        _ => None,
    }
}

fn route_filter(route: &Route) -> Option<Expr> {
    let parts: Vec<Expr> = route
        .filter
        .iter()
        .map(|(col, values)| {
            Expr::or(
                values
                    .iter()
                    .map(|v| Expr::field(col.clone(), exact(v)))
                    .collect(),
            )
        })
        .collect();
    (!parts.is_empty()).then(|| Expr::and(parts))
}

/// Drops the conjuncts of `e` that the route's filter implies: an `ActionType` test that
/// allows every value the filter allows (e.g. `EventID: 7045` mapped onto a route that already
/// keeps only `ServiceInstalled`). What remains means the same on the filtered rows; an
/// empty conjunction is true.
fn without_implied(e: Expr, filter: &IndexMap<String, Vec<String>>) -> Expr {
    let implied = |x: &Expr| -> bool {
        let leaves: Vec<&Expr> = match x {
            Expr::Or(v) => v.iter().collect(),
            leaf => vec![leaf],
        };
        let mut column: Option<&str> = None;
        let mut values = BTreeSet::new();
        for l in leaves {
            let Expr::Field(FieldPred {
                field,
                op:
                    Op::Str(StrMatch::Text {
                        how: TextOp::Eq,
                        value,
                        case: Case::Sensitive,
                    }),
            }) = l
            else {
                return false;
            };
            if column.is_some_and(|c| c != field) {
                return false;
            }
            column = Some(field);
            values.insert(value.as_str());
        }
        column
            .and_then(|c| filter.get(c))
            .is_some_and(|allowed| allowed.iter().all(|a| values.contains(a.as_str())))
    };
    match e {
        Expr::And(v) => Expr::and(v.into_iter().filter(|x| !implied(x)).collect()),
        x if implied(&x) => Expr::And(Vec::new()),
        x => x,
    }
}

/// Case-sensitive equality with a known enumeration value (`ActionType == "…"`).
pub(crate) fn exact(v: &str) -> Op {
    Op::Str(StrMatch::Text {
        how: TextOp::Eq,
        value: v.to_string(),
        case: Case::Sensitive,
    })
}

/// A mapped expression, or a test the target never records (false on every row of it).
pub(crate) enum Mapped {
    Expr(Expr),
    Never(String),
}

fn map_expr(
    e: &Expr,
    route: &Route,
    derived: &mut IndexMap<String, Derived>,
    warnings: &mut Vec<String>,
) -> Result<Mapped, ConvertError> {
    Ok(match e {
        Expr::And(v) => {
            let mut out = Vec::with_capacity(v.len());
            for x in v {
                match map_expr(x, route, derived, warnings)? {
                    Mapped::Expr(e) => out.push(e),
                    never => return Ok(never),
                }
            }
            Mapped::Expr(Expr::and(out))
        }
        Expr::Or(v) => {
            let mut out = Vec::with_capacity(v.len());
            let mut dropped = Vec::new();
            for x in v {
                match map_expr(x, route, derived, warnings)? {
                    Mapped::Expr(e) => out.push(e),
                    Mapped::Never(why) => dropped.push(why),
                }
            }
            if out.is_empty() {
                return Ok(Mapped::Never(dropped.join("; ")));
            }
            warnings.extend(
                dropped
                    .into_iter()
                    .map(|why| format!("alternative left out: {why}")),
            );
            Mapped::Expr(Expr::or(out))
        }
        Expr::Not(x) => match map_expr(x, route, derived, warnings)? {
            Mapped::Expr(e) => Mapped::Expr(Expr::not(e)),
            Mapped::Never(why) => {
                return Err(ConvertError::new(
                    Reason::UnsupportedValue,
                    format!(
                        "a negated test the target cannot evaluate would hold on every event (a rule would match, an exclusion suppress, everything): {why}"
                    ),
                ));
            }
        },
        Expr::Keyword(m) => Mapped::Expr(Expr::Keyword(m.clone())),
        Expr::Field(p) => map_leaf(p, route, derived)?,
    })
}

fn map_leaf(
    p: &FieldPred,
    route: &Route,
    derived: &mut IndexMap<String, Derived>,
) -> Result<Mapped, ConvertError> {
    let op = match &p.op {
        Op::FieldRef(r) => {
            // Both sides are Sigma fields: map the other one as well (plain columns only).
            let other = plain_target(&r.field, route)?;
            Op::FieldRef(crate::ir::FieldRef {
                field: other,
                ..r.clone()
            })
        }
        op => op.clone(),
    };
    let Some(mapping) = route.fields.get(&p.field) else {
        if route.table.column(&p.field).is_some() {
            // A column name of the table passes through.
            return Ok(Mapped::Expr(Expr::field(p.field.clone(), op)));
        }
        return Err(unmapped(&p.field, route));
    };
    let column = match &mapping.target {
        Target::Column(c) => c.clone(),
        Target::Derived(d) => {
            let name = d.field_name();
            derived.insert(name.clone(), d.clone());
            name
        }
        Target::Values { column, map } => {
            return transform::value_map(&p.field, column, map, &op).map(Mapped::Expr);
        }
        Target::Hashes(map) => return transform::hashes(map, &op),
    };
    match mapping.transform {
        None => Ok(Mapped::Expr(Expr::field(column, op))),
        Some(t) => t
            .apply(&p.field, &column, op, route.table)
            .map(Mapped::Expr),
    }
}

/// The column a field reference's other side maps to (only plain columns can be compared).
fn plain_target(field: &str, route: &Route) -> Result<String, ConvertError> {
    match route.fields.get(field).map(|m| (&m.target, m.transform)) {
        Some((Target::Column(c), None)) => Ok(c.clone()),
        None if route.table.column(field).is_some() => Ok(field.to_string()),
        None => Err(unmapped(field, route)),
        Some(_) => Err(ConvertError::new(
            Reason::UnsupportedConstruct,
            format!(
                "`fieldref` to `{field}`: on {} that field needs a value transform, so two fields cannot be compared",
                route.table.name
            ),
        )),
    }
}

fn unmapped(field: &str, route: &Route) -> ConvertError {
    let mapped: Vec<&str> = route.fields.keys().map(String::as_str).collect();
    let near_fields = crate::text::closest(field, mapped.iter().copied(), 3);
    let near_columns = crate::text::closest(field, route.table.column_names(), 3);
    let mut hint = String::new();
    if !near_fields.is_empty() {
        hint.push_str(&format!(
            "; closest mapped fields: {}",
            near_fields.join(", ")
        ));
    }
    if !near_columns.is_empty() {
        hint.push_str(&format!(
            "; close {} columns: {}",
            route.table.name,
            near_columns.join(", ")
        ));
    }
    ConvertError::new(
        Reason::UnmappedField,
        format!(
            "field `{field}` has no column of the same meaning in {}{hint}",
            route.table.name
        ),
    )
    .about(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_pipelines_load_and_every_row_has_a_reason() {
        for name in builtin_names() {
            let p = Pipeline::builtin(name).unwrap_or_else(|e| panic!("{e}"));
            assert!(!p.routes().is_empty());
            for r in p.routes() {
                assert!(!r.why.is_empty());
                for m in r.fields.values() {
                    assert!(!m.why.trim().is_empty());
                }
            }
        }
    }

    #[test]
    fn bad_pipelines_are_reported() {
        let e = Pipeline::from_yaml(
            "t",
            "name: t\ntitle: T\nschema: defender\nroutes:\n  - when: {category: x}\n    table: NoSuchTable\n    fields: []\n    why: w\n",
        )
        .unwrap_err();
        assert!(e.message.contains("NoSuchTable"), "{e}");
        let e = Pipeline::from_yaml(
            "t",
            "name: t\ntitle: T\nschema: defender\nfield_sets:\n  s:\n    Image: {column: Nope, why: w}\nroutes:\n  - when: {category: x}\n    table: DeviceProcessEvents\n    fields: [s]\n    why: w\n",
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("field_sets.s.Image: `Nope` is not a column"),
            "{e}"
        );
        let e = Pipeline::from_yaml(
            "t",
            "name: t\ntitle: T\nschema: defender\nfield_sets:\n  s:\n    Image: {column: FolderPath, why: ''}\nroutes:\n  - when: {category: x}\n    table: DeviceProcessEvents\n    fields: [s]\n    why: w\n",
        )
        .unwrap_err();
        assert!(e.message.contains("needs a `why`"), "{e}");
    }

    #[test]
    fn event_ids_required_by_a_condition() {
        let id = |n| Expr::field("EventID", Op::Num(CmpOp::Eq, crate::ir::Number::Int(n)));
        let other = Expr::field("X", Op::Null);
        assert_eq!(required_event_ids(&id(4624)), Some(BTreeSet::from([4624])));
        assert_eq!(
            required_event_ids(&Expr::and(vec![
                Expr::or(vec![id(1), id(2)]),
                other.clone()
            ])),
            Some(BTreeSet::from([1, 2]))
        );
        assert_eq!(
            required_event_ids(&Expr::or(vec![id(1), other.clone()])),
            None
        );
        assert_eq!(required_event_ids(&other), None);
    }
}
