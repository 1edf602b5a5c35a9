//! The integration suite: every endpoint and concern against httpmock servers on 127.0.0.1.
//! One test binary (modules by endpoint or concern) keeps link time low.

mod common;
mod fault_server;

mod access_tokens_authorization;
mod access_tokens_caches;
mod access_tokens_introspection;
mod access_tokens_local;
mod access_tokens_review;
mod b2b_connected_app;
mod b2b_member_connected_apps;
mod b2b_organization_connected_apps;
mod b2b_revoke;
mod bodies;
mod bulk_consent;
mod bulk_revoke;
mod cli;
mod cli_terminal;
mod clients;
mod consumer_model_schemas;
mod consumer_revoke;
mod consumer_user_connected_apps;
mod emulator_access_tokens;
mod emulator_binary;
mod emulator_e2e;
mod emulator_envelopes;
mod emulator_faults;
mod emulator_rbac;
mod emulator_schemas;
mod emulator_sessions;
mod errors;
mod faults;
mod https_only;
mod ids;
mod jwks_cache;
mod jwks_endpoints;
mod jwt_forged;
mod mock_helpers;
mod model_credentials;
mod properties;
mod redaction;
mod resource_server;
mod secrets;
mod session_inferred;
mod sessions;
mod timeouts;
