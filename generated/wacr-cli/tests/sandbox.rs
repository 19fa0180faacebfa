//! `wacr` end to end against a live sandbox: an error path per group, every exit code, bodies
//! from flags, `--data` (inline, file, stdin) and `--file`, `--all` over several pages,
//! `--dry-run`, profiles, output formats and `-v`.

mod support;

use std::io::{Read as _, Write as _};
use std::net::TcpListener;

use support::{Run, output, run, run_with_stdin, sandbox, sandbox_with, wacr};

#[test]
fn each_group_has_an_error_path_with_its_exit_code() {
    let sb = sandbox();
    let token = sb.token("default").unwrap();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["account", "get"], 3, "UNAUTHORIZED"),
        (&["auth", "verify-otp", "--phone", "+919999999999", "--code", "123456", "--purpose", "authentication"], 5, "OTP_NOT_FOUND"),
        (&["comments", "add", "919876543210"], 5, "VALIDATION_ERROR"),
        (&["contacts", "get", "999999"], 4, "NOT_FOUND"),
        (&["groups", "get", "999999"], 4, "NOT_FOUND"),
        (&["messages", "get", "999999"], 4, "NOT_FOUND"),
        (&["sources", "get", "999999"], 4, "NOT_FOUND"),
        (&["statuses", "get", "999999"], 4, "NOT_FOUND"),
        (&["templates", "get", "1"], 4, "NOT_FOUND"),
    ];
    for (args, code, error) in cases {
        // the account case runs with a token the sandbox never issued
        let token = if args[0] == "account" { "not-a-token" } else { token };
        let result = run(&sb, token, args);
        assert_eq!(result.code, *code, "wacr {}: {}", args.join(" "), result.stderr);
        assert!(result.stderr.starts_with("error: ") && result.stderr.contains(error), "wacr {}: {}", args.join(" "), result.stderr);
        assert!(result.stdout.is_empty());
    }
}

#[test]
fn validation_errors_list_each_field_on_stderr() {
    let sb = sandbox();
    let result = run(&sb, sb.token("default").unwrap(), &["contacts", "create", "--firstname", "Jane", "--type", "lead"]).expect(5);
    assert!(result.stderr.starts_with("error: 422 VALIDATION_ERROR: "), "{}", result.stderr);
    assert!(result.stderr.contains("\n  phone: "), "{}", result.stderr);
}

#[test]
fn every_exit_code_class() {
    let sb = sandbox_with(|c| c.rate_limit_per_minute = 2);
    let token = sb.token("default").unwrap();
    // 0, then 6 once the token's two requests a minute are spent
    run(&sb, token, &["contacts", "get", "1"]).expect(0);
    run(&sb, token, &["contacts", "get", "1"]).expect(0);
    let limited = run(&sb, token, &["contacts", "get", "1", "--max-attempts", "1"]).expect(6);
    assert!(limited.stderr.contains("RATE_LIMIT_EXCEEDED") && limited.stderr.contains("retry after"), "{}", limited.stderr);
    // 2: clap's usage errors and the command line's own
    run(&sb, token, &["contacts", "get", "one"]).expect(2);
    run(&sb, token, &["contacts", "list", "--filter", "colour=red"]).expect(2);
    run(&sb, token, &["contacts", "create", "--data", "[1]"]).expect(2);
    run(&sb, token, &["contacts", "get", "1", "--all"]).expect(2);
    // 3: a token without the scope, and no token at all
    let reader = run(&sb, sb.token("reader").unwrap(), &["contacts", "create", "--firstname", "A", "--phone", "+15550000001"]).expect(3);
    assert!(reader.stderr.contains("INSUFFICIENT_SCOPE"), "{}", reader.stderr);
    let dir = tempfile::tempdir().unwrap();
    let none = output(wacr(dir.path()).args(["--base-url", &sb.base_url(), "contacts", "get", "1"]).output().unwrap()).expect(3);
    assert!(none.stderr.contains("no API token"), "{}", none.stderr);
    // 7 and 1: a server answering 500, then 200 with a body that is not JSON
    let url = canned("500 Internal Server Error", r#"{"success":false,"message":"boom","error":{"code":"INTERNAL_ERROR"}}"#);
    let server = output(wacr(dir.path()).args(["--base-url", &url, "--token", "t", "--max-attempts", "1", "contacts", "get", "1"]).output().unwrap()).expect(7);
    assert!(server.stderr.contains("500 INTERNAL_ERROR: boom"), "{}", server.stderr);
    let url = canned("200 OK", "<html>");
    output(wacr(dir.path()).args(["--base-url", &url, "--token", "t", "contacts", "get", "1"]).output().unwrap()).expect(1);
    // 8: nothing listens
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}");
    let network = output(wacr(dir.path()).args(["--base-url", &url, "--token", "t", "--max-attempts", "1", "contacts", "get", "1"]).output().unwrap()).expect(8);
    assert!(network.stderr.contains("transport error"), "{}", network.stderr);
    // 4 and 5 are each group's error paths above
}

/// A server that answers one request with `status` and `body`; its base URL.
fn canned(status: &'static str, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request);
        let head = format!("HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
        stream.write_all(head.as_bytes()).and_then(|_| stream.write_all(body.as_bytes())).unwrap();
    });
    url
}

#[test]
fn bodies_come_from_flags_data_files_and_stdin_with_flags_winning() {
    let sb = sandbox();
    let token = sb.token("default").unwrap();
    let flags = ["contacts", "create", "--firstname", "Jane", "--lastname", "Doe", "--type", "lead", "--phone", "+15550001111", "--source-id", "1", "--status-id", "1"];
    let created = run(&sb, token, &[&flags[..], &["-o", "json"]].concat()).expect(0).json();
    assert_eq!((created["firstname"].as_str(), created["type"].as_str()), (Some("Jane"), Some("lead")));
    // inline --data, the flag overriding its firstname
    let inline = r#"{"firstname": "Ann", "lastname": "Lee", "phone": "+15550002222", "source_id": 1, "status_id": 1, "type": "lead"}"#;
    let made = run(&sb, token, &["contacts", "create", "--data", inline, "--firstname", "Bea", "-o", "json"]).expect(0).json();
    assert_eq!((made["firstname"].as_str(), made["lastname"].as_str()), (Some("Bea"), Some("Lee")));
    // @file
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.json");
    std::fs::write(&file, r#"{"firstname": "Cy", "lastname": "Z", "phone": "+15550003333", "source_id": 1, "status_id": 1, "type": "lead"}"#).unwrap();
    let data = format!("@{}", file.display());
    let made = run(&sb, token, &["contacts", "create", "--data", &data, "-o", "json"]).expect(0).json();
    assert_eq!(made["firstname"], "Cy");
    // stdin
    let mut command = wacr(dir.path());
    command.env("WACR_BASE_URL", sb.base_url()).env("WACR_TOKEN", token).args(["contacts", "create", "--data", "-", "-o", "json"]);
    let made = run_with_stdin(command, r#"{"firstname": "Di", "lastname": "Z", "phone": "+15550004444", "source_id": 1, "status_id": 1, "type": "lead"}"#).expect(0).json();
    assert_eq!(made["firstname"], "Di");
}

#[test]
fn multipart_operations_upload_a_file() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("note.pdf");
    std::fs::write(&file, b"%PDF-1.4 a small document").unwrap();
    let path = file.display().to_string();
    let args = ["messages", "send-media", "--phone", "+15550005555", "--media-type", "document", "--file", &path, "--caption", "hi", "-o", "json"];
    let sent = run(&sb, sb.token("default").unwrap(), &args).expect(0).json();
    assert!(sent.to_string().contains("document"), "{sent}");
}

#[test]
fn dry_run_of_an_upload_names_the_file_by_the_path_given() {
    let sb = sandbox();
    let token = sb.token("default").unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("docs/note.pdf"), b"%PDF-1.4 a small document").unwrap();
    // `--file` is the alias of the operation's one file field, `media_file`; a relative path
    // stays relative, for curl to resolve against the same working directory
    let mut command = wacr(dir.path());
    command.current_dir(dir.path()).env("WACR_BASE_URL", sb.base_url()).env("WACR_TOKEN", token);
    command.args(["messages", "send-media", "--dry-run", "--phone", "+15550005555", "--media-type", "document", "--file", "docs/note.pdf"]);
    let dry = output(command.stdin(std::process::Stdio::null()).output().unwrap()).expect(0);
    assert!(dry.stdout.contains("-F 'media_file=@docs/note.pdf'"), "{}", dry.stdout);
    assert!(dry.stdout.contains("-F 'phone=+15550005555'"), "{}", dry.stdout);
    assert!(!dry.stdout.contains(token), "the token never prints");
    // and the line uploads that file when run from the same directory
    let curl = std::process::Command::new("sh").arg("-c").arg(format!("{} -sS", dry.stdout.trim_end())).current_dir(dir.path()).env("WACR_TOKEN", token).output().unwrap();
    let body = String::from_utf8_lossy(&curl.stdout);
    assert!(curl.status.success() && body.contains("\"success\":true") && body.contains("document"), "{curl:?}");
}

#[test]
fn all_follows_every_page_as_ndjson() {
    let sb = sandbox();
    let token = sb.token("default").unwrap();
    let contacts: Vec<serde_json::Value> = (0..25).map(|i| serde_json::json!({"firstname": format!("Page{i}"), "lastname": "P", "phone": format!("+1555100{i:04}"), "source_id": 1, "status_id": 1, "type": "lead"})).collect();
    let batch = serde_json::json!({ "contacts": contacts }).to_string();
    let made = run(&sb, token, &["contacts", "batch-create", "--data", &batch, "-o", "json"]).expect(0).json();
    assert!(!made.to_string().contains("\"errors\":[{"), "{made}");
    let first = run(&sb, token, &["contacts", "list", "--per-page", "10", "--search", "Page", "-o", "json"]).expect(0).json();
    assert_eq!((first["meta"]["total"].as_i64(), first["meta"]["last_page"].as_i64()), (Some(25), Some(3)));
    assert_eq!(first["data"].as_array().map(Vec::len), Some(10));
    let all = run(&sb, token, &["contacts", "list", "--all", "--per-page", "10", "--search", "Page", "--sort", "id", "-o", "json"]).expect(0);
    let lines: Vec<serde_json::Value> = all.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 25, "one line per contact across three pages");
    let ids: Vec<i64> = lines.iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order, none twice: {ids:?}");
    // a filter narrows the walk; yaml collects the items
    let yaml = run(&sb, token, &["contacts", "list", "--all", "--search", "Page1", "--filter", "type=lead", "-o", "yaml"]).expect(0);
    assert!(yaml.stdout.starts_with("- "), "{}", yaml.stdout);
}

#[test]
fn dry_run_prints_curl_without_the_token() {
    let sb = sandbox();
    let token = sb.token("default").unwrap();
    let args = ["contacts", "list", "--dry-run", "--filter", "status_id:in=1,2", "--sort", "-created_at", "--include", "groups,status"];
    let dry = run(&sb, token, &args).expect(0);
    let base = sb.base_url();
    let expected = format!(
        "curl -g -X GET '{base}/contacts?sort=-created_at&include=groups,status&filter[status_id][in]=1,2' \\\n  -H \"Authorization: Bearer $WACR_TOKEN\" \\\n  -H 'Accept: application/json'\n"
    );
    assert_eq!(dry.stdout, expected);
    let dry = run(&sb, token, &["contacts", "create", "--dry-run", "--firstname", "O'Neil", "--type", "lead"]).expect(0);
    assert!(dry.stdout.contains(r#"--data '{"firstname":"O'\''Neil","type":"lead"}'"#), "{}", dry.stdout);
    assert!(!dry.stdout.contains(token), "the token never prints");
    // the printed command runs as it is (CI installs curl for the docs' commands too)
    let curl = std::process::Command::new("sh").arg("-c").arg(format!("{} -sS", expected.trim_end())).env("WACR_TOKEN", token).output().unwrap();
    assert!(curl.status.success() && String::from_utf8_lossy(&curl.stdout).contains("\"success\":true"), "{curl:?}");
}

#[test]
fn profiles_hold_the_base_url_and_token_in_a_private_file() {
    let sb = sandbox();
    let dir = tempfile::tempdir().unwrap();
    let token = sb.token("default").unwrap();
    let saved = output(wacr(dir.path()).args(["configure", "--profile", "local", "--base-url", &sb.base_url(), "--token", token]).output().unwrap()).expect(0);
    assert!(saved.stdout.contains("saved profile `local`"), "{}", saved.stdout);
    let config = dir.path().join("config.yaml");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&config).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let got = output(wacr(dir.path()).args(["--profile", "local", "contacts", "get", "1", "-o", "json"]).output().unwrap()).expect(0);
    assert_eq!(got.json()["id"], 1);
    // WACR_PROFILE picks it too, and a flag wins over the profile's token
    let bad = output(wacr(dir.path()).env("WACR_PROFILE", "local").args(["--token", "wrong", "contacts", "get", "1"]).output().unwrap());
    assert_eq!(bad.code, 3, "{}", bad.stderr);
    // an unknown profile is a usage error; a broken file is exit 1
    output(wacr(dir.path()).args(["--profile", "nope", "contacts", "get", "1"]).output().unwrap()).expect(2);
    std::fs::write(&config, "profiles: [").unwrap();
    output(wacr(dir.path()).args(["--profile", "local", "contacts", "get", "1"]).output().unwrap()).expect(1);
}

#[test]
fn output_formats_and_verbose_logs_without_the_token() {
    let sb = sandbox();
    let token = sb.token("default").unwrap();
    let yaml = run(&sb, token, &["statuses", "get", "1", "-o", "yaml"]).expect(0);
    assert!(yaml.stdout.contains("id: 1"), "{}", yaml.stdout);
    let table = run(&sb, token, &["statuses", "list", "-o", "table"]).expect(0);
    assert!(table.stdout.lines().nth(1).is_some_and(|l| l.contains("id") && l.contains("name")), "{}", table.stdout);
    assert!(table.stderr.starts_with("page 1 of 1, "), "{}", table.stderr);
    // not a terminal: JSON by default
    run(&sb, token, &["statuses", "get", "1"]).expect(0).json();
    let verbose: Run = run(&sb, token, &["-v", "contacts", "get", "1"]).expect(0);
    assert!(verbose.stderr.contains("get_contact"), "{}", verbose.stderr);
    assert!(!verbose.stderr.contains(token), "the token never appears in the logs");
}
