//! The one integration-test binary. Snapshots live in the top-level `snapshots/` folder.

mod cli; // the command line: exit codes, output formats, stdin, bad paths
mod corpus; // the SigmaHQ corpus in ../shared/sigma, when it is present
mod diagnostics; // every error and warning kind, from tests/fixtures/errors
mod eval; // the evaluator: semantics rows in both modes, inputs, labels, the seed end to end
mod exclusions; // exclusion scenarios: filter grammar, malformed filters, lint, RustDesk, seed, Sigma filters
mod ir; // the IR of the fixture rules (tests/fixtures/ir) and of the project's rules/
mod kql; // KQL of the fixture rules (tests/fixtures/kql) with the microsoft_xdr pipeline
mod robustness; // property tests: the loaders and the condition and exclusion parsers never panic; round trips
mod sentinel; // Sentinel analytic rules: the RustDesk rules with the seed scenarios, limits
mod stream; // streaming evaluation, EVTX input (and damaged EVTX), streamed = read whole
mod support; // shared helpers
mod yaml; // the fast YAML reader agrees with yaml_serde: SigmaHQ, the project's files, random edits
