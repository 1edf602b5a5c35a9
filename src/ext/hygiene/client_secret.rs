use std::cell::Cell;
use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

/// A Connected App's client secret as Stytch returns it, once: `client_secret` when a confidential app is created,
/// `next_client_secret` when a rotation starts. Whoever holds it can act as the app.
///
/// - It never prints: `Debug` shows `ClientSecret(<redacted>)`, and there is no `Display`.
/// - serde writes it **only where asked explicitly**: serializing a model that holds one fails, unless it is
///   wrapped in [`ExposeSecrets`]. A response logged or cached as JSON by habit does not carry the secret along;
///   an error says where it would have. (It reads from JSON as the plain string it is.)
/// - Its text is reachable through one explicit call, [`ClientSecret::expose`].
///
/// ```
/// use stytch_connected_apps::{ClientSecret, ExposeSecrets};
/// let secret = ClientSecret::from("secret-live-80JASucyk7z_G8Z2mPY8_IB_A4Kb9JxRXus=");
/// assert_eq!(format!("{secret:?}"), "ClientSecret(<redacted>)");
/// assert!(serde_json::to_string(&secret).is_err()); // not by habit
/// assert_eq!(serde_json::to_string(&ExposeSecrets(&secret))?, r#""secret-live-80JASucyk7z_G8Z2mPY8_IB_A4Kb9JxRXus=""#);
/// assert_eq!(secret.expose(), "secret-live-80JASucyk7z_G8Z2mPY8_IB_A4Kb9JxRXus=");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, Eq, Deserialize)]
#[serde(transparent)]
pub struct ClientSecret(String);

/// In constant time for secrets of the same length (a presented secret checked with `==` tells nothing by how long
/// the check took about how much of it matched); the length itself is not hidden.
impl PartialEq for ClientSecret {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |differ, (x, y)| differ | (x ^ y)) == 0
    }
}

super::never_prints::never_prints!(ClientSecret);

thread_local! {
    /// Set while an [`ExposeSecrets`] is being serialized on this thread. Serializing is synchronous (serde's
    /// `Serialize` cannot await), so the flag covers the values inside the wrapper and, with them, anything else
    /// serialized on this thread before the wrapper returns: a `Serialize` of yours that serializes another value on
    /// the side (to log it) while inside an `ExposeSecrets` would write that value's secrets too.
    static EXPOSING: Cell<bool> = const { Cell::new(false) };
}

impl Serialize for ClientSecret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if EXPOSING.with(Cell::get) {
            serializer.serialize_str(&self.0)
        } else {
            Err(serde::ser::Error::custom(
                "a client secret is serialized only when asked explicitly: wrap the value in \
                 stytch_connected_apps::ExposeSecrets (or take the secret with ClientSecret::expose)",
            ))
        }
    }
}

/// Serializes the value it wraps **with** the [`ClientSecret`]s inside it: the explicit ask. Use it where the
/// secret must travel (into a secret store, to the one screen that shows it); anywhere else, serialize the value
/// itself, which fails if a secret is inside. The permission lasts while the wrapper serializes, on this thread:
/// anything serialized there meanwhile (by a `Serialize` of yours, on the side) is exposed too.
///
/// ```
/// use stytch_connected_apps::ExposeSecrets;
/// use stytch_connected_apps::models::CreateClientResponse;
/// # fn store(_: String) {}
/// # fn run(created: CreateClientResponse) -> serde_json::Result<()> {
/// store(serde_json::to_string(&ExposeSecrets(&created))?);
/// # Ok(()) }
/// ```
#[derive(Clone, Copy)]
pub struct ExposeSecrets<'a, T: ?Sized>(pub &'a T);

impl<T: ?Sized> fmt::Debug for ExposeSecrets<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ExposeSecrets(..)")
    }
}

impl<T: Serialize + ?Sized> Serialize for ExposeSecrets<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        /// Puts the flag back as it was, on return and on a panic inside `serialize` alike.
        struct Restore(bool);
        impl Drop for Restore {
            fn drop(&mut self) {
                EXPOSING.with(|exposing| exposing.set(self.0));
            }
        }
        let _restore = Restore(EXPOSING.with(|exposing| exposing.replace(true)));
        self.0.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Holder {
        name: &'static str,
        secret: Option<ClientSecret>,
    }

    #[test]
    fn serializing_without_the_wrapper_fails_and_says_how_to_ask() {
        let holder = Holder { name: "app", secret: Some(ClientSecret::from("secret-abc-123456")) };
        let error = serde_json::to_string(&holder).unwrap_err().to_string();
        assert!(error.contains("ExposeSecrets"), "{error}");
        assert!(!error.contains("secret-abc-123456"), "{error}");
        assert_eq!(
            serde_json::to_string(&Holder { name: "app", secret: None }).unwrap(),
            r#"{"name":"app","secret":null}"#
        );
    }

    #[test]
    fn the_wrapper_exposes_only_while_it_serializes() {
        let holder = Holder { name: "app", secret: Some(ClientSecret::from("secret-abc-123456")) };
        assert_eq!(
            serde_json::to_string(&ExposeSecrets(&holder)).unwrap(),
            r#"{"name":"app","secret":"secret-abc-123456"}"#
        );
        // Nested wrappers leave the flag as the outer one found it: off, afterwards.
        assert!(serde_json::to_string(&ExposeSecrets(&ExposeSecrets(&holder))).is_ok());
        assert!(serde_json::to_string(&holder).is_err());
        // A panic inside serialize (a hostile Serialize of the caller's) does not leave the flag on.
        struct Panics;
        impl Serialize for Panics {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                panic!("inside serialize")
            }
        }
        assert!(std::panic::catch_unwind(|| serde_json::to_string(&ExposeSecrets(&Panics))).is_err());
        assert!(serde_json::to_string(&holder).is_err());
    }

    #[test]
    fn equality_compares_every_byte() {
        let secret = ClientSecret::from("secret-abc-123456");
        assert_eq!(secret, ClientSecret::from("secret-abc-123456"));
        assert_ne!(secret, ClientSecret::from("secret-abc-123457"));
        assert_ne!(secret, ClientSecret::from("Secret-abc-123456"));
        assert_ne!(secret, ClientSecret::from("secret-abc-12345"));
        assert_ne!(ClientSecret::from(""), ClientSecret::from("a"));
        assert_eq!(ClientSecret::from(""), ClientSecret::default());
    }

    #[test]
    fn it_reads_from_json_as_a_string() {
        let secret: ClientSecret = serde_json::from_str(r#""secret-abc-123456""#).unwrap();
        assert_eq!(secret.expose(), "secret-abc-123456");
        assert_eq!(format!("{secret:?}"), "ClientSecret(<redacted>)");
    }
}
