//! `N` calls of the client row (`GET /contacts/{id}?include=groups,source,status`, one at a
//! time) against the hand-written server in the same process, for an instruction count that a
//! busy machine does not disturb (the server's share is the same on every side). Sides: the
//! generated client (`generated`), its transport alone with a ready-made call (`transport`: the
//! difference to `generated` is the generated layer's cost), raw reqwest + serde_json (`raw`).
//!
//! ```text
//! cargo build --release -p wacr-bench --example client_calls
//! for side in generated transport raw; do for n in 1000 11000; do
//!   valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/client_calls $side $n 2>&1 | grep refs
//! done; done
//! ```
//!
//! The difference between the two counts of a side, over 10,000, is its instructions per call.

use wacr_bench::client::raw_get;
use wacr_bench::contacts::{self, CONTACTS, Store, TOKEN};
use wacr_client::Client;
use wacr_client::models::{ContactInclude, GetContactQuery};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (side, n) = match args.as_slice() {
        [side, n] => (side.clone(), n.parse::<u64>().expect("N is a count")),
        _ => {
            eprintln!("usage: client_calls generated|transport|raw N");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(async move { axum::serve(listener, contacts::hand_router(Store::new())).await });
        let transport = Client::builder().base_url(base.clone()).token(TOKEN).build().expect("a client");
        let client = Client::from_transport(transport.clone());
        let raw = wacr_bench::client::raw_client().expect("reqwest");
        let mut query = GetContactQuery::default();
        for include in [ContactInclude::Groups, ContactInclude::Source, ContactInclude::Status] {
            query.include.insert(include);
        }
        for i in 0..n {
            let id = (i % CONTACTS as u64) as i64 + 1;
            let result = match side.as_str() {
                "generated" => client.contacts().get(id, query.clone()).await.map(drop).map_err(|e| e.to_string()),
                "transport" => {
                    let call = wacr_runtime::client::Call {
                        operation_id: "get_contact",
                        method: wacr_runtime::Method::Get,
                        path: format!("/contacts/{id}"),
                        query: vec![("include".into(), "groups,source,status".into())],
                        body: wacr_runtime::client::Body::Empty,
                        shape: wacr_runtime::client::Shape::Data,
                        sends_message: false,
                    };
                    transport.send::<wacr_client::models::Contact, wacr_client::models::GetContactError>(call).await.map(drop).map_err(|e| e.to_string())
                }
                "raw" => raw_get(raw.clone(), format!("{base}/contacts/{id}?include=groups,source,status")).await,
                other => panic!("unknown side `{other}`"),
            };
            if let Err(e) = result {
                panic!("call {i}: {e}");
            }
        }
    });
}
