//! Stytch's objects as `sessions/authenticate` sends them, whole: the B2B Member (19 required fields upstream),
//! Organization (23), and Member Session, and the Consumer User and Session. Every field the upstream schemas mark
//! required is present, with a plausible value drawn from the fixture (an email from the external id, the member's
//! roles with their source, Stytch's default organization policies), so that clients which decode the full objects
//! (the official `stytch` crate among them) read the emulator's answers as they read Stytch's.

use serde_json::{Value, json};

use super::fixture::{Member, Organization, SESSION_STARTED_AT, User, fingerprint};

/// When every emulated member, organization and user was created.
const CREATED_AT: &str = "2023-11-14T22:13:20Z";

/// An email address for a member: its external id when that is one, else one made from its id and the
/// organization's slug.
fn member_email(organization: &Organization, member: &Member) -> String {
    match &member.external_id {
        Some(id) if id.contains('@') => id.clone(),
        _ => {
            let domain = organization.slug.as_deref().unwrap_or("organization");
            format!("member-{}@{domain}.example", &fingerprint(&member.member_id)[..8])
        }
    }
}

/// `admin@acme.example` -> `Admin`, `acme` -> `Acme`: a display name from an address's local part or a slug.
fn display_name(email: &str) -> String {
    let local = email.split('@').next().unwrap_or_default();
    let mut chars = local.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The `email_id` Stytch would give this address.
fn email_id(email: &str) -> String {
    format!("email-test-{}", fingerprint(email))
}

/// One email magic-link factor, authenticated when the session started.
fn email_factor(email: &str) -> Value {
    json!({
        "type": "magic_link",
        "delivery_method": "email",
        "last_authenticated_at": SESSION_STARTED_AT,
        "created_at": SESSION_STARTED_AT,
        "updated_at": SESSION_STARTED_AT,
        "email_factor": {"email_id": email_id(email), "email_address": email},
    })
}

/// The Member object (`api_organization_v1_Member`).
pub(crate) fn member(organization: &Organization, member: &Member) -> Value {
    let email = member_email(organization, member);
    // `stytch_member` is every member's; the fixture's roles are assigned directly.
    let roles: Vec<Value> = std::iter::once("stytch_member")
        .chain(member.roles.iter().map(String::as_str).filter(|role| *role != "stytch_member"))
        .map(|role| json!({"role_id": role, "sources": [{"type": "direct_assignment", "details": {}}]}))
        .collect();
    let mut object = json!({
        "organization_id": organization.organization_id,
        "member_id": member.member_id,
        "email_address": email,
        "status": "active",
        "name": display_name(&email),
        "sso_registrations": [],
        "is_breakglass": false,
        "member_password_id": "",
        "oauth_registrations": [],
        "email_address_verified": true,
        "mfa_phone_number_verified": false,
        "is_admin": member.roles.iter().any(|role| role == "stytch_admin"),
        "totp_registration_id": "",
        "retired_email_addresses": [],
        "is_locked": false,
        "mfa_enrolled": false,
        "mfa_phone_number": "",
        "default_mfa_method": "",
        "roles": roles,
        "trusted_metadata": {},
        "untrusted_metadata": {},
        "created_at": CREATED_AT,
        "updated_at": CREATED_AT,
    });
    if let Some(external_id) = &member.external_id {
        object["external_id"] = json!(external_id);
    }
    object
}

/// The Organization object (`api_organization_v1_Organization`), with Stytch's default policies.
pub(crate) fn organization(organization: &Organization) -> Value {
    let slug = organization.slug.clone().unwrap_or_else(|| organization.organization_id.clone());
    let mut object = json!({
        "organization_id": organization.organization_id,
        "organization_name": display_name(&slug),
        "organization_logo_url": "",
        "organization_slug": slug,
        "sso_jit_provisioning": "ALL_ALLOWED",
        "sso_jit_provisioning_allowed_connections": [],
        "sso_active_connections": [],
        "email_allowed_domains": [],
        "email_jit_provisioning": "NOT_ALLOWED",
        "email_invites": "ALL_ALLOWED",
        "auth_methods": "ALL_ALLOWED",
        "allowed_auth_methods": [],
        "mfa_policy": "OPTIONAL",
        "rbac_email_implicit_role_assignments": [],
        "mfa_methods": "ALL_ALLOWED",
        "allowed_mfa_methods": [],
        "oauth_tenant_jit_provisioning": "NOT_ALLOWED",
        "claimed_email_domains": [],
        "first_party_connected_apps_allowed_type": "ALL_ALLOWED",
        "allowed_first_party_connected_apps": [],
        "third_party_connected_apps_allowed_type": "ALL_ALLOWED",
        "allowed_third_party_connected_apps": [],
        "custom_roles": [],
        "trusted_metadata": {},
        "created_at": CREATED_AT,
        "updated_at": CREATED_AT,
    });
    if let Some(external_id) = &organization.external_id {
        object["organization_external_id"] = json!(external_id);
    }
    object
}

/// The Member Session object (`api_b2b_session_v1_MemberSession`).
pub(crate) fn member_session(
    session_id: &str,
    organization: &Organization,
    member: &Member,
    roles: &[String],
    expires_at: &str,
) -> Value {
    let email = member_email(organization, member);
    json!({
        "member_session_id": session_id,
        "member_id": member.member_id,
        "organization_id": organization.organization_id,
        "organization_slug": organization.slug.clone().unwrap_or_else(|| organization.organization_id.clone()),
        "started_at": SESSION_STARTED_AT,
        "last_accessed_at": SESSION_STARTED_AT,
        "expires_at": expires_at,
        "authentication_factors": [email_factor(&email)],
        "roles": roles,
        "custom_claims": {},
    })
}

/// The User object (`api_user_v1_User`): one verified email when the external id is an address.
pub(crate) fn user(user: &User) -> Value {
    let emails: Vec<Value> = user
        .external_id
        .iter()
        .filter(|id| id.contains('@'))
        .map(|email| json!({"email_id": email_id(email), "email": email, "verified": true}))
        .collect();
    let mut object = json!({
        "user_id": user.user_id,
        "emails": emails,
        "status": "active",
        "phone_numbers": [],
        "webauthn_registrations": [],
        "providers": [],
        "totps": [],
        "crypto_wallets": [],
        "biometric_registrations": [],
        "is_locked": false,
        "roles": ["stytch_user"],
        "created_at": CREATED_AT,
        "trusted_metadata": {},
        "untrusted_metadata": {},
    });
    if let Some(external_id) = &user.external_id {
        object["external_id"] = json!(external_id);
    }
    object
}

/// The consumer Session object (`api_session_v1_Session`).
pub(crate) fn user_session(session_id: &str, user: &User, expires_at: &str) -> Value {
    let factors: Vec<Value> =
        user.external_id.iter().filter(|id| id.contains('@')).map(|email| email_factor(email)).collect();
    json!({
        "session_id": session_id,
        "user_id": user.user_id,
        "authentication_factors": factors,
        "roles": ["stytch_user"],
        "started_at": SESSION_STARTED_AT,
        "last_accessed_at": SESSION_STARTED_AT,
        "expires_at": expires_at,
        "attributes": {"ip_address": "", "user_agent": ""},
        "custom_claims": {},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acme() -> Organization {
        Organization {
            organization_id: "organization-test-1".into(),
            slug: Some("acme".into()),
            external_id: None,
            members: Vec::new(),
        }
    }

    #[test]
    fn a_member_gets_an_address_and_a_name_from_its_external_id_or_its_id() {
        let with_email =
            Member { member_id: "member-test-1".into(), external_id: Some("ada@acme.example".into()), roles: vec![] };
        assert_eq!(member(&acme(), &with_email)["email_address"], "ada@acme.example");
        assert_eq!(member(&acme(), &with_email)["name"], "Ada");
        let without =
            Member { member_id: "member-test-2".into(), external_id: None, roles: vec!["stytch_admin".into()] };
        let object = member(&acme(), &without);
        let email = object["email_address"].as_str().unwrap();
        assert!(email.starts_with("member-") && email.ends_with("@acme.example"), "{email}");
        assert_eq!(object["is_admin"], true);
        assert_eq!(object["roles"][0]["role_id"], "stytch_member");
        assert_eq!(object["roles"][1]["role_id"], "stytch_admin");
        assert!(object.get("external_id").is_none());
    }

    #[test]
    fn a_user_without_an_address_has_no_email_and_no_factor() {
        let user_record = User { user_id: "user-test-1".into(), external_id: Some("crm-42".into()) };
        assert_eq!(user(&user_record)["emails"], json!([]));
        assert_eq!(
            user_session("session-test-1", &user_record, "2100-01-01T00:00:00Z")["authentication_factors"],
            json!([])
        );
    }
}
