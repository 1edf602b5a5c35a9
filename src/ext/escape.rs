//! Server- and caller-provided text, made safe for one log line.
//!
//! An `error_message` with a newline would start a forged line in whatever log the error reaches; an ANSI escape
//! would recolour or rewrite the terminal; a bidirectional override would show text in another order than it is
//! stored. [`Escaped`] writes such characters as Rust escapes (`\n`, `\r`, `\u{1b}`, `\u{202e}`), so one event
//! stays one line and reads as it is. Every `Display` of this crate's errors, and every string field its tracing
//! events record, goes through it.

use std::fmt::{self, Write as _};

/// Displays a string with control, line-breaking and bidirectional-formatting characters escaped.
///
/// ```ignore
/// assert_eq!(Escaped("a\nb\u{1b}[31m").to_string(), "a\\nb\\u{1b}[31m");
/// ```
#[derive(Clone, Copy)]
pub(crate) struct Escaped<'a>(pub(crate) &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(needs_escape) {
            f.write_str(&rest[..at])?;
            let mut chars = rest[at..].chars();
            if let Some(c) = chars.next() {
                for escaped in c.escape_default() {
                    f.write_char(escaped)?;
                }
            }
            rest = chars.as_str();
        }
        f.write_str(rest)
    }
}

/// Quoted, with `"` and `\` escaped as well: what is inside the quotes cannot close them (an excerpt cannot forge
/// the rest of the line).
impl fmt::Debug for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_char('"')?;
        let mut rest = self.0;
        while let Some(at) = rest.find(['"', '\\']) {
            fmt::Display::fmt(&Escaped(&rest[..at]), f)?;
            f.write_char('\\')?;
            f.write_str(&rest[at..at + 1])?;
            rest = &rest[at + 1..];
        }
        fmt::Display::fmt(&Escaped(rest), f)?;
        f.write_char('"')
    }
}

/// Control characters (C0, DEL, C1: newlines, carriage returns, escapes, NEL), Unicode line and paragraph
/// separators, the bidirectional formatting characters, and invisible ones (zero-width spaces and joiners, word
/// joiner, byte order mark) that would make two different texts look the same.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{feff}')
        || ('\u{200b}'..='\u{200d}').contains(&c)
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2060}'..='\u{2069}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_terminal_escapes_and_bidi_overrides_are_escaped() {
        let hostile = "denied\nlevel=ERROR forged\r\u{1b}[31mred\u{85}\u{2028}\u{202e}txt\u{7f}";
        let shown = Escaped(hostile).to_string();
        assert_eq!(shown, "denied\\nlevel=ERROR forged\\r\\u{1b}[31mred\\u{85}\\u{2028}\\u{202e}txt\\u{7f}");
        assert!(!shown.chars().any(needs_escape));
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        for text in ["", "Unauthorized credentials.", "émoji 🎉, quotes \" and \\ backslashes", "tab-free"] {
            assert_eq!(Escaped(text).to_string(), text);
        }
        assert_eq!(format!("{:?}", Escaped("a\nb")), "\"a\\nb\"");
        assert_eq!(format!("{:?}", Escaped(r#"up") [request_id forged] \"#)), r#""up\") [request_id forged] \\""#);
        assert_eq!(Escaped("zero\u{200b}width\u{feff}").to_string(), "zero\\u{200b}width\\u{feff}");
    }
}
