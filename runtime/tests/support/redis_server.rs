//! A throwaway `redis-server` for tests and the bench: started on a free port of 127.0.0.1
//! without persistence (`--save '' --appendonly no`), killed when dropped. Shared by the
//! runtime's, the sandbox's and the bench's Redis tests through `#[path]`.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running redis-server, killed on drop.
pub struct RedisServer {
    child: Child,
    pub port: u16,
}

impl RedisServer {
    /// A fresh server; `None`, with a printed line, when `redis-server` is not installed and
    /// `CI` is unset (in CI a missing server fails the test).
    pub fn start(test: &str) -> Option<RedisServer> {
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let child = match spawn(port) {
            Ok(child) => child,
            Err(e) if std::env::var_os("CI").is_none() => {
                println!("{test}: skipped, redis-server is not available ({e}); `apt-get install redis-server` runs it");
                return None;
            }
            Err(e) => panic!("{test}: CI is set and redis-server does not start: {e}"),
        };
        let server = RedisServer { child, port };
        server.wait_ready();
        Some(server)
    }

    /// `redis://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Kills the server now (a Redis going away under the limiter).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A new server on the same port, after [`kill`](Self::kill) (Redis coming back).
    pub fn restart(&mut self) {
        self.kill();
        self.child = spawn(self.port).expect("redis-server starts again");
        self.wait_ready();
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.pings() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("redis-server on port {} did not answer PING within 10 s", self.port);
    }

    fn pings(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else { return false };
        let mut reply = [0u8; 7];
        stream.write_all(b"PING\r\n").is_ok() && stream.read_exact(&mut reply).is_ok() && &reply == b"+PONG\r\n"
    }
}

fn spawn(port: u16) -> std::io::Result<Child> {
    Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
