//! Running an operation's command: the client from the settings, one call (or every page with
//! `--all`, behind a progress bar on a terminal), or the curl line of `--dry-run`.

use std::io::Write as _;
use std::time::Duration;

use clap::ArgMatches;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

use super::command::global;
use super::config::Settings;
use super::error::{AnyCode, CliError};
use super::output::{self, Format};
use super::request;
use super::table::{Cli, Operation};
use crate::client::{Body, Call, CallOptions, ClientBuilder, Part, RetryPolicy, Transport};
use crate::page::Page;

/// Runs one operation with its parsed flags.
pub(super) fn operation<C>(cli: &'static Cli, op: &'static Operation, builder: ClientBuilder<C>, m: &ArgMatches) -> Result<(), CliError> {
    let settings = Settings::resolve(m, cli.default_base_url)?;
    let format = Format::pick(m.get_one::<String>(global::OUTPUT).map(String::as_str));
    if m.get_flag(global::ALL) && op.list.is_none() {
        return Err(CliError::Usage(format!("--all follows the pages of a list operation; `{}` is not one", op.name)));
    }
    let call = request::call(cli, op, m)?;
    let mut stdout = std::io::stdout().lock();
    if m.get_flag(global::DRY_RUN) {
        let line = curl(cli, &settings.base_url, &call);
        return stdout.write_all(line.as_bytes()).map_err(|source| CliError::Io { what: "stdout".into(), source });
    }
    let token = settings.token.ok_or(CliError::NoToken)?;
    let mut builder = builder.base_url(settings.base_url).token(token);
    if let Some(seconds) = m.get_one::<f64>(global::TIMEOUT) {
        let timeout = Duration::try_from_secs_f64(*seconds).map_err(|e| CliError::Usage(format!("--timeout: {e}")))?;
        builder = builder.timeout(Some(timeout));
    }
    if let Some(attempts) = m.get_one::<u32>(global::MAX_ATTEMPTS) {
        builder = builder.retry(RetryPolicy { max_attempts: *attempts, ..RetryPolicy::default() });
    }
    let transport = builder.build_transport()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|source| CliError::Io { what: "the async runtime".into(), source })?;
    if op.list.is_some() && m.get_flag(global::ALL) {
        return runtime.block_on(every_page(cli, &transport, call, format, &mut stdout));
    }
    if op.list.is_some() {
        let page: Page<Value> = runtime.block_on(transport.send_with(call, CallOptions::default()))?.data;
        if format != Format::Table {
            return output::print(&mut stdout, format, &json!({"data": page.items, "meta": page.meta, "links": page.links}));
        }
        let meta = &page.meta;
        eprintln!("page {} of {}, {} items in all (--page N, or --all for every page)", meta.current_page, meta.last_page, meta.total);
        return output::print(&mut stdout, format, &Value::Array(page.items));
    }
    let value: Value = runtime.block_on(transport.send_with::<Value, AnyCode>(call, CallOptions::default()))?.data;
    output::print(&mut stdout, format, &value)
}

/// `--all`: every page from the requested one on. JSON prints each item as an NDJSON line as
/// its page arrives; YAML and tables print all the items at the end.
async fn every_page(cli: &Cli, transport: &Transport, mut call: Call, format: Format, out: &mut impl std::io::Write) -> Result<(), CliError> {
    let page_key = cli.query_keys.page;
    let mut page_number: u32 = call.query.iter().find(|(k, _)| k == page_key).and_then(|(_, v)| v.parse().ok()).unwrap_or(1);
    call.query.retain(|(k, _)| k != page_key);
    let bar = ProgressBar::new(0).with_style(ProgressStyle::with_template("{bar:40} {pos}/{len} items").unwrap_or_else(|_| ProgressStyle::default_bar()));
    let mut collected = Vec::new();
    loop {
        let mut this = call.clone();
        this.query.push((page_key.to_owned(), page_number.to_string()));
        let page: Page<Value> = transport.send_with::<_, AnyCode>(this, CallOptions::default()).await?.data;
        bar.set_length(u64::try_from(page.meta.total).unwrap_or(0));
        bar.inc(page.items.len() as u64);
        let more = page.has_next();
        if format == Format::Json {
            for item in &page.items {
                output::line(out, item)?;
            }
        } else {
            collected.extend(page.items);
        }
        if !more {
            break;
        }
        page_number += 1;
    }
    bar.finish_and_clear();
    if format == Format::Json { Ok(()) } else { output::print(out, format, &Value::Array(collected)) }
}

/// The call as a curl command; the token is left to `$WACR_TOKEN`.
fn curl(cli: &Cli, base_url: &str, call: &Call) -> String {
    let mut url = format!("{}{}", base_url.trim_end_matches('/'), call.path);
    if !call.query.is_empty() {
        let query: Vec<String> = call.query.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        url = format!("{url}?{}", query.join("&"));
    }
    let mut lines = vec![format!("curl -g -X {} '{}'", call.method, quoted(&url)), format!("-H \"{}: Bearer $WACR_TOKEN\"", cli.auth_header), "-H 'Accept: application/json'".to_owned()];
    match &call.body {
        Body::Empty => {}
        Body::Json(body) => {
            lines.push("-H 'Content-Type: application/json'".to_owned());
            lines.push(format!("--data '{}'", quoted(&body.to_string())));
        }
        Body::Multipart(parts) => lines.extend(parts.iter().map(|p| match p {
            Part::Text { name, value } => format!("-F '{}'", quoted(&format!("{name}={value}"))),
            Part::File { name, file, path } => {
                // the path as given, so that the line uploads the same file from the same directory
                let source = path.as_ref().map_or_else(|| file.name.clone(), |p| p.display().to_string());
                format!("-F '{}'", quoted(&format!("{name}=@{source}")))
            }
        })),
    }
    lines.join(" \\\n  ") + "\n"
}

/// Text for inside single quotes.
fn quoted(text: &str) -> String {
    text.replace('\'', "'\\''")
}

/// A query key or value, percent-encoded as in a form (brackets kept readable).
fn encode(text: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b'[').remove(b']').remove(b',');
    percent_encoding::utf8_percent_encode(text, SET).to_string()
}
