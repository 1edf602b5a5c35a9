use serde::{Deserialize, Serialize};

/// A credential inside a model: a session token, a session JWT, an authorization code. Every model field whose name
/// is credential-shaped (the key list the SDK's scrubber uses: `session_token`, `session_jwt`, any name ending in
/// `_token`, `_jwt`, `_secret`, ...) has this type, in the generated models and the handwritten ones alike; except
/// the client secrets Stytch returns, which are [`ClientSecret`](crate::ClientSecret)s (serialized only when asked).
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

super::never_prints::never_prints!(Credential);
