//! The progress bar for bulk work: on stderr, and only when stderr is a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use stytch_connected_apps::bulk::Progress;

/// A bar counting `unit` (e.g. "members"), hidden unless stderr is a terminal.
pub fn bar(unit: &'static str) -> ProgressBar {
    let target =
        if std::io::stderr().is_terminal() { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
    let bar = ProgressBar::with_draw_target(None, target);
    let template = format!("{{bar:40}} {{pos}}/{{len}} {unit} ({{elapsed}})");
    // The template is a constant with known keys: it cannot fail to parse; fall back to the default if it did.
    bar.set_style(ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()));
    bar
}

/// A callback for the library's `on_progress` that moves `bar`.
pub fn follow(bar: &ProgressBar) -> impl Fn(Progress) + Send + Sync + 'static {
    let bar = bar.clone();
    move |progress| {
        bar.set_length(progress.total as u64);
        bar.set_position(progress.done as u64);
    }
}
