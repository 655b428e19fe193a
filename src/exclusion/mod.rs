//! Exclusion scenarios: false-positive scenarios written as filter expressions, attached to
//! rules, lowered into the same IR as Sigma rules, rendered as `| where not(…)` and evaluated
//! like any other condition.
//!
//! A scenario file is YAML (a list of scenarios, or `scenarios:` holding one) or the plain
//! text the seeds use (`Scenario:` / `Description:` / `Filter/Exclusion:` blocks).

pub mod ast;
pub mod lint;
pub mod origin;

pub use origin::Origin;

use serde_yaml::Value;

use crate::condition::Span;
use crate::diag::{Diagnostic, Excerpt, Problem};
use crate::ir::{Case, CmpOp, Expr, Op, Regex, RegexFlags, StrMatch, TextOp};
use crate::rule::Rule;
use crate::syntax::{SyntaxErrorKind, parse_exclusion};
use ast::{Filter, Literal, OpKind, Test};

/// One exclusion scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Its name.
    pub name: String,
    /// What legitimate activity it describes.
    pub description: Option<String>,
    /// The filter as written.
    pub filter_text: String,
    /// Its syntax tree (with spans).
    pub filter: Filter,
    /// The filter's meaning, over the field names as written (ECS, Sigma or column names).
    pub expr: Expr,
    /// The rule it applies to (id, name or title); every rule when `None`.
    pub rule: Option<String>,
    /// Where the filter is: file, 1-based line, and the 0-based column of its first character
    /// (for carets under a span of the filter).
    pub origin: Origin,
}

impl Scenario {
    /// Whether the scenario applies to `rule` (no `rule:` means every rule; otherwise the id,
    /// the name or the title, compared without case).
    pub fn applies_to(&self, rule: &Rule) -> bool {
        match &self.rule {
            None => true,
            Some(want) => {
                let m = &rule.meta;
                m.id.as_deref()
                    .is_some_and(|id| id.eq_ignore_ascii_case(want))
                    || m.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(want))
                    || m.title.eq_ignore_ascii_case(want)
            }
        }
    }

    /// A diagnostic about the scenario, with a caret under `span` of its filter when given.
    pub fn diagnostic(&self, problem: Problem, span: Option<Span>) -> Diagnostic {
        let mut d = Diagnostic::new(problem, self.origin.file.clone());
        d.rule = Some(format!("scenario \"{}\"", self.name));
        locate(&mut d, &self.origin, &self.filter_text, span);
        d
    }
}

fn locate(d: &mut Diagnostic, origin: &Origin, filter: &str, span: Option<Span>) {
    let Some(found) = origin.find(span, filter.len()) else {
        return;
    };
    d.line = Some(found.line);
    d.column = Some(found.column + 1);
    d.span = span.map(|s| (s.start, s.end));
    d.excerpt = Some(Excerpt::new(
        Some(found.line),
        found.text,
        found.column,
        found.len,
    ));
}

/// A loaded scenario file.
#[derive(Debug, Clone, Default)]
pub struct ScenarioFile {
    /// The file.
    pub path: String,
    /// Its scenarios that parsed.
    pub scenarios: Vec<Scenario>,
    /// Its problems.
    pub diagnostics: Vec<Diagnostic>,
}

impl ScenarioFile {
    /// Whether a scenario failed to load.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The scenarios that apply to `rule`.
    pub fn for_rule<'a>(&'a self, rule: &'a Rule) -> impl Iterator<Item = &'a Scenario> + 'a {
        self.scenarios.iter().filter(move |s| s.applies_to(rule))
    }
}

/// Reads a scenario file from disk (a regular file of at most 2 MiB of UTF-8, as rule files).
pub fn load_file(path: &std::path::Path) -> ScenarioFile {
    match crate::rule::load::read_text(path) {
        Ok(text) => load_source(&path.display().to_string(), &text),
        Err(d) => ScenarioFile {
            path: path.display().to_string(),
            scenarios: Vec::new(),
            diagnostics: vec![*d],
        },
    }
}

/// Loads scenarios from text: the seeds' plain format when the text has `Scenario:` lines and
/// no YAML scenario list, else YAML.
pub fn load_source(name: &str, text: &str) -> ScenarioFile {
    let looks_plain = text
        .lines()
        .any(|l| l.trim_start().starts_with("Scenario:"))
        && !text.lines().any(|l| {
            let t = l.trim_start();
            t.starts_with("- name:") || t.starts_with("scenarios:") || t.starts_with("filter:")
        });
    if looks_plain {
        load_plain(name, text)
    } else {
        load_yaml(name, text)
    }
}

/// One scenario before its filter is parsed.
struct Raw {
    name: String,
    description: Option<String>,
    filter: Option<String>,
    rule: Option<String>,
    origin: Origin,
    /// Where the scenario itself is, for problems that are not in the filter.
    at: (usize, String),
    /// Why the filter is missing, when the key is there but its value is not a string.
    not_text: Option<&'static str>,
}

fn finish(name: &str, raws: Vec<Raw>) -> ScenarioFile {
    let mut file = ScenarioFile {
        path: name.to_string(),
        ..ScenarioFile::default()
    };
    for raw in raws {
        let Some(filter_text) = raw.filter.clone() else {
            let problem = match raw.not_text {
                Some(why) => format!("the filter of scenario \"{}\" {why}", raw.name),
                None => format!("scenario \"{}\" has no filter", raw.name),
            };
            let mut d = Diagnostic::new(Problem::BadScenario(problem), name);
            d.line = Some(raw.at.0);
            d.excerpt = Some(Excerpt::new(
                Some(raw.at.0),
                &raw.at.1,
                0,
                raw.at.1.chars().count(),
            ));
            file.diagnostics.push(d);
            continue;
        };
        match parse_exclusion(&filter_text) {
            Ok(ast) => file.scenarios.push(Scenario {
                name: raw.name,
                description: raw.description,
                expr: lower(&ast),
                filter: ast,
                filter_text,
                rule: raw.rule,
                origin: raw.origin,
            }),
            Err(e) => {
                let problem = match e.kind {
                    SyntaxErrorKind::Syntax(message) | SyntaxErrorKind::Obsolete(message) => {
                        Problem::ExclusionSyntax { message }
                    }
                    SyntaxErrorKind::TooComplex { what, limit } => Problem::ExclusionSyntax {
                        message: format!(
                            "the filter is {what} (the limit is {limit}); split it into several scenarios"
                        ),
                    },
                };
                let mut d = Diagnostic::new(problem, name);
                d.rule = Some(format!("scenario \"{}\"", raw.name));
                locate(&mut d, &raw.origin, &filter_text, Some(e.span));
                file.diagnostics.push(d);
            }
        }
    }
    file
}

/// The seeds' format: `Scenario: name`, `Description: text`, `Filter/Exclusion: filter`
/// (also `Filter:` or `Exclusion:`), `Rule: id or title`; other lines are ignored.
fn load_plain(name: &str, text: &str) -> ScenarioFile {
    let mut raws: Vec<Raw> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let field = |key: &str| -> Option<(String, usize)> {
            let rest = trimmed.strip_prefix(key)?;
            let value = rest.trim_start();
            Some((
                value.trim_end().to_string(),
                indent + key.len() + (rest.len() - value.len()),
            ))
        };
        if let Some((v, _)) = field("Scenario:") {
            raws.push(Raw {
                name: v,
                description: None,
                filter: None,
                rule: None,
                origin: Origin::default(),
                at: (i + 1, line.to_string()),
                not_text: None,
            });
        } else if let Some(raw) = raws.last_mut() {
            if let Some((v, _)) = field("Description:") {
                raw.description = Some(v);
            } else if let Some((v, _)) = field("Rule:") {
                raw.rule = Some(v);
            } else if let Some((v, byte_col)) = ["Filter/Exclusion:", "Filter:", "Exclusion:"]
                .iter()
                .find_map(|k| field(k))
            {
                raw.origin =
                    Origin::aligned(name, text, i + 1, line[..byte_col].chars().count(), &v);
                raw.filter = Some(v);
            }
        }
    }
    let mut file = finish(name, raws);
    if file.scenarios.is_empty() && file.diagnostics.is_empty() {
        file.diagnostics.push(Diagnostic::new(
            Problem::BadScenario("no `Scenario:` block with a `Filter/Exclusion:` line".into()),
            name,
        ));
    }
    file
}

fn load_yaml(name: &str, text: &str) -> ScenarioFile {
    let src = crate::source::SourceText::new(text);
    let value: Value = match crate::yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let mut d = Diagnostic::new(
                Problem::YamlSyntax {
                    message: e.to_string(),
                },
                name,
            );
            if let Some(l) = e.location() {
                d.line = Some(l.line());
                d.column = Some(l.column());
            }
            return ScenarioFile {
                path: name.into(),
                scenarios: Vec::new(),
                diagnostics: vec![d],
            };
        }
    };
    let list = match &value {
        Value::Sequence(s) => Some(s.as_slice()),
        Value::Mapping(m) => m
            .get("scenarios")
            .and_then(Value::as_sequence)
            .map(Vec::as_slice),
        _ => None,
    };
    let Some(list) = list else {
        return ScenarioFile {
            path: name.into(),
            scenarios: Vec::new(),
            diagnostics: vec![Diagnostic::new(
                Problem::BadScenario(
                    "a scenario file is a list of scenarios (name, description, filter, rule), or `scenarios:` holding one".into(),
                ),
                name,
            )],
        };
    };
    let root = crate::source::KeyPath::root();
    let base = match &value {
        Value::Mapping(_) => root.key("scenarios"),
        _ => root,
    };
    let mut raws = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let path = base.index(i);
        let get = |k: &str| item.get(k).and_then(crate::rule::meta_string);
        let name_ = get("name").unwrap_or_else(|| format!("scenario {}", i + 1));
        let filter = get("filter");
        // The filter's value starts after the `filter:` key (in a flow mapping, after the
        // key's text on the item's line).
        let (origin, at) = match src.locate(0, &path.key("filter")) {
            Some(place) => {
                let line_text = src.line(place.line).unwrap_or_default();
                let from = place.column.saturating_sub(1);
                let value_col = value_column(line_text, from).unwrap_or(from);
                let origin = match &filter {
                    Some(f) => Origin::aligned(name, text, place.line, value_col, f),
                    None => Origin::unknown(name),
                };
                (origin, (place.line, line_text.to_string()))
            }
            None => (Origin::unknown(name), (1, String::new())),
        };
        let not_text = match item.get("filter") {
            Some(Value::Tagged(_)) => Some(
                "is not a string: YAML reads a leading `!` as a tag; quote the filter ('…') or start it with `not`",
            ),
            Some(v) if filter.is_none() && !v.is_null() => {
                Some("is not a string: write it on one line, or quote it")
            }
            _ => None,
        };
        raws.push(Raw {
            not_text,
            name: name_,
            description: get("description"),
            filter,
            rule: get("rule"),
            origin,
            at,
        });
    }
    finish(name, raws)
}

/// The 0-based character column where the value of a `filter:` key starts on `line`, the
/// key being at or after character `from`.
fn value_column(line: &str, from: usize) -> Option<usize> {
    let chars: Vec<char> = line.chars().collect();
    let mut i = from;
    while i < chars.len() {
        let rest: String = chars[i..].iter().collect();
        for key in ["filter", "\"filter\"", "'filter'"] {
            if let Some(after) = rest.strip_prefix(key) {
                let trimmed = after.trim_start_matches([' ', '\t']);
                if let Some(value) = trimmed.strip_prefix(':') {
                    let value_start = value.trim_start_matches([' ', '\t']);
                    return Some(chars.len() - value_start.chars().count());
                }
            }
        }
        i += 1;
    }
    None
}

/// Lowers a filter into the IR, over its field names as written. Case-insensitive unless
/// `_cs`; `matches` searches (like Sigma's `re`) and folds case unless `matches_cs`. A number
/// compared with `==` is a number (see [`lower_typed`] for string columns).
pub fn lower(f: &Filter) -> Expr {
    lower_typed(f, &|_| false)
}

/// [`lower`], knowing which fields hold text on the target (`text(field)`): there, a number
/// written with `==` or `in` is compared as the text it was written with (`1.50`, `007`).
pub fn lower_typed(f: &Filter, text: &dyn Fn(&str) -> bool) -> Expr {
    match f {
        Filter::Or(v) => Expr::or(v.iter().map(|x| lower_typed(x, text)).collect()),
        Filter::And(v) => Expr::and(v.iter().map(|x| lower_typed(x, text)).collect()),
        Filter::Not(x) => Expr::not(lower_typed(x, text)),
        Filter::Cmp(c) => {
            let as_text = text(&c.field);
            let leaf = |value: &Literal, kind: OpKind, case: Case| -> Expr {
                Expr::field(c.field.clone(), op_of(value, kind, case, as_text))
            };
            match &c.test {
                Test::Exists => Expr::field(c.field.clone(), Op::Exists(true)),
                Test::Compare { op, value, .. } => {
                    let e = leaf(value, op.kind, op.case);
                    if op.negated { Expr::not(e) } else { e }
                }
                Test::In {
                    negated,
                    case,
                    values,
                } => {
                    let e = Expr::or(
                        values
                            .iter()
                            .map(|(v, _)| leaf(v, OpKind::Eq, *case))
                            .collect(),
                    );
                    if *negated { Expr::not(e) } else { e }
                }
            }
        }
    }
}

fn op_of(value: &Literal, kind: OpKind, case: Case, as_text: bool) -> Op {
    let text = |how| match value {
        Literal::Str(s) => Op::Str(StrMatch::Text {
            how,
            value: s.clone(),
            case,
        }),
        Literal::Num(_, written) => Op::Str(StrMatch::Text {
            how,
            value: written.clone(),
            case,
        }),
        Literal::Bool(b) => Op::Str(StrMatch::Text {
            how,
            value: b.to_string(),
            case,
        }),
    };
    match (kind, value) {
        (OpKind::Eq, Literal::Num(..)) if as_text => text(TextOp::Eq),
        (OpKind::Eq, Literal::Num(n, _)) => Op::Num(CmpOp::Eq, *n),
        (OpKind::Eq, Literal::Bool(b)) => Op::Bool(*b),
        (OpKind::Eq, _) => text(TextOp::Eq),
        (OpKind::Contains, _) => text(TextOp::Contains),
        (OpKind::StartsWith, _) => text(TextOp::StartsWith),
        (OpKind::EndsWith, _) => text(TextOp::EndsWith),
        (OpKind::Matches, v) => Op::Str(StrMatch::Regex(Regex {
            pattern: match v {
                Literal::Str(s) => s.clone(),
                other => other.to_string(),
            },
            flags: RegexFlags {
                ignore_case: case == Case::Insensitive,
                ..RegexFlags::default()
            },
        })),
        (k, Literal::Num(n, _)) => Op::Num(
            match k {
                OpKind::Lt => CmpOp::Lt,
                OpKind::Lte => CmpOp::Lte,
                OpKind::Gt => CmpOp::Gt,
                _ => CmpOp::Gte,
            },
            *n,
        ),
        // The parser refuses order comparisons with anything but numbers.
        (_, v) => text_of(v),
    }
}

fn text_of(v: &Literal) -> Op {
    Op::Str(StrMatch::Text {
        how: TextOp::Eq,
        value: match v {
            Literal::Str(s) => s.clone(),
            other => other.to_string(),
        },
        case: Case::Insensitive,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "KQL Query\nlet x = 1;\nScenario: IT Admin Deploys RustDesk for Remote Support\nDescription: A system administrator uses RustDesk.\nFilter/Exclusion: process.name != \"RustDesk\" OR process.parent.name == \"Remote Desktop Services\"\nScenario: Broken\nDescription: d\nFilter/Exclusion: process.name == \"x\" OR\n";

    #[test]
    fn plain_format_with_carets_on_the_filter_line() {
        let f = load_source("seed.txt", SEED);
        assert_eq!(f.scenarios.len(), 1);
        let s = &f.scenarios[0];
        assert_eq!(s.name, "IT Admin Deploys RustDesk for Remote Support");
        assert_eq!(
            s.description.as_deref(),
            Some("A system administrator uses RustDesk.")
        );
        assert_eq!(
            s.expr.to_string(),
            r#"not process.name eq "RustDesk" or process.parent.name eq "Remote Desktop Services""#
        );
        assert_eq!((s.origin.line, s.origin.column), (Some(5), 18));
        let d = &f.diagnostics[0];
        assert_eq!(d.code, "exclusion-syntax");
        // Just after the dangling `OR`, where a field was expected.
        assert_eq!((d.line, d.column), (Some(8), Some(41)));
    }

    #[test]
    fn yaml_format() {
        let text = "- name: One\n  description: d\n  filter: process.name == \"a.exe\"\n  rule: my-rule\n- name: Two\n  filter: 'x matches \"(\"'\n";
        let f = load_source("s.yml", text);
        assert_eq!(f.scenarios.len(), 1);
        assert_eq!(f.scenarios[0].rule.as_deref(), Some("my-rule"));
        assert_eq!(f.scenarios[0].origin.line, Some(3));
        assert_eq!(f.scenarios[0].origin.column, 10);
        let d = &f.diagnostics[0];
        assert_eq!((d.code, d.line), ("exclusion-syntax", Some(6)));
    }

    #[test]
    fn lowering_is_case_insensitive_unless_cs() {
        let e = |t: &str| lower(&parse_exclusion(t).unwrap()).to_string();
        assert_eq!(e(r#"a ==_cs "X""#), r#"a eq:cs "X""#);
        assert_eq!(e(r#"a in ("x", "y")"#), r#"a eq "x" or a eq "y""#);
        assert_eq!(e(r#"a not in ("x")"#), r#"not a eq "x""#);
        assert_eq!(e(r#"a matches "x+""#), r#"a regex:i "x+""#);
        assert_eq!(e(r#"a matches_cs "x+""#), r#"a regex "x+""#);
        assert_eq!(e("port >= 1024"), "port >= 1024");
        assert_eq!(e("port == 443"), "port == 443");
        assert_eq!(e("a exists"), "a exists");
        assert_eq!(e("flag == true"), "flag == true");
    }
}
