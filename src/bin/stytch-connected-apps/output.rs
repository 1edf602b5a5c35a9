//! Writing results to stdout: JSON (the library's types, exact), CSV, or an aligned table. Server-provided text is
//! escaped in tables and CSV, so an app name cannot move the cursor, retitle the terminal or reorder what it shows;
//! CSV cells cannot start a spreadsheet formula; JSON writes such characters as JSON escapes (`\u009b`): the same
//! strings.

use std::io::Write;

use serde::Serialize;
use stytch_connected_apps::bulk::{ConsentReport, RevokeOutcome, RevokeReport, UserRevokeReport};
use stytch_connected_apps::models::{
    MemberConnectedAppsResponse, OrganizationConnectedAppResponse, OrganizationConnectedAppsResponse,
    UserConnectedAppsResponse,
};

use crate::args::Format;

/// Rows for CSV and tables: a header, then the cells.
pub struct Rows {
    header: &'static [&'static str],
    rows: Vec<Vec<String>>,
    /// The last column is written as it is in CSV, without the `'` that keeps a spreadsheet from reading a formula
    /// (a secret: changed, it would not work). Control characters are escaped still.
    exact_last: bool,
}

impl Rows {
    /// A header and its rows (each as long as the header).
    pub fn new(header: &'static [&'static str], rows: Vec<Vec<String>>) -> Self {
        Self { header, rows, exact_last: false }
    }

    /// The same rows, the last column kept exact in CSV.
    pub fn with_exact_last_column(self) -> Self {
        Self { exact_last: true, ..self }
    }
}

/// The credentials this run holds (the project secret, the member session), cut out of anything written: a hostile
/// server could echo one inside an app's name, and a success body is not scrubbed by the library.
static SECRETS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

/// Sets the values [`write`] never prints (those shorter than 8 characters cannot be told from ordinary text and
/// are not credentials Stytch issues).
pub fn never_print(secrets: impl IntoIterator<Item = String>) {
    let _ = SECRETS.set(secrets.into_iter().filter(|s| s.len() >= 8).collect());
}

/// Writes `value` (JSON) or `rows` (CSV, table) to stdout, without the run's credentials.
pub fn write(format: Format, value: &impl Serialize, rows: Rows) -> std::io::Result<()> {
    let mut rendered = Vec::new();
    render(format, value, rows, &mut rendered)?;
    std::io::stdout().lock().write_all(scrub(&String::from_utf8_lossy(&rendered)).as_bytes())
}

/// `text` without the run's credentials: for anything else printed that carries server text (the prompt names the
/// app as the server calls it).
pub fn scrub(text: &str) -> String {
    let mut text = text.to_owned();
    for secret in SECRETS.get().into_iter().flatten() {
        text = text.replace(secret.as_str(), "<redacted>");
    }
    text
}

fn render(format: Format, value: &impl Serialize, rows: Rows, rendered: &mut Vec<u8>) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let json = serde_json::to_string_pretty(value)?;
            writeln!(rendered, "{}", json_for_terminal(&json))?;
        }
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(&mut *rendered);
            csv.write_record(rows.header)?;
            // Escaped like the table: a CSV printed to a terminal must not carry escape sequences either.
            for row in &rows.rows {
                let last = row.len().saturating_sub(1);
                csv.write_record(row.iter().enumerate().map(|(i, cell)| {
                    if rows.exact_last && i == last { escape(cell) } else { spreadsheet_text(escape(cell)) }
                }))?;
            }
            csv.flush()?;
        }
        Format::Table => write_table(rendered, &rows)?,
    }
    Ok(())
}

fn write_table(out: &mut impl Write, rows: &Rows) -> std::io::Result<()> {
    let cells: Vec<Vec<String>> = std::iter::once(rows.header.iter().map(|h| (*h).to_owned()).collect())
        .chain(rows.rows.iter().map(|row| row.iter().map(|cell| escape(cell)).collect()))
        .collect();
    let mut widths = vec![0; rows.header.len()];
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    for row in &cells {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(&widths).enumerate() {
            if i + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', width - cell.chars().count() + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// Server text made safe for one cell of a terminal line: control characters (C0, DEL, C1), line and paragraph
/// separators, bidirectional formatting and invisible characters written as Rust escapes (`\n`, `\u{1b}`,
/// `\u{202e}`), so an app name can neither send escape sequences nor show itself in another order than it is stored.
pub fn escape(text: &str) -> String {
    crate::escape::Escaped(text).to_string()
}

/// The same JSON value, with every non-ASCII character that [`escape`] would escape (C1 controls such as the
/// one-character CSI U+009B, line separators, bidirectional and invisible characters) written as a JSON escape
/// (`\u009b`): nothing a terminal acts on reaches it, and a JSON reader gets the exact same strings. (serde_json
/// escapes the ASCII controls itself; non-ASCII characters occur only inside strings, where an escape means the
/// same.)
fn json_for_terminal(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if !c.is_ascii() && crate::escape::needs_escape(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A CSV cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@` first) gets a leading `'`, as OWASP
/// advises for CSV injection: an app named `=HYPERLINK(...)` stays text when the audit is opened.
fn spreadsheet_text(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@']) { format!("'{cell}") } else { cell }
}

fn outcome(outcome: &RevokeOutcome) -> (&'static str, String) {
    match outcome {
        RevokeOutcome::Revoked { request_id } => ("revoked", request_id.clone()),
        RevokeOutcome::WouldRevoke => ("would_revoke", String::new()),
        RevokeOutcome::AlreadyGone { error } => ("already_gone", error.message.clone()),
        RevokeOutcome::Failed { error } => ("failed", error.message.clone()),
        RevokeOutcome::NotAttempted { reason } => ("not_attempted", reason.clone()),
    }
}

pub fn consent(report: &ConsentReport) -> Rows {
    let mut rows = Vec::new();
    for entry in &report.apps {
        let app = entry.app();
        let base = [app.connected_app_id.clone(), app.name.clone(), app.client_type.clone()];
        match (entry.active_members(), entry.error()) {
            (Some(members), _) => rows.extend(members.iter().map(|m| {
                let mut row = base.to_vec();
                row.extend([m.member_id.clone(), m.granted_scopes.join(" "), String::new()]);
                row
            })),
            (None, error) => {
                let mut row = base.to_vec();
                row.extend([String::new(), String::new(), error.map(|e| e.message.clone()).unwrap_or_default()]);
                rows.push(row);
            }
        }
    }
    Rows::new(&["connected_app_id", "name", "client_type", "member_id", "scopes", "error"], rows)
}

pub fn organization_apps(response: &OrganizationConnectedAppsResponse) -> Rows {
    let rows = response
        .connected_apps
        .iter()
        .map(|app| {
            vec![app.connected_app_id.clone(), app.name.clone(), app.client_type.clone(), app.description.clone()]
        })
        .collect();
    Rows::new(&["connected_app_id", "name", "client_type", "description"], rows)
}

pub fn app_members(response: &OrganizationConnectedAppResponse) -> Rows {
    let rows = response
        .active_members
        .iter()
        .map(|m| vec![response.connected_app_id.clone(), m.member_id.clone(), m.granted_scopes.join(" ")])
        .collect();
    Rows::new(&["connected_app_id", "member_id", "scopes"], rows)
}

pub fn member_apps(response: &MemberConnectedAppsResponse) -> Rows {
    app_scopes(
        response.connected_apps.iter().map(|a| [&a.connected_app_id, &a.name, &a.client_type, &a.scopes_granted]),
    )
}

pub fn user_apps(response: &UserConnectedAppsResponse) -> Rows {
    app_scopes(
        response.connected_apps.iter().map(|a| [&a.connected_app_id, &a.name, &a.client_type, &a.scopes_granted]),
    )
}

/// B3's and C1's apps: the same four columns.
fn app_scopes<'a>(apps: impl Iterator<Item = [&'a String; 4]>) -> Rows {
    let rows = apps.map(|cells| cells.map(String::clone).to_vec()).collect();
    Rows::new(&["connected_app_id", "name", "client_type", "scopes"], rows)
}

pub fn revoked(request_id: &str) -> Rows {
    Rows::new(&["outcome", "request_id"], vec![vec!["revoked".to_owned(), request_id.to_owned()]])
}

pub fn member_revocations(report: &RevokeReport) -> Rows {
    let rows = report
        .members
        .iter()
        .map(|m| {
            let (kind, detail) = outcome(&m.outcome);
            vec![m.member_id.clone(), m.granted_scopes.join(" "), kind.to_owned(), detail]
        })
        .collect();
    Rows::new(&["member_id", "scopes", "outcome", "detail"], rows)
}

pub fn app_revocations(report: &UserRevokeReport) -> Rows {
    let rows = report
        .apps
        .iter()
        .map(|a| {
            let (kind, detail) = outcome(&a.outcome);
            vec![a.connected_app_id.clone(), a.name.clone(), a.scopes_granted.clone(), kind.to_owned(), detail]
        })
        .collect();
    Rows::new(&["connected_app_id", "name", "scopes", "outcome", "detail"], rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_columns_and_escape_control_characters() {
        let rows = Rows::new(
            &["id", "name", "note"],
            vec![
                vec!["a".into(), "\u{1b}]0;pwned\u{7}Évé".into(), "x".into()],
                vec!["bbbb".into(), "n\u{9b}2J".into(), String::new()],
            ],
        );
        let mut out = Vec::new();
        write_table(&mut out, &rows).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "id    name                    note\n\
             a     \\u{1b}]0;pwned\\u{7}Évé  x\n\
             bbbb  n\\u{9b}2J\n"
        );
    }

    #[test]
    fn json_output_escapes_what_a_terminal_acts_on_and_means_the_same() {
        let value = serde_json::json!({"name": "a\u{9b}2J\u{202e}b\u{e0041}\u{1b}é🎉", "n": 1});
        let mut out = Vec::new();
        render(Format::Json, &value, Rows::new(&[], Vec::new()), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(r"a\u009b2J\u202eb\udb40\udc41\u001bé🎉"), "{text}");
        assert!(!text.chars().any(|c| c == '\u{9b}' || c == '\u{202e}' || c == '\u{e0041}'), "{text}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), value);
    }

    #[test]
    fn bidirectional_and_invisible_characters_are_escaped_like_controls() {
        assert_eq!(escape("evil\u{202e}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(escape("pay\u{200b}pal\u{2066}"), "pay\\u{200b}pal\\u{2066}");
        assert_eq!(escape("two\nlines\ttab"), "two\\nlines\\ttab");
        assert_eq!(escape("Calendar (é, 🎉)"), "Calendar (é, 🎉)");
    }

    #[test]
    fn an_exact_last_column_keeps_its_cells_as_they_are_in_csv() {
        let rows = Rows::new(&["id", "secret"], vec![vec!["=a".into(), "-secret=".into()]]).with_exact_last_column();
        let mut out = Vec::new();
        render(Format::Csv, &(), rows, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "id,secret\n'=a,-secret=\n");
    }

    #[test]
    fn csv_cells_that_a_spreadsheet_would_evaluate_stay_text() {
        let rows = Rows::new(
            &["id", "name"],
            vec![
                vec!["a".into(), "=HYPERLINK(\"http://evil\",\"x\")".into()],
                vec!["b".into(), "+1".into()],
                vec!["c".into(), "-2+3".into()],
                vec!["d".into(), "@SUM(A1)".into()],
                vec!["e".into(), "plain = text".into()],
            ],
        );
        let mut out = Vec::new();
        render(Format::Csv, &(), rows, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id,name\na,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"\nb,'+1\nc,'-2+3\nd,'@SUM(A1)\ne,plain = text\n"
        );
    }
}
