//! Backends: renderers of the mapped IR into a target language.

pub mod kql;
pub mod sentinel;
