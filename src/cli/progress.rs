//! A progress bar on standard error for long batches, drawn only on a terminal (quiet when
//! the output goes to a file or a pipe, and for short batches).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Batches smaller than this finish before a bar would help.
const MIN_ITEMS: u64 = 50;

/// A progress bar, or nothing.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar for `total` items, shown when standard error is a terminal.
    pub fn new(total: u64, what: &str) -> Progress {
        if total < MIN_ITEMS || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{prefix} [{bar:40}] {pos}/{len} {elapsed}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(what.to_string());
        Progress(Some(bar))
    }

    /// A running count (of events read, say), shown on a terminal.
    pub fn counter(what: &str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {human_pos} {prefix} {elapsed}")
        {
            bar.set_style(style);
        }
        bar.set_prefix(what.to_string());
        Progress(Some(bar))
    }

    /// `n` more items done.
    pub fn add(&self, n: u64) {
        if let Some(b) = &self.0 {
            b.inc(n);
        }
    }

    /// One item done.
    pub fn inc(&self) {
        if let Some(b) = &self.0 {
            b.inc(1);
        }
    }

    /// The batch is done: the bar is cleared.
    pub fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

/// Loads rule files with a bar (`loading`).
pub fn load(inputs: &[crate::files::Input]) -> Vec<crate::rule::LoadedFile> {
    let bar = Progress::new(inputs.len() as u64, "loading");
    let files = crate::check::load_inputs_with(inputs, &|| bar.inc());
    bar.finish();
    files
}

/// Converts loaded files with a bar (`converting`).
pub fn convert(
    files: &[crate::rule::LoadedFile],
    pipeline: &crate::pipeline::Pipeline,
    scenarios: &[crate::exclusion::Scenario],
) -> Vec<crate::convert::Conversion> {
    let bar = Progress::new(files.len() as u64, "converting");
    let out = crate::convert::convert_files_with(files, pipeline, scenarios, &|| bar.inc());
    bar.finish();
    out
}
