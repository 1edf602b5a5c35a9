use std::fmt;

use serde::{Deserialize, Serialize};

/// A credential inside a model: a session token, a session JWT, a client secret. Every model field whose name is
/// credential-shaped (the key list the SDK's scrubber uses: `session_token`, `session_jwt`, `client_secret`, any
/// name ending in `_token`, `_jwt`, `_secret`, ...) has this type, in the generated models and the handwritten ones
/// alike.
///
/// - It never prints: `Debug` shows `Credential(<redacted>)`, and there is no `Display`. A model logged with
///   `{:?}` keeps its credentials out of the log, and so does any struct of yours that holds one.
/// - It serializes as the plain string it holds, so a model round-trips through JSON unchanged (and its JSON
///   Schema, with feature `schemars`, is a string's).
/// - Its text is reachable through one explicit call, [`Credential::expose`].
///
/// ```
/// use stytch_connected_apps::Credential;
/// let token = Credential::from("mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q");
/// assert_eq!(format!("{token:?}"), "Credential(<redacted>)");
/// assert_eq!(token.expose(), "mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q");
/// assert_eq!(serde_json::to_string(&token)?, r#""mZAYn5aLEqKUlZ_Ad9U_fWr38GaAQ1oFAhT8ds245v7Q""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Credential(String);

/// A string's schema, inline: on the wire a credential is the string it holds.
#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Credential {
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

impl Credential {
    /// The credential's text. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The credential's text, owned. Do not log it.
    pub fn into_exposed(self) -> String {
        self.0
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credential(<redacted>)")
    }
}

impl From<String> for Credential {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Credential {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}
