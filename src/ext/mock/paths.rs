//! Path patterns: a caller's id as the client sends it (percent-encoded), inside a regex as a literal.

use regex::{Regex, RegexBuilder};

/// One path parameter's value inside a path regex: percent-encoded exactly as the client encodes it, then
/// escaped, so that `a.b` matches only `a.b`, an external id `a|b` does not split the pattern in two, `(` does
/// not make it invalid, and `a/b` matches the `a%2Fb` the client sends.
/// The generated matchers call it (`openapi/codegen.rs` puts it there).
pub(crate) fn path_segment(value: &str) -> String {
    regex::escape(&crate::ext::calls::ids::encode(value))
}

/// The regex for the path `template` (`/v1/users/{user_id}/connected_apps`): every `{parameter}` one segment,
/// or, for `fixed`, exactly that parameter's value.
pub(crate) fn path_pattern(template: &str, fixed: Option<(&str, &str)>) -> Regex {
    let mut pattern = String::from("^");
    for (index, segment) in template.split('/').enumerate() {
        if index > 0 {
            pattern.push('/');
        }
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => match fixed {
                Some((fixed_name, value)) if fixed_name == name => pattern.push_str(&path_segment(value)),
                _ => pattern.push_str("[^/]*"),
            },
            None => pattern.push_str(&regex::escape(segment)),
        }
    }
    pattern.push('$');
    // Cannot fail: every part is a literal escaped by `regex::escape` or the fixed class `[^/]*` between `^` and `$`
    // (valid syntax, no nesting), and the size limit, the only other reason a build fails, is lifted: an id of any
    // length compiles (`a_pattern_for_any_id_compiles`).
    RegexBuilder::new(&pattern).size_limit(usize::MAX).build().expect("an escaped literal path pattern")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_value_matches_only_its_encoded_self() {
        let template = "/v1/users/{user_id}/connected_apps/{connected_app_id}/revoke";
        let any = path_pattern(template, None);
        assert!(any.is_match("/v1/users/u/connected_apps/a/revoke"));
        assert!(!any.is_match("/v1/users/u/x/connected_apps/a/revoke"));

        let dotted = path_pattern(template, Some(("user_id", "a.b|c")));
        assert!(dotted.is_match("/v1/users/a.b|c/connected_apps/app/revoke"));
        assert!(!dotted.is_match("/v1/users/axb|c/connected_apps/app/revoke"));
        assert!(!dotted.is_match("/v1/users/a.b/connected_apps/app/revoke"));
        assert!(!dotted.is_match("/v1/users/c/connected_apps/app/revoke"));

        let slashed = path_pattern(template, Some(("connected_app_id", "a/b (c)")));
        assert!(slashed.is_match("/v1/users/u/connected_apps/a%2Fb%20(c)/revoke"));
        assert!(!slashed.is_match("/v1/users/u/connected_apps/a/b (c)/revoke"));
    }

    #[test]
    fn a_pattern_for_any_id_compiles() {
        // 1 MiB, past regex's default size limit (what made a long id panic before), and regex syntax repeated.
        let long = "a.|(".repeat(1 << 18);
        let pattern = path_pattern("/v1/users/{user_id}/connected_apps", Some(("user_id", &long)));
        assert!(pattern.is_match(&format!("/v1/users/{long}/connected_apps")));
    }
}
