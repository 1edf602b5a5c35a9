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
/// separators, and [`INVISIBLE`]: every format character (Unicode category Cf: bidirectional controls, zero-width
/// spaces and joiners, soft hyphen, tags...) and the fillers that draw nothing, which would make two different texts
/// look the same or show one in another order than it is stored.
pub(crate) fn needs_escape(c: char) -> bool {
    if c.is_ascii() {
        // Most text: only C0 and DEL (the ranges below are all outside ASCII).
        return c.is_ascii_control();
    }
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') || INVISIBLE.iter().any(|range| range.contains(&c))
}

/// Unicode's format characters (category Cf, as of Unicode 16), and the characters that are not Cf but draw
/// nothing: the combining grapheme joiner U+034F, the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, the Khmer
/// inherent vowels U+17B4 and U+17B5, and the Mongolian variation selectors U+180B to U+180F. Variation selectors
/// U+FE00 to U+FE0F are left as they are: emoji use U+FE0F.
const INVISIBLE: &[std::ops::RangeInclusive<char>] = &[
    '\u{00ad}'..='\u{00ad}',
    '\u{034f}'..='\u{034f}',
    '\u{0600}'..='\u{0605}',
    '\u{061c}'..='\u{061c}',
    '\u{06dd}'..='\u{06dd}',
    '\u{070f}'..='\u{070f}',
    '\u{0890}'..='\u{0891}',
    '\u{08e2}'..='\u{08e2}',
    '\u{115f}'..='\u{1160}',
    '\u{17b4}'..='\u{17b5}',
    '\u{180b}'..='\u{180f}',
    '\u{200b}'..='\u{200f}',
    '\u{202a}'..='\u{202e}',
    '\u{2060}'..='\u{2064}',
    '\u{2066}'..='\u{206f}',
    '\u{3164}'..='\u{3164}',
    '\u{feff}'..='\u{feff}',
    '\u{ffa0}'..='\u{ffa0}',
    '\u{fff9}'..='\u{fffb}',
    '\u{110bd}'..='\u{110bd}',
    '\u{110cd}'..='\u{110cd}',
    '\u{13430}'..='\u{1343f}',
    '\u{1bca0}'..='\u{1bca3}',
    '\u{1d173}'..='\u{1d17a}',
    '\u{e0001}'..='\u{e0001}',
    '\u{e0020}'..='\u{e007f}',
];

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
    fn every_invisible_or_format_character_is_escaped() {
        // The reviewer's list (soft hyphen, grapheme joiner, Mongolian separator, a tag letter, Hangul filler, Khmer
        // vowel) and the ends of the larger ranges.
        for c in ['\u{ad}', '\u{34f}', '\u{180e}', '\u{e0041}', '\u{3164}', '\u{17b4}', '\u{206f}', '\u{fffb}'] {
            let shown = Escaped(&format!("app{c}")).to_string();
            assert_eq!(shown, format!("app{}", c.escape_default()), "{:x}", c as u32);
        }
    }

    #[test]
    fn ordinary_text_is_unchanged() {
        for text in
            ["", "Unauthorized credentials.", "émoji 🎉☀\u{fe0f}, quotes \" and \\ backslashes", "עברית", "tab-free"]
        {
            assert_eq!(Escaped(text).to_string(), text);
        }
        assert_eq!(format!("{:?}", Escaped("a\nb")), "\"a\\nb\"");
        assert_eq!(format!("{:?}", Escaped(r#"up") [request_id forged] \"#)), r#""up\") [request_id forged] \\""#);
        assert_eq!(Escaped("zero\u{200b}width\u{feff}").to_string(), "zero\\u{200b}width\\u{feff}");
    }
}
