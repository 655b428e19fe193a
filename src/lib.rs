//! sigma-kql: Sigma rules and exclusion scenarios to KQL for Microsoft Sentinel and Defender
//! XDR, with a local evaluator of the same meaning.
//!
//! The flow: a Sigma file is loaded into the rule model ([`rule`]), its conditions are parsed
//! ([`syntax`]) and lowered with the detection into the intermediate representation ([`ir`],
//! [`lower`]). Both the KQL backend and the evaluator read that one IR.
//!
//! ```
//! let file = sigma_kql::rule::load_source("example.yml", r#"
//! title: Whoami
//! logsource: {category: process_creation, product: windows}
//! detection:
//!     selection:
//!         Image|endswith: '\whoami.exe'
//!     condition: selection
//! "#);
//! let doc = file.documents[0].document.as_ref().unwrap();
//! let sigma_kql::rule::Document::Rule(rule) = doc else { panic!() };
//! assert_eq!(rule.conditions[0].expr.to_string(), r#"Image endswith "\\whoami.exe""#);
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod backend;
pub mod check;
pub mod cli;
pub mod condition;
pub mod convert;
pub mod diag;
pub mod eval;
pub mod exclusion;
pub mod files;
pub mod ir;
pub mod lower;
pub mod pipeline;
pub mod precedence;
pub mod report;
pub mod rule;
pub mod ruletest;
pub mod source;
pub mod syntax;
pub mod text;
pub mod yaml;
