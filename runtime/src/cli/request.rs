//! An operation's parsed flags as a [`Call`]: the path with its positionals, the query pairs,
//! and the body from `--data` with the field flags over it (JSON or multipart).

use std::io::Read as _;
use std::path::PathBuf;

use clap::ArgMatches;
use serde_json::{Map, Value};

use super::command::{arg_id, global};
use super::error::CliError;
use super::filter;
use super::table::{Arg, Cli, Encoding, Kind, Operation};
use crate::client::body::text_parts;
use crate::client::{Body, Call, Part};
use crate::file::File;
use crate::operation::encode_path_segment;

/// The call an operation's flags describe.
pub(super) fn call(cli: &Cli, op: &'static Operation, m: &ArgMatches) -> Result<Call, CliError> {
    Ok(Call {
        operation_id: op.id,
        method: op.method,
        path: path(op, m),
        query: query(cli, op, m)?,
        body: body(op, m)?,
        shape: op.shape,
        sends_message: op.sends_message,
    })
}

/// The path template with each `{param}` replaced by its positional, percent-encoded.
fn path(op: &Operation, m: &ArgMatches) -> String {
    let mut path = op.path.to_owned();
    for p in op.params {
        let value = values(m, &arg_id("path", p.wire), p).into_iter().next().map(|v| scalar_text(&v)).unwrap_or_default();
        path = path.replace(&format!("{{{}}}", p.wire), &encode_path_segment(&value));
    }
    path
}

/// The query pairs, in the order of the flags' definitions.
fn query(cli: &Cli, op: &Operation, m: &ArgMatches) -> Result<Vec<(String, String)>, CliError> {
    let keys = &cli.query_keys;
    let mut pairs = Vec::new();
    for q in op.query {
        let given = values(m, &arg_id("query", q.wire), q);
        if !given.is_empty() {
            pairs.push((q.wire.to_owned(), given.iter().map(scalar_text).collect::<Vec<_>>().join(",")));
        }
    }
    let text = |id: &str| m.try_get_raw(id).ok().flatten().map(|v| v.map(|s| s.to_string_lossy().into_owned()).collect::<Vec<_>>().join(","));
    for key in [keys.page, keys.per_page, keys.sort, keys.search, keys.include, keys.fields] {
        if let Some(value) = text(key) {
            pairs.push((key.to_owned(), value));
        }
    }
    if let (Some(list), Ok(Some(conditions))) = (&op.list, m.try_get_many::<String>(keys.filter)) {
        for condition in conditions {
            pairs.push(filter::pair(keys.filter, list.filters, condition)?);
        }
    }
    Ok(pairs)
}

/// The body: `--data`'s object, then every field flag given.
fn body(op: &Operation, m: &ArgMatches) -> Result<Body, CliError> {
    let Some(body) = &op.body else { return Ok(Body::Empty) };
    let mut fields = match m.get_one::<String>(global::DATA) {
        Some(data) => data_object(data)?,
        None => Map::new(),
    };
    let mut files = Vec::new();
    for f in body.fields {
        let id = arg_id("body", f.wire);
        if f.kind == Kind::File {
            if let Some(path) = m.get_one::<PathBuf>(&id) {
                files.push(Part::File { name: f.wire.to_owned(), file: read_file(path)?, path: Some(path.clone()) });
            }
            continue;
        }
        let given = values(m, &id, f);
        if !given.is_empty() {
            let value = if f.many { Value::Array(given) } else { given.into_iter().next().unwrap_or(Value::Null) };
            fields.insert(f.wire.to_owned(), value);
        }
    }
    let multipart = match body.encoding {
        Encoding::Json => false,
        Encoding::Multipart => true,
        Encoding::JsonOrMultipart => !files.is_empty(),
    };
    if !multipart {
        return Ok(Body::Json(Value::Object(fields)));
    }
    let mut parts: Vec<Part> = text_parts(fields).collect();
    parts.extend(files);
    Ok(Body::Multipart(parts))
}

/// `--data`: inline JSON, `@file`, or `-` for stdin; it must be an object.
fn data_object(data: &str) -> Result<Map<String, Value>, CliError> {
    let text = if data == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|source| CliError::Io { what: "stdin".into(), source })?;
        text
    } else if let Some(path) = data.strip_prefix('@') {
        std::fs::read_to_string(path).map_err(|source| CliError::Io { what: path.into(), source })?
    } else {
        data.to_owned()
    };
    match serde_json::from_str(&text) {
        Ok(Value::Object(fields)) => Ok(fields),
        Ok(_) => Err(CliError::Usage("--data must be a JSON object".into())),
        Err(e) => Err(CliError::Usage(format!("--data is not JSON: {e}"))),
    }
}

/// A file to upload, its content type guessed from the extension.
fn read_file(path: &std::path::Path) -> Result<File, CliError> {
    let bytes = std::fs::read(path).map_err(|source| CliError::Io { what: path.display().to_string(), source })?;
    let name = path.file_name().map_or_else(|| "file".to_owned(), |n| n.to_string_lossy().into_owned());
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
    Ok(File::new(name, content_type(&extension), bytes))
}

/// The MIME type of the upload extensions the spec lists; others are sent as octet streams.
fn content_type(extension: &str) -> &'static str {
    match extension {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "mp4" => "video/mp4",
        "3gp" => "video/3gpp",
        "mp3" => "audio/mpeg",
        "ogg" | "opus" => "audio/ogg",
        "aac" => "audio/aac",
        "amr" => "audio/amr",
        _ => "application/octet-stream",
    }
}

/// The values given for an arg, as JSON.
fn values(m: &ArgMatches, id: &str, a: &Arg) -> Vec<Value> {
    fn all<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str, f: impl Fn(T) -> Value) -> Vec<Value> {
        m.try_get_many::<T>(id).ok().flatten().map(|v| v.cloned().map(&f).collect()).unwrap_or_default()
    }
    match a.kind {
        Kind::Integer => all::<i64>(m, id, Value::from),
        Kind::Number => all::<f64>(m, id, Value::from),
        Kind::Boolean => all::<bool>(m, id, Value::from),
        Kind::String | Kind::Enum(_) => all::<String>(m, id, Value::from),
        Kind::Json => all::<Value>(m, id, |v| v),
        Kind::File => Vec::new(),
    }
}

/// A scalar as it goes in a path or query string.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
