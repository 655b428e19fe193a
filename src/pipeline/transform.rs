//! Value transforms: what a value written for Sysmon becomes on a column that writes the same
//! fact differently. Each transform is exact or refuses (an error naming the value); none
//! widens or narrows a match silently.

use indexmap::IndexMap;
use serde::Deserialize;

use super::{ConvertError, Mapped, Reason, Table, exact};
use crate::ir::{Case, CmpOp, Expr, Number, Op, Pattern, PatternPart, StrMatch, TextOp};

/// The value transforms a pipeline row can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// Registry paths: Sysmon's `HKLM\`, `HKU\` become Defender's `HKEY_LOCAL_MACHINE\`,
    /// `HKEY_USERS\` / `HKEY_CURRENT_USER\`; `CurrentControlSet` also matches `ControlSet00n`.
    RegistryPath,
    /// Registry value data: Sysmon's `DWORD (0x00000001)` is Defender's type `Dword` and data
    /// `1`; `Binary Data` is type `Binary`.
    RegistryData,
    /// Named pipes: Defender writes `\Device\NamedPipe\name` where Sysmon writes `\name`.
    PipeName,
    /// A full path compared on a column that holds only the file name.
    FileName,
    /// A number Sysmon writes in hexadecimal (`0x3e7`) on a numeric column.
    HexNumber,
}

fn unsupported(field: &str, value: &str, why: &str) -> ConvertError {
    ConvertError::new(
        Reason::UnsupportedValue,
        format!("`{field}` value {value}: {why}"),
    )
    .about(field)
}

/// The value of a string op as a pattern (`None` for a regex).
fn as_pattern(m: &StrMatch) -> Option<(Pattern, Case)> {
    match m {
        StrMatch::Text { how, value, case } => {
            let lit = PatternPart::Lit(value.clone());
            let parts = match how {
                TextOp::Eq => vec![lit],
                TextOp::Contains => vec![PatternPart::Any, lit, PatternPart::Any],
                TextOp::StartsWith => vec![lit, PatternPart::Any],
                TextOp::EndsWith => vec![PatternPart::Any, lit],
            };
            Some((Pattern::new(parts), *case))
        }
        StrMatch::Pattern { pattern, case } => Some((pattern.clone(), *case)),
        StrMatch::Regex(_) => None,
    }
}

fn describe(m: &StrMatch) -> String {
    m.to_string()
}

impl Transform {
    /// Applies the transform to `op` on `column` (the Sigma field is `field`).
    pub fn apply(
        self,
        field: &str,
        column: &str,
        op: Op,
        table: &Table,
    ) -> Result<Expr, ConvertError> {
        match self {
            Transform::RegistryPath => registry_path(field, column, op),
            Transform::RegistryData => registry_data(field, column, op, table),
            Transform::PipeName => pipe_name(column, op),
            Transform::FileName => file_name(field, column, op),
            Transform::HexNumber => hex_number(field, column, op),
        }
    }
}

/// Sysmon's hive spellings and Defender's. Sysmon writes a user's hive as `HKU\<SID>`;
/// Defender as `HKEY_USERS\` or, for the logged-on user, `HKEY_CURRENT_USER\<SID>`.
const HIVES: &[(&str, &[&str])] = &[
    ("HKLM\\", &["HKEY_LOCAL_MACHINE\\"]),
    ("HKEY_LOCAL_MACHINE\\", &["HKEY_LOCAL_MACHINE\\"]),
    ("HKU\\", &["HKEY_USERS\\", "HKEY_CURRENT_USER\\"]),
    ("HKEY_USERS\\", &["HKEY_USERS\\", "HKEY_CURRENT_USER\\"]),
];

/// Defender writes the logged-on user's hive with the user's SID: `HKEY_CURRENT_USER\<SID>\…`.
const HKCU: &str = "HKCU\\";

fn registry_path(field: &str, column: &str, op: Op) -> Result<Expr, ConvertError> {
    let Op::Str(m) = &op else {
        return Ok(Expr::field(column, op));
    };
    let Some((pattern, case)) = as_pattern(m) else {
        return Err(unsupported(
            field,
            &describe(m),
            "a regular expression over registry paths cannot be rewritten to Defender's hive names; write the path with wildcards",
        ));
    };
    // CurrentControlSet: Defender writes the control set the machine runs (ControlSet001, …);
    // both spellings are matched.
    let mut variants = vec![pattern.parts().to_vec()];
    if let Some(alt) = control_set(pattern.parts()) {
        variants.push(alt);
    }
    let mut out = Vec::new();
    for parts in variants {
        // The hive is the first literal, at the start of the value or after a leading `*`
        // (a hive name can only begin the path, so `contains: 'HKLM\…'` means it too).
        let at = usize::from(parts.first() == Some(&PatternPart::Any));
        let first = match parts.get(at) {
            Some(PatternPart::Lit(l)) => l.clone(),
            _ => String::new(),
        };
        let upper = first.to_ascii_uppercase();
        if upper.starts_with("HKCR\\") {
            return Err(unsupported(
                field,
                &describe(m),
                "Defender's name for HKCR paths (a merged view of two hives) is not documented; match the path below the hive with `contains` or `endswith`",
            ));
        }
        if upper.starts_with(HKCU) {
            out.push(Expr::field(
                column,
                Op::Str(hkcu_regex(&parts, at, &first[HKCU.len()..], case)),
            ));
            continue;
        }
        match HIVES.iter().find(|(a, _)| upper.starts_with(*a)) {
            Some((abbr, full)) => {
                for f in *full {
                    let mut p = parts[..at].to_vec();
                    p.push(PatternPart::Lit(format!("{f}{}", &first[abbr.len()..])));
                    p.extend(parts[at + 1..].iter().cloned());
                    out.push(Expr::field(
                        column,
                        Op::Str(StrMatch::from_pattern(Pattern::new(p), case)),
                    ));
                }
            }
            None => out.push(Expr::field(
                column,
                Op::Str(StrMatch::from_pattern(Pattern::new(parts), case)),
            )),
        }
    }
    Ok(Expr::or(out))
}

/// The pattern with every `CurrentControlSet` as `ControlSet00?`, if it has one.
fn control_set(parts: &[PatternPart]) -> Option<Vec<PatternPart>> {
    const NAME: &str = "currentcontrolset";
    let has = parts
        .iter()
        .any(|p| matches!(p, PatternPart::Lit(l) if l.to_ascii_lowercase().contains(NAME)));
    if !has {
        return None;
    }
    let mut alt = Vec::new();
    for p in parts {
        match p {
            PatternPart::Lit(l) => {
                let lower = l.to_ascii_lowercase();
                let (mut rest, mut lower_rest) = (l.as_str(), lower.as_str());
                while let Some(i) = lower_rest.find(NAME) {
                    alt.push(PatternPart::Lit(format!("{}ControlSet00", &rest[..i])));
                    alt.push(PatternPart::One);
                    rest = &rest[i + NAME.len()..];
                    lower_rest = &lower_rest[i + NAME.len()..];
                }
                alt.push(PatternPart::Lit(rest.to_string()));
            }
            other => alt.push(other.clone()),
        }
    }
    Some(alt)
}

/// `HKCU\rest…` as Defender writes it: `HKEY_CURRENT_USER\<one SID segment>\rest…`, which
/// only a regex states exactly (`[^\\]+` for the SID).
fn hkcu_regex(parts: &[PatternPart], at: usize, rest_of_first: &str, case: Case) -> StrMatch {
    let esc = crate::backend::kql::regex_escape;
    let piece = |p: &PatternPart| match p {
        PatternPart::Lit(l) => esc(l),
        PatternPart::Any => ".*".into(),
        PatternPart::One => ".".into(),
        PatternPart::Placeholder(n) => format!("%{n}%"),
    };
    let mut re = String::from("^");
    re.push_str(&parts[..at].iter().map(piece).collect::<String>());
    re.push_str("HKEY_CURRENT_USER\\\\[^\\\\]+\\\\");
    re.push_str(&esc(rest_of_first));
    re.push_str(&parts[at + 1..].iter().map(piece).collect::<String>());
    re.push('$');
    StrMatch::Regex(crate::ir::Regex {
        pattern: re,
        flags: crate::ir::RegexFlags {
            ignore_case: case == Case::Insensitive,
            multiline: false,
            dot_all: true,
        },
    })
}

fn registry_data(field: &str, column: &str, op: Op, table: &Table) -> Result<Expr, ConvertError> {
    let Op::Str(m) = &op else {
        return Ok(Expr::field(column, op));
    };
    let type_column = "RegistryValueType";
    let typed = |kind: &str, data: Option<String>| -> Result<Expr, ConvertError> {
        if table.column(type_column).is_none() {
            return Err(unsupported(
                field,
                &describe(m),
                &format!(
                    "{} has no {type_column} column to tell a {kind} from text",
                    table.name
                ),
            ));
        }
        let ty = Expr::field(
            type_column,
            Op::Str(StrMatch::Text {
                how: TextOp::Eq,
                value: kind.to_string(),
                case: Case::Insensitive,
            }),
        );
        Ok(match data {
            None => ty,
            Some(d) => Expr::and(vec![
                ty,
                Expr::field(
                    column,
                    Op::Str(StrMatch::Text {
                        how: TextOp::Eq,
                        value: d,
                        case: Case::Insensitive,
                    }),
                ),
            ]),
        })
    };
    // Sysmon's Details of a number is exactly `DWORD (0x…)`: a rule that looks for the whole
    // token, with or without contains/startswith/endswith, means that number.
    if let StrMatch::Text { value, .. } = m {
        let v = value.trim();
        for (prefix, kind) in [("DWORD (", "Dword"), ("QWORD (", "Qword")] {
            if let Some(hex) = v
                .strip_prefix(prefix)
                .and_then(|r| r.strip_suffix(')'))
                .and_then(|h| h.strip_prefix("0x").or_else(|| h.strip_prefix("0X")))
            {
                let n = u64::from_str_radix(hex, 16).map_err(|_| {
                    unsupported(
                        field,
                        &describe(m),
                        "the number in parentheses is not hexadecimal",
                    )
                })?;
                return typed(kind, Some(n.to_string()));
            }
        }
        if v.eq_ignore_ascii_case("Binary Data") {
            return typed("Binary", None);
        }
    }
    let text = match m {
        StrMatch::Text { value, .. } => value.to_ascii_uppercase(),
        StrMatch::Pattern { pattern, .. } => pattern.to_sigma().to_ascii_uppercase(),
        StrMatch::Regex(r) => r.pattern.to_ascii_uppercase(),
    };
    if text.contains("DWORD (") || text.contains("QWORD (") || text.contains("BINARY DATA") {
        return Err(unsupported(
            field,
            &describe(m),
            "Sysmon writes numbers as `DWORD (0x…)`, Defender as the decimal number in RegistryValueData with RegistryValueType `Dword`: only a whole `DWORD (0x…)` value can be translated",
        ));
    }
    Ok(Expr::field(column, op))
}

const PIPE_PREFIX: &str = "\\Device\\NamedPipe";

fn pipe_name(column: &str, op: Op) -> Result<Expr, ConvertError> {
    let Op::Str(m) = &op else {
        return Ok(Expr::field(column, op));
    };
    let Some((pattern, case)) = as_pattern(m) else {
        // A regex searches anywhere; anchored ones would need the prefix, which the rule
        // did not write.
        if let StrMatch::Regex(r) = m
            && r.pattern.starts_with('^')
        {
            return Err(ConvertError::new(
                Reason::UnsupportedValue,
                format!(
                    "`PipeName` regex {}: anchored at the start, but Defender prefixes pipe names with \\Device\\NamedPipe",
                    r.pattern
                ),
            ));
        }
        return Ok(Expr::field(column, op));
    };
    let mut parts = pattern.parts().to_vec();
    if let Some(PatternPart::Lit(first)) = parts.first_mut()
        && first.starts_with('\\')
    {
        *first = format!("{PIPE_PREFIX}{first}");
    }
    Ok(Expr::field(
        column,
        Op::Str(StrMatch::from_pattern(Pattern::new(parts), case)),
    ))
}

fn file_name(field: &str, column: &str, op: Op) -> Result<Expr, ConvertError> {
    let refuse = |what: &str| {
        Err(unsupported(
            field,
            what,
            &format!(
                "{column} holds only the file name, so only a value that ends the path (`endswith: '\\name.exe'`) can be compared exactly"
            ),
        ))
    };
    let Op::Str(m) = &op else {
        return refuse(&format!("{op:?}"));
    };
    match m {
        StrMatch::Text {
            how: TextOp::EndsWith,
            value,
            case,
        } => {
            let (how, value) = match value.rfind('\\') {
                // `\name.exe`: the file name is exactly `name.exe`.
                Some(0) if value.len() > 1 => (TextOp::Eq, value[1..].to_string()),
                // No backslash: the file name ends with it.
                None => (TextOp::EndsWith, value.clone()),
                // A folder inside the value, or a trailing backslash.
                _ => return refuse(&describe(m)),
            };
            Ok(Expr::field(
                column,
                Op::Str(StrMatch::Text {
                    how,
                    value,
                    case: *case,
                }),
            ))
        }
        _ => refuse(&describe(m)),
    }
}

fn hex_number(field: &str, column: &str, op: Op) -> Result<Expr, ConvertError> {
    match &op {
        Op::Num(..) | Op::Null | Op::Exists(_) => Ok(Expr::field(column, op)),
        Op::Str(StrMatch::Text {
            how: TextOp::Eq,
            value,
            ..
        }) => {
            let v = value.trim();
            let parsed = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
                Some(h) => i64::from_str_radix(h, 16).ok(),
                None => v.parse::<i64>().ok(),
            };
            match parsed {
                Some(n) => Ok(Expr::field(column, Op::Num(CmpOp::Eq, Number::Int(n)))),
                None => Err(unsupported(field, &format!("{value:?}"), "not a number")),
            }
        }
        other => Err(unsupported(
            field,
            &match other {
                Op::Str(m) => describe(m),
                o => format!("{o:?}"),
            },
            &format!(
                "{column} holds a number; only whole values (e.g. `0x1410`) can be compared, not parts of the hexadecimal text"
            ),
        )),
    }
}

/// An enumerated field: each Sigma value names values of another column.
pub(super) fn value_map(
    field: &str,
    column: &str,
    map: &IndexMap<String, Vec<String>>,
    op: &Op,
) -> Result<Expr, ConvertError> {
    let key = match op {
        Op::Str(StrMatch::Text {
            how: TextOp::Eq,
            value,
            ..
        }) => value.clone(),
        Op::Num(CmpOp::Eq, n) => n.to_string(),
        Op::Bool(b) => b.to_string(),
        other => {
            return Err(unsupported(
                field,
                &format!("{other:?}"),
                "only whole values of this field can be translated",
            ));
        }
    };
    let values = map
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(&key))
        .map(|(_, v)| v)
        .ok_or_else(|| {
            unsupported(
                field,
                &format!("{key:?}"),
                &format!(
                    "has no equivalent in {column}; known values: {}",
                    map.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
    Ok(Expr::or(
        values
            .iter()
            .map(|v| Expr::field(column, exact(v)))
            .collect(),
    ))
}

/// Sysmon's `Hashes` field (`SHA1=…,MD5=…,SHA256=…,IMPHASH=…`) onto one column per algorithm.
/// The algorithms Sysmon's `Hashes` field can hold.
const SYSMON_HASHES: &[&str] = &["MD5", "SHA1", "SHA256", "IMPHASH"];

pub(super) fn hashes(map: &IndexMap<String, String>, op: &Op) -> Result<Mapped, ConvertError> {
    let Op::Str(StrMatch::Text { how, value, .. }) = op else {
        return Err(unsupported(
            "Hashes",
            &format!("{op:?}"),
            "write hashes as `ALGORITHM=value` without wildcards",
        ));
    };
    let (algo, hex) = match value.split_once('=') {
        Some((a, h)) => (
            a.trim().trim_start_matches('*').to_ascii_uppercase(),
            h.trim(),
        ),
        None => {
            let algo = match value.len() {
                32 => "MD5",
                40 => "SHA1",
                64 => "SHA256",
                _ => "",
            };
            (algo.to_string(), value.trim())
        }
    };
    if !map.contains_key(&algo) && SYSMON_HASHES.contains(&algo.as_str()) {
        // A hash the target never records: false on every one of its rows.
        return Ok(Mapped::Never(format!(
            "`Hashes` {value:?}: no {algo} column (the target records only {})",
            map.keys().cloned().collect::<Vec<_>>().join(", ")
        )));
    }
    let column = map.get(&algo).ok_or_else(|| {
        unsupported(
            "Hashes",
            &format!("{value:?}"),
            &format!(
                "no column holds {} hashes here (columns: {})",
                if algo.is_empty() { "such" } else { &algo },
                map.iter()
                    .map(|(a, c)| format!("{a} → {c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })?;
    let full = matches!(
        (algo.as_str(), hex.len()),
        ("MD5", 32) | ("SHA1", 40) | ("SHA256", 64)
    );
    let how = match (how, full) {
        (_, true) => TextOp::Eq,
        (TextOp::Contains | TextOp::StartsWith, false) if value.contains('=') => TextOp::StartsWith,
        _ => {
            return Err(unsupported(
                "Hashes",
                &format!("{value:?}"),
                "a partial hash can only be matched as the start of the value (`ALGO=prefix` with `contains`)",
            ));
        }
    };
    Ok(Mapped::Expr(Expr::field(
        column,
        Op::Str(StrMatch::Text {
            how,
            value: hex.to_string(),
            case: Case::Insensitive,
        }),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(how: TextOp, v: &str) -> Op {
        Op::Str(StrMatch::Text {
            how,
            value: v.into(),
            case: Case::Insensitive,
        })
    }

    fn table() -> &'static Table {
        super::super::schema::schema("defender")
            .and_then(|s| s.table("DeviceRegistryEvents"))
            .unwrap()
    }

    #[test]
    fn registry_hives_and_control_sets() {
        let r = |op| registry_path("TargetObject", "K", op).unwrap().to_string();
        assert_eq!(
            r(s(TextOp::StartsWith, "HKLM\\Software\\x")),
            r#"K startswith "HKEY_LOCAL_MACHINE\\Software\\x""#
        );
        assert_eq!(
            r(s(TextOp::Eq, "HKU\\S-1\\x")),
            r#"K eq "HKEY_USERS\\S-1\\x" or K eq "HKEY_CURRENT_USER\\S-1\\x""#
        );
        assert_eq!(
            r(s(TextOp::Contains, "\\CurrentControlSet\\Services\\")),
            r#"K contains "\\CurrentControlSet\\Services\\" or K like * "\\ControlSet00" ? "\\Services\\" *"#
        );
        // A hive can only begin a path, so a contains value that starts with one means it.
        assert_eq!(
            r(s(TextOp::Contains, "HKLM\\x")),
            r#"K contains "HKEY_LOCAL_MACHINE\\x""#
        );
        // HKCU: the user's SID sits between the hive and the rest.
        assert_eq!(
            r(s(TextOp::StartsWith, "HKCU\\Software\\x")),
            r#"K regex:is "^HKEY_CURRENT_USER\\\\[^\\\\]+\\\\Software\\\\x.*$""#
        );
        assert!(registry_path("TargetObject", "K", s(TextOp::StartsWith, "HKCR\\x")).is_err());
    }

    #[test]
    fn registry_dwords() {
        let r =
            |op| registry_data("Details", "RegistryValueData", op, table()).map(|e| e.to_string());
        assert_eq!(
            r(s(TextOp::Eq, "DWORD (0x00000010)")).unwrap(),
            r#"RegistryValueType eq "Dword" and RegistryValueData eq "16""#
        );
        assert_eq!(
            r(s(TextOp::Eq, "Binary Data")).unwrap(),
            r#"RegistryValueType eq "Binary""#
        );
        assert!(r(s(TextOp::Contains, "DWORD (0x0000")).is_err());
        assert_eq!(
            r(s(TextOp::Contains, "DWORD (0x00000001)")).unwrap(),
            r#"RegistryValueType eq "Dword" and RegistryValueData eq "1""#
        );
        assert!(r(s(TextOp::Eq, "DWORD (00000001)")).is_err());
        assert_eq!(
            r(s(TextOp::Contains, "powershell")).unwrap(),
            r#"RegistryValueData contains "powershell""#
        );
    }

    #[test]
    fn pipes_get_the_device_prefix_when_anchored() {
        let p = |op| pipe_name("P", op).unwrap().to_string();
        assert_eq!(
            p(s(TextOp::Eq, "\\lsarpc")),
            r#"P eq "\\Device\\NamedPipe\\lsarpc""#
        );
        assert_eq!(
            p(s(TextOp::StartsWith, "\\msagent_")),
            r#"P startswith "\\Device\\NamedPipe\\msagent_""#
        );
        assert_eq!(
            p(s(TextOp::Contains, "\\msagent_")),
            r#"P contains "\\msagent_""#
        );
        assert_eq!(p(s(TextOp::EndsWith, "_pipe")), r#"P endswith "_pipe""#);
    }

    #[test]
    fn file_names_only_from_values_that_end_the_path() {
        let f = |op| file_name("ParentImage", "F", op).map(|e| e.to_string());
        assert_eq!(
            f(s(TextOp::EndsWith, "\\cmd.exe")).unwrap(),
            r#"F eq "cmd.exe""#
        );
        assert_eq!(
            f(s(TextOp::EndsWith, "cmd.exe")).unwrap(),
            r#"F endswith "cmd.exe""#
        );
        assert!(f(s(TextOp::Contains, "\\Temp\\")).is_err());
        assert!(f(s(TextOp::Eq, "C:\\Windows\\cmd.exe")).is_err());
        assert!(f(s(TextOp::EndsWith, "\\Temp\\x.exe")).is_err());
    }

    #[test]
    fn hex_numbers() {
        assert_eq!(
            hex_number("GrantedAccess", "A", s(TextOp::Eq, "0x1410"))
                .unwrap()
                .to_string(),
            "A == 5136"
        );
        assert!(hex_number("GrantedAccess", "A", s(TextOp::EndsWith, "10")).is_err());
    }

    #[test]
    fn hashes_split_by_algorithm() {
        let map: IndexMap<String, String> = [("MD5", "MD5"), ("SHA256", "SHA256")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let md5 = "0123456789abcdef0123456789abcdef";
        let h = |op| match hashes(&map, &op) {
            Ok(Mapped::Expr(e)) => Ok(e.to_string()),
            Ok(Mapped::Never(why)) => Err(format!("never: {why}")),
            Err(e) => Err(e.message),
        };
        assert_eq!(
            h(s(TextOp::Contains, &format!("MD5={md5}"))),
            Ok(format!(r#"MD5 eq "{md5}""#))
        );
        assert_eq!(h(s(TextOp::Eq, md5)), Ok(format!(r#"MD5 eq "{md5}""#)));
        assert_eq!(
            h(s(TextOp::Contains, "IMPHASH=abc")),
            Err(r#"never: `Hashes` "IMPHASH=abc": no IMPHASH column (the target records only MD5, SHA256)"#.into())
        );
        assert!(
            h(s(TextOp::Contains, "SHA1=abc"))
                .unwrap_err()
                .starts_with("never:")
        );
        assert!(h(s(TextOp::Contains, "CRC=abc")).is_err());
    }

    #[test]
    fn enumerations() {
        let map: IndexMap<String, Vec<String>> =
            [("true".to_string(), vec!["A".to_string(), "B".to_string()])]
                .into_iter()
                .collect();
        assert_eq!(
            value_map("Initiated", "ActionType", &map, &s(TextOp::Eq, "True"))
                .unwrap()
                .to_string(),
            r#"ActionType eq:cs "A" or ActionType eq:cs "B""#
        );
        assert!(value_map("Initiated", "ActionType", &map, &s(TextOp::Eq, "maybe")).is_err());
    }
}
