//! Microsoft Sentinel scheduled analytic rules in the YAML format of the Azure-Sentinel content
//! repository (the format of the first seed): one rule per converted query, with the rule's
//! exclusions in its query, severity from `level`, tactics and techniques from the ATT&CK tags,
//! the data connector of the table, and entity mappings from the table's columns.
//!
//! Every value comes from the sets Sentinel's template validation accepts; what the rule cannot
//! give (a table Sentinel does not hold, a column its schema lacks, a query over Sentinel's
//! length limit) is a per-rule error, never a template that fails to deploy.

use serde::Serialize;

use crate::pipeline::{ConvertError, MappedQuery, Reason, schema};
use crate::rule::{Level, Meta};

/// Sentinel's limit on a rule's query, in characters.
pub const MAX_QUERY: usize = 10_000;
/// Sentinel's limit on a rule's name.
const MAX_NAME: usize = 256;
/// Sentinel's limit on a rule's description.
const MAX_DESCRIPTION: usize = 5_000;

/// How often a rule runs, how far back it looks, and when it raises an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// `queryFrequency`, in minutes.
    pub frequency: u32,
    /// `queryPeriod`, in minutes.
    pub period: u32,
    /// `triggerThreshold`: an alert when the query returns more rows than this.
    pub threshold: u32,
}

impl Default for Schedule {
    /// Every hour over the last hour, an alert for any row.
    fn default() -> Self {
        Schedule {
            frequency: 60,
            period: 60,
            threshold: 0,
        }
    }
}

/// The shortest and longest schedule Sentinel accepts: 5 minutes and 14 days.
const SCHEDULE_RANGE: std::ops::RangeInclusive<u32> = 5..=14 * 24 * 60;

impl Schedule {
    /// Checks a schedule against Sentinel's rules: frequency and period within 5m…14d, the
    /// period at least the frequency, a threshold within 0…10000.
    pub fn new(frequency: u32, period: u32, threshold: u32) -> Result<Schedule, String> {
        for (name, v) in [("query frequency", frequency), ("query period", period)] {
            if !SCHEDULE_RANGE.contains(&v) {
                return Err(format!(
                    "the {name} {} is outside what Sentinel accepts (5m to 14d)",
                    duration_text(v)
                ));
            }
        }
        if period < frequency {
            return Err(format!(
                "the query period {} is shorter than the query frequency {}: events between two runs would never be looked at",
                duration_text(period),
                duration_text(frequency)
            ));
        }
        if period >= 2 * 24 * 60 && frequency < 60 {
            return Err(format!(
                "a query period of {} needs a query frequency of at least 1h (Sentinel's rule for periods of 2 days or more), not {}",
                duration_text(period),
                duration_text(frequency)
            ));
        }
        if threshold > 10_000 {
            return Err(format!(
                "the trigger threshold {threshold} is above Sentinel's maximum of 10000"
            ));
        }
        Ok(Schedule {
            frequency,
            period,
            threshold,
        })
    }
}

/// Parses a duration as Sentinel writes it: a whole number of minutes, hours or days (`5m`,
/// `1h`, `14d`), into minutes.
pub fn parse_duration(text: &str) -> Result<u32, String> {
    let t = text.trim();
    let split = t.char_indices().last().map_or(0, |(i, _)| i);
    let (digits, unit) = t.split_at(split);
    let per = match unit {
        "m" => 1,
        "h" => 60,
        "d" => 24 * 60,
        _ => {
            return Err(format!(
                "`{text}` is not a duration: write minutes, hours or days, e.g. 5m, 1h, 1d"
            ));
        }
    };
    digits
        .parse::<u32>()
        .ok()
        .and_then(|n| n.checked_mul(per))
        .ok_or_else(|| format!("`{text}` is not a duration: write e.g. 5m, 1h, 1d"))
}

/// A duration in minutes as Sentinel writes it, in the largest whole unit.
pub fn duration_text(minutes: u32) -> String {
    if minutes % (24 * 60) == 0 {
        format!("{}d", minutes / (24 * 60))
    } else if minutes % 60 == 0 {
        format!("{}h", minutes / 60)
    } else {
        format!("{minutes}m")
    }
}

/// A duration in minutes in ISO 8601, as the Sentinel API takes it (`PT1H`, `P1D`, `PT90M`).
pub fn duration_iso(minutes: u32) -> String {
    if minutes % (24 * 60) == 0 {
        format!("P{}D", minutes / (24 * 60))
    } else if minutes % 60 == 0 {
        format!("PT{}H", minutes / 60)
    } else {
        format!("PT{minutes}M")
    }
}

/// The API version the ARM resources are written for: the one the Sentinel portal's export
/// and Sentinel repositories use, which has `subTechniques`.
pub const ARM_API_VERSION: &str = "2023-12-01-preview";

/// The rule as an ARM resource of type `Microsoft.SecurityInsights/alertRules` (kind
/// Scheduled) in the workspace given by the template's `workspace` parameter: what the
/// portal's import, Sentinel repositories and the REST API deploy. Techniques go to
/// `techniques` (`T1059`) and sub-techniques to `subTechniques` (`T1059.001`), with their
/// parent technique listed too, as the API wants.
pub fn arm_resource(rule: &AnalyticRule, schedule: &Schedule) -> serde_json::Value {
    use serde_json::json;
    let mut techniques: Vec<String> = Vec::new();
    let mut sub_techniques: Vec<String> = Vec::new();
    for t in &rule.relevant_techniques {
        let parent = t.split('.').next().unwrap_or(t).to_string();
        if t.contains('.') && !sub_techniques.contains(t) {
            sub_techniques.push(t.clone());
        }
        if !techniques.contains(&parent) {
            techniques.push(parent);
        }
    }
    let id = &rule.id;
    // ARM evaluates a string in brackets as an expression: `[[` keeps a leading `[` literal.
    let text = |s: &str| {
        if s.starts_with('[') {
            format!("[{s}")
        } else {
            s.to_string()
        }
    };
    json!({
        "id": format!("[concat(resourceId('Microsoft.OperationalInsights/workspaces/providers', parameters('workspace'), 'Microsoft.SecurityInsights'), '/alertRules/{id}')]"),
        "name": format!("[concat(parameters('workspace'), '/Microsoft.SecurityInsights/{id}')]"),
        "type": "Microsoft.OperationalInsights/workspaces/providers/alertRules",
        "kind": "Scheduled",
        "apiVersion": ARM_API_VERSION,
        "properties": {
            "displayName": text(&rule.name),
            "description": text(&rule.description),
            "severity": rule.severity,
            "enabled": true,
            "query": text(&rule.query),
            "queryFrequency": duration_iso(schedule.frequency),
            "queryPeriod": duration_iso(schedule.period),
            "triggerOperator": "GreaterThan",
            "triggerThreshold": rule.trigger_threshold,
            "suppressionDuration": "PT5H",
            "suppressionEnabled": false,
            "tactics": rule.tactics,
            "techniques": techniques,
            "subTechniques": sub_techniques,
            "entityMappings": rule.entity_mappings,
            "eventGroupingSettings": {"aggregationKind": "SingleAlert"},
            "incidentConfiguration": {
                "createIncident": true,
                "groupingConfiguration": {
                    "enabled": false,
                    "reopenClosedIncident": false,
                    "lookbackDuration": "PT5H",
                    "matchingMethod": "AllEntities",
                    "groupByEntities": [],
                    "groupByAlertDetails": [],
                    "groupByCustomDetails": []
                }
            }
        }
    })
}

/// An ARM deployment template holding `resources`, with the workspace as its parameter.
pub fn arm_template(resources: Vec<serde_json::Value>) -> String {
    let t = serde_json::json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {
            "workspace": {
                "type": "String",
                "metadata": {"description": "The Log Analytics workspace Microsoft Sentinel runs on"}
            }
        },
        "resources": resources
    });
    let mut s = serde_json::to_string_pretty(&t).unwrap_or_default();
    s.push('\n');
    s
}

/// The Azure-Sentinel template, field by field, in the content repository's order.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyticRule {
    /// A GUID: the Sigma id, or one derived from it.
    pub id: String,
    /// The rule's title.
    pub name: String,
    /// The rule's description (and references).
    pub description: String,
    /// Informational, Low, Medium or High.
    pub severity: &'static str,
    /// The connector and table the query reads.
    pub required_data_connectors: Vec<DataConnector>,
    /// e.g. `1h`.
    pub query_frequency: String,
    /// e.g. `1h`.
    pub query_period: String,
    /// Always `gt`.
    pub trigger_operator: &'static str,
    /// Alert when more rows than this.
    pub trigger_threshold: u32,
    /// ATT&CK tactics in Sentinel's spelling.
    pub tactics: Vec<String>,
    /// ATT&CK techniques and sub-techniques (`T1219`, `T1059.001`).
    pub relevant_techniques: Vec<String>,
    /// The KQL, with the rule's exclusions.
    pub query: String,
    /// Entities from the table's columns.
    pub entity_mappings: Vec<EntityMapping>,
    /// Template version.
    pub version: &'static str,
    /// Always `Scheduled`.
    pub kind: &'static str,
}

/// A data connector and the tables it provides.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataConnector {
    /// e.g. `MicrosoftThreatProtection`.
    pub connector_id: &'static str,
    /// e.g. `DeviceProcessEvents`.
    pub data_types: Vec<String>,
}

/// An entity of an alert, filled from columns of the query's result.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityMapping {
    /// e.g. `Host`.
    pub entity_type: &'static str,
    /// One to three identifiers and the columns that give them.
    pub field_mappings: Vec<FieldMapping>,
}

/// One identifier of an entity.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldMapping {
    /// e.g. `FullName`.
    pub identifier: &'static str,
    /// e.g. `DeviceName`.
    pub column_name: &'static str,
}

/// Which connector brings each table into a Sentinel workspace.
const CONNECTORS: &[(&str, &str)] = &[
    // Defender XDR's advanced-hunting tables, streamed by the Microsoft Defender XDR connector.
    ("DeviceProcessEvents", "MicrosoftThreatProtection"),
    ("DeviceFileEvents", "MicrosoftThreatProtection"),
    ("DeviceRegistryEvents", "MicrosoftThreatProtection"),
    ("DeviceNetworkEvents", "MicrosoftThreatProtection"),
    ("DeviceImageLoadEvents", "MicrosoftThreatProtection"),
    ("DeviceEvents", "MicrosoftThreatProtection"),
    ("DeviceLogonEvents", "MicrosoftThreatProtection"),
    ("DeviceFileCertificateInfo", "MicrosoftThreatProtection"),
    ("DeviceInfo", "MicrosoftThreatProtection"),
    ("DeviceNetworkInfo", "MicrosoftThreatProtection"),
    // Windows security events through the agent-based connector.
    ("SecurityEvent", "SecurityEvents"),
    ("Syslog", "Syslog"),
];

/// An entity type and its alternative mappings, each a list of (identifier, column).
type EntityChoice = (
    &'static str,
    &'static [&'static [(&'static str, &'static str)]],
);

/// Candidate entities, most useful first; for each, alternatives tried in order, the first
/// whose columns the table has is taken. At most five entities are mapped (Sentinel's limit).
const ENTITIES: &[EntityChoice] = &[
    (
        "Host",
        &[&[("FullName", "DeviceName")], &[("HostName", "Computer")]],
    ),
    (
        "Account",
        &[
            &[
                ("Name", "AccountName"),
                ("NTDomain", "AccountDomain"),
                ("Sid", "AccountSid"),
            ],
            &[
                ("Name", "InitiatingProcessAccountName"),
                ("NTDomain", "InitiatingProcessAccountDomain"),
                ("Sid", "InitiatingProcessAccountSid"),
            ],
            &[("FullName", "Account")],
        ],
    ),
    (
        "Process",
        &[
            &[
                ("ProcessId", "ProcessId"),
                ("CommandLine", "ProcessCommandLine"),
            ],
            &[
                ("ProcessId", "InitiatingProcessId"),
                ("CommandLine", "InitiatingProcessCommandLine"),
            ],
        ],
    ),
    (
        "File",
        &[&[("Name", "FileName"), ("Directory", "FolderPath")]],
    ),
    ("RegistryKey", &[&[("Key", "RegistryKey")]]),
    (
        "RegistryValue",
        &[&[
            ("Name", "RegistryValueName"),
            ("Value", "RegistryValueData"),
        ]],
    ),
    (
        "IP",
        &[&[("Address", "RemoteIP")], &[("Address", "IpAddress")]],
    ),
    ("URL", &[&[("Url", "RemoteUrl")]]),
];

/// The tactics Sentinel knows (its `AttackTactic` enumeration).
const TACTICS: &[&str] = &[
    "Reconnaissance",
    "ResourceDevelopment",
    "InitialAccess",
    "Execution",
    "Persistence",
    "PrivilegeEscalation",
    "DefenseEvasion",
    "CredentialAccess",
    "Discovery",
    "LateralMovement",
    "Collection",
    "Exfiltration",
    "CommandAndControl",
    "Impact",
    "ImpairProcessControl",
    "InhibitResponseFunction",
];

/// What the template needs of a rule besides its query.
pub struct Source<'a> {
    /// The rule's metadata.
    pub meta: &'a Meta,
    /// Which of the rule's conditions (0 for the first) the query is.
    pub condition: usize,
    /// How many conditions the rule has.
    pub conditions: usize,
    /// The rule's file, as given (part of a derived id when the rule has no id).
    pub path: &'a str,
}

/// The template for one query of a rule, and the warnings a reviewer should read (tags that
/// are not Sentinel tactics, techniques without a tactic, a text cut to Sentinel's limits).
pub fn analytic_rule(
    src: &Source<'_>,
    mapped: &MappedQuery,
    query: &str,
    schedule: &Schedule,
) -> Result<(AnalyticRule, Vec<String>), ConvertError> {
    let mut warnings = Vec::new();
    let length = query.chars().count();
    if length > MAX_QUERY {
        return Err(ConvertError::new(
            Reason::TooLong,
            format!(
                "the query has {length} characters, over Sentinel's limit of {MAX_QUERY}: split the rule, or use the kql output in Defender advanced hunting"
            ),
        ));
    }
    let Some(connector) = CONNECTORS
        .iter()
        .find(|(t, _)| *t == mapped.table)
        .map(|(_, c)| *c)
    else {
        return Err(ConvertError::new(
            Reason::UnsupportedLogsource,
            format!(
                "no Sentinel data connector is known for the table {}",
                mapped.table
            ),
        ));
    };
    let Some(table) = schema::schema("sentinel").and_then(|s| s.table(&mapped.table)) else {
        return Err(ConvertError::new(
            Reason::UnsupportedLogsource,
            format!("Sentinel's schema has no table {}", mapped.table),
        ));
    };
    if let Some(c) = mapped
        .columns()
        .into_iter()
        .find(|c| table.column(c).is_none())
    {
        return Err(ConvertError::new(
            Reason::UnmappedField,
            format!(
                "the column {c} of Defender's {} is not streamed to Sentinel's {}: the query runs in Defender advanced hunting only (use the kql output)",
                mapped.table, mapped.table
            ),
        ));
    }
    let meta = src.meta;
    let (tactics, techniques) = attack_tags(&meta.tags, &mut warnings);
    let severity = match meta.level {
        Some(Level::Informational) => "Informational",
        Some(Level::Low) => "Low",
        Some(Level::Medium) => "Medium",
        Some(Level::High | Level::Critical) => "High",
        None => {
            warnings.push("the rule has no level; its Sentinel severity is Medium".into());
            "Medium"
        }
    };
    let mut name = meta.title.clone();
    let mut id = meta
        .id
        .as_deref()
        .filter(|id| crate::rule::is_uuid(id))
        .map(str::to_ascii_lowercase);
    if src.conditions > 1 {
        name = format!("{name} (condition {})", src.condition + 1);
        if src.condition > 0 {
            id = None;
        }
    }
    let id = id.unwrap_or_else(|| {
        // The Sigma id when there is one (not a UUID), else the title in its file.
        let key = match meta.id.as_deref() {
            Some(id) => id.to_string(),
            // `/` whatever the platform writes, so that a checkout on Windows keeps the ids.
            None => format!("{}@{}", meta.title, src.path.replace('\\', "/")),
        };
        derived_uuid(&format!("{key}#{}", src.condition))
    });
    if name.chars().count() > MAX_NAME {
        name = cut(&name, MAX_NAME);
        warnings.push(format!(
            "the title is cut to Sentinel's {MAX_NAME} characters"
        ));
    }
    let mut description = meta
        .description
        .as_deref()
        .unwrap_or(&meta.title)
        .trim_end()
        .to_string();
    if !meta.references.is_empty() {
        description.push_str("\n\nReferences:");
        for r in &meta.references {
            description.push_str("\n- ");
            description.push_str(r);
        }
    }
    if description.chars().count() > MAX_DESCRIPTION {
        description = cut(&description, MAX_DESCRIPTION);
        warnings.push(format!(
            "the description is cut to Sentinel's {MAX_DESCRIPTION} characters"
        ));
    }
    let entity_mappings = entities(|c| table.column(c).is_some());
    let rule = AnalyticRule {
        id,
        name,
        description,
        severity,
        required_data_connectors: vec![DataConnector {
            connector_id: connector,
            data_types: vec![mapped.table.clone()],
        }],
        query_frequency: duration_text(schedule.frequency),
        query_period: duration_text(schedule.period),
        trigger_operator: "gt",
        trigger_threshold: schedule.threshold,
        tactics,
        relevant_techniques: techniques,
        query: query.to_string(),
        entity_mappings,
        version: "1.0.0",
        kind: "Scheduled",
    };
    Ok((rule, warnings))
}

/// The entities whose columns the table has, most useful first, at most five.
fn entities(has: impl Fn(&str) -> bool) -> Vec<EntityMapping> {
    ENTITIES
        .iter()
        .filter_map(|(entity, alternatives)| {
            alternatives
                .iter()
                .find(|cols| cols.iter().all(|(_, c)| has(c)))
                .map(|cols| EntityMapping {
                    entity_type: entity,
                    field_mappings: cols
                        .iter()
                        .map(|(identifier, column_name)| FieldMapping {
                            identifier,
                            column_name,
                        })
                        .collect(),
                })
        })
        .take(5)
        .collect()
}

/// Tactics (`attack.command-and-control` → `CommandAndControl`) and techniques
/// (`attack.t1059.001` → `T1059.001`) from the rule's tags, in tag order without repeats.
/// Groups, software and campaigns (`attack.g0016`, `attack.s0002`, `attack.c0001`) are not
/// Sentinel fields and are left out silently; other unknown tactics with a warning.
fn attack_tags(tags: &[String], warnings: &mut Vec<String>) -> (Vec<String>, Vec<String>) {
    let mut tactics: Vec<String> = Vec::new();
    let mut techniques: Vec<String> = Vec::new();
    for tag in tags {
        let lower = tag.to_ascii_lowercase();
        let Some(rest) = lower.strip_prefix("attack.") else {
            continue;
        };
        let bytes = rest.as_bytes();
        let is_id = bytes.len() > 1 && bytes[1..].iter().all(|b| b.is_ascii_digit() || *b == b'.');
        if is_id && bytes[0] == b't' {
            let t = rest.to_ascii_uppercase();
            let dots = t.matches('.').count();
            let valid = (t.len() == 5 && dots == 0)
                || (t.len() == 9 && t.as_bytes()[5] == b'.' && dots == 1);
            if !valid {
                warnings.push(format!(
                    "the tag {tag} is not an ATT&CK technique id; left out"
                ));
            } else if !techniques.contains(&t) {
                techniques.push(t);
            }
            continue;
        }
        if is_id {
            continue;
        }
        let pascal: String = rest
            .split(['-', '_'])
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        match TACTICS.iter().find(|t| t.eq_ignore_ascii_case(&pascal)) {
            Some(t) => {
                if !tactics.iter().any(|x| x == t) {
                    tactics.push((*t).to_string());
                }
            }
            None => warnings.push(format!(
                "the tag {tag} is not one of Sentinel's tactics; left out"
            )),
        }
    }
    if tactics.is_empty() && !techniques.is_empty() {
        // Sentinel rejects a technique whose tactic the rule does not list.
        warnings.push(format!(
            "the rule names techniques ({}) but no tactic: Sentinel refuses techniques without their tactic, so they are left out; add an attack.<tactic> tag",
            techniques.join(", ")
        ));
        techniques.clear();
    }
    (tactics, techniques)
}

/// `text` cut to `max` characters, ending in `…`.
fn cut(text: &str, max: usize) -> String {
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// A stable UUID for a rule without one: version 8 (custom), its 122 free bits from a 128-bit
/// FNV-1a hash of `key`, so that regenerating the template keeps the id Sentinel tracks.
pub fn derived_uuid(key: &str) -> String {
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013B;
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in b"sigma-kql:".iter().chain(key.as_bytes()) {
        h ^= u128::from(*b);
        h = h.wrapping_mul(PRIME);
    }
    // Version 8 in bits 48..52 from the top, variant 0b10 in the two bits after bit 64.
    h = (h & !(0xF_u128 << 76)) | (0x8_u128 << 76);
    h = (h & !(0x3_u128 << 62)) | (0x2_u128 << 62);
    let x = format!("{h:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &x[0..8],
        &x[8..12],
        &x[12..16],
        &x[16..20],
        &x[20..32]
    )
}

/// The template as YAML, headed by its warnings as comments.
pub fn to_yaml(rule: &AnalyticRule, warnings: &[String]) -> Result<String, ConvertError> {
    let mut out = String::new();
    for w in warnings {
        out.push_str(&format!("# warning: {}\n", crate::text::one_line(w)));
    }
    let body = serde_yaml::to_string(rule).map_err(|e| {
        ConvertError::new(
            Reason::UnsupportedValue,
            format!("the Sentinel rule cannot be written as YAML: {e}"),
        )
    })?;
    out.push_str(&body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("5m"), Ok(5));
        assert_eq!(parse_duration("1h"), Ok(60));
        assert_eq!(parse_duration("14d"), Ok(20160));
        assert!(parse_duration("1w").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("5é").is_err());
        assert!(parse_duration("é").is_err());
        assert!(parse_duration("99999999999d").is_err());
        assert_eq!(duration_text(90), "90m");
        assert_eq!(duration_text(120), "2h");
        assert_eq!(duration_text(2880), "2d");
    }

    #[test]
    fn schedules_within_sentinel_limits() {
        assert!(Schedule::new(5, 2879, 0).is_ok());
        assert!(Schedule::new(4, 60, 0).unwrap_err().contains("5m to 14d"));
        assert!(Schedule::new(60, 20161, 0).unwrap_err().contains("14d"));
        assert!(Schedule::new(120, 60, 0).unwrap_err().contains("shorter"));
        assert!(Schedule::new(60, 60, 10_001).unwrap_err().contains("10000"));
        assert!(
            Schedule::new(30, 2 * 24 * 60, 0)
                .unwrap_err()
                .contains("at least 1h")
        );
        assert!(Schedule::new(60, 14 * 24 * 60, 0).is_ok());
    }

    #[test]
    fn tags_to_tactics_and_techniques() {
        let tags: Vec<String> = [
            "attack.command-and-control",
            "attack.t1219",
            "attack.T1059.001",
            "attack.defense_evasion",
            "attack.g0016",
            "attack.s0002",
            "attack.t1219",
            "attack.not-a-tactic",
            "cve.2021-44228",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut w = Vec::new();
        let (tactics, techniques) = attack_tags(&tags, &mut w);
        assert_eq!(tactics, ["CommandAndControl", "DefenseEvasion"]);
        assert_eq!(techniques, ["T1219", "T1059.001"]);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("attack.not-a-tactic"));
        let mut w = Vec::new();
        let (t, techniques) = attack_tags(&["attack.t1003".to_string()], &mut w);
        assert!(t.is_empty());
        assert!(techniques.is_empty(), "left out without a tactic");
        assert!(w[0].contains("no tactic"));
    }

    #[test]
    fn derived_uuids_are_stable_version_8() {
        let a = derived_uuid("rule-a#0");
        assert_eq!(a, derived_uuid("rule-a#0"));
        assert_ne!(a, derived_uuid("rule-a#1"));
        assert!(crate::rule::is_uuid(&a), "{a}");
        assert_eq!(&a[14..15], "8");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
    }

    #[test]
    fn entities_follow_the_columns() {
        let process = entities(|c| {
            [
                "DeviceName",
                "AccountName",
                "AccountDomain",
                "AccountSid",
                "ProcessId",
                "ProcessCommandLine",
                "FileName",
                "FolderPath",
            ]
            .contains(&c)
        });
        let kinds: Vec<&str> = process.iter().map(|e| e.entity_type).collect();
        assert_eq!(kinds, ["Host", "Account", "Process", "File"]);
        let network = entities(|c| {
            c.starts_with("InitiatingProcess")
                || ["DeviceName", "RemoteIP", "RemoteUrl"].contains(&c)
        });
        let kinds: Vec<&str> = network.iter().map(|e| e.entity_type).collect();
        assert_eq!(kinds, ["Host", "Account", "Process", "IP", "URL"]);
        assert_eq!(
            network[1].field_mappings[0].column_name,
            "InitiatingProcessAccountName"
        );
    }
}
