//! What every string wrapper that never prints has in common ([`Credential`](crate::Credential),
//! [`ClientSecret`](crate::ClientSecret)): one definition, so that none of them can drift.

/// For a newtype over `String` named `$name`: `expose` and `into_exposed` (the one way to the text), a `Debug` that
/// prints `$name(<redacted>)`, `From<String>` and `From<&str>`, and (feature `schemars`) a string's inline JSON
/// Schema, since on the wire it is the string it holds. No `Display`.
macro_rules! never_prints {
    ($name:ident) => {
        impl $name {
            /// Its text. Do not log it.
            pub fn expose(&self) -> &str {
                &self.0
            }

            /// Its text, owned. Do not log it.
            pub fn into_exposed(self) -> String {
                self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        /// A string's schema, inline: on the wire it is the string it holds.
        #[cfg(feature = "schemars")]
        impl schemars::JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }

            fn schema_name() -> std::borrow::Cow<'static, str> {
                String::schema_name()
            }

            fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
                String::json_schema(generator)
            }
        }
    };
}

pub(crate) use never_prints;
