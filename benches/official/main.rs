//! The official `stytch` crate (11.1.0) against plain reqwest + serde, on the calls bench's loopback server, with
//! the calls bench's harness: the same table as `cargo bench --bench calls`, for the official crate.
//!
//! ```text
//! cargo run --release --manifest-path benches/official/Cargo.toml            # the full table (10 000 calls, 20 blocks)
//! cargo run --release --manifest-path benches/official/Cargo.toml -- --quick # a rough one
//! ```
//!
//! `b1-session` is absent: the official crate cannot send the member-session headers.

#[path = "../calls/harness.rs"]
mod harness;
#[path = "../calls/measure.rs"]
mod measure;
#[path = "../calls/paths.rs"]
#[allow(dead_code)]
mod paths;
#[path = "../calls/server.rs"]
mod server;

use std::sync::Arc;

use harness::{CONCURRENCY, Caller};
use paths::{APP, MEMBER, ORG, PROJECT, Path, Plain, SECRET, Sides, USER};

/// The repository's root (the server's bodies are its test fixtures).
const REPOSITORY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

#[global_allocator]
static ALLOCATOR: measure::Counting = measure::Counting;

/// The official crate's two clients (B2B and consumer), on the bench's server.
#[derive(Clone)]
struct Official {
    b2b: Arc<stytch::b2b::client::Client>,
    consumer: Arc<stytch::consumer::client::Client>,
}

impl Official {
    fn new(base_url: &str) -> Official {
        let url = reqwest::Url::parse(base_url).expect("base URL");
        let http = |vertical| {
            stytch::client::Client::new_with_base_url(PROJECT, SECRET, url.clone(), vertical).expect("official client")
        };
        Official {
            b2b: Arc::new(stytch::b2b::client::Client::new_with_http_client(
                http(stytch::client::Vertical::B2B),
                http(stytch::client::Vertical::B2B),
            )),
            consumer: Arc::new(stytch::consumer::client::Client::new_with_http_client(
                http(stytch::client::Vertical::Consumer),
                http(stytch::client::Vertical::Consumer),
            )),
        }
    }
}

impl Caller for Official {
    fn side(&self) -> &'static str {
        "official"
    }

    async fn call(&self, path: Path) -> usize {
        use stytch::b2b::{organizations, organizations_members, organizations_members_connected_apps as revoke};
        use stytch::consumer::users;
        let organizations = &self.b2b.organizations;
        match path {
            Path::B1 | Path::B1Large => {
                let org = if path == Path::B1Large { server::LARGE_ORG } else { ORG };
                let request = organizations::ConnectedAppsRequest { organization_id: org.to_owned() };
                organizations.connected_apps(request).await.expect("B1").connected_apps.len()
            }
            Path::B1Session => {
                unreachable!("removed from the paths in `main`: no member session in the official crate")
            }
            Path::B2 => {
                let request = organizations::GetConnectedAppRequest {
                    organization_id: ORG.to_owned(),
                    connected_app_id: APP.to_owned(),
                };
                organizations.get_connected_app(request).await.expect("B2").active_members.len()
            }
            Path::B3 => {
                let request = organizations_members::GetConnectedAppsRequest {
                    organization_id: ORG.to_owned(),
                    member_id: MEMBER.to_owned(),
                };
                organizations.members.get_connected_apps(request).await.expect("B3").connected_apps.len()
            }
            Path::B4 => {
                let request = revoke::RevokeRequest {
                    organization_id: ORG.to_owned(),
                    member_id: MEMBER.to_owned(),
                    connected_app_id: APP.to_owned(),
                };
                organizations.members.connected_apps.revoke(request).await.expect("B4").request_id.len()
            }
            Path::C1 => {
                let request = users::ConnectedAppsRequest { user_id: USER.to_owned() };
                self.consumer.users.connected_apps(request).await.expect("C1").connected_apps.len()
            }
            Path::C2 => {
                let request = users::RevokeRequest { user_id: USER.to_owned(), connected_app_id: APP.to_owned() };
                self.consumer.users.revoke(request).await.expect("C2").request_id.len()
            }
        }
    }
}

fn main() {
    let mut args = harness::Args::from_env();
    if args.serve {
        return server::serve();
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    if let Some((path, side, server)) = &args.one {
        return runtime.block_on(async {
            match side.as_str() {
                "official" => harness::calls_only(&Official::new(server), *path, args.calls).await,
                _ => harness::calls_only(&Plain(Sides::new(server)), *path, args.calls).await,
            }
        });
    }
    if args.paths.contains(&Path::B1Session) {
        // Asked for, or the default list: the official crate has no way to send it.
        eprintln!("b1-session: skipped, the official crate cannot send a member session");
        args.paths.retain(|&path| path != Path::B1Session);
    }
    let (calls, blocks, paths) = (args.calls, args.blocks, args.paths);
    let instructions = args.instructions;
    let server = server::Server::start();
    let plain = Plain(Sides::new(&server.base_url));
    let official = Official::new(&server.base_url);
    println!(
        "official stytch 11.1.0 vs plain reqwest + serde, loopback, {calls} calls per side in {blocks} alternating \
         blocks, {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "ratio = official / plain; CPU: total ratio [interquartile range of blocks]; p99: one call's wall time at \
         concurrency {CONCURRENCY}, plain / official (added)\n"
    );
    println!("{}", harness::header());
    let callgrind = instructions.then_some(server.base_url.as_str());
    for path in paths {
        println!("{}", runtime.block_on(harness::row(&plain, &official, path, calls, blocks, callgrind)));
    }
    let large = Path::B1Large;
    let (plain_peak, official_peak) = runtime.block_on(harness::peak_heap(&plain, &official, large));
    let cpu = runtime.block_on(harness::paired_cpu(&plain, &official, large, (calls / 100).max(10), blocks.min(10), 1));
    println!(
        "\n{} ({} apps): peak heap plain {:.2} MB, official {:.2} MB, ratio {:.3}; CPU {cpu}",
        large.name(),
        server::LARGE_APPS,
        plain_peak as f64 / 1e6,
        official_peak as f64 / 1e6,
        official_peak as f64 / plain_peak as f64,
    );
}
