//! Request bodies: reading under a size limit, the content-type check, JSON decoding into an
//! object, and multipart parsing into text fields (bracket names such as `buttons[0][id]`
//! nested, strings coerced to the field kinds) and files.

use axum::body::{Body, Bytes};
use axum::extract::multipart::MultipartError;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart};
use axum::http::{HeaderMap, StatusCode, header};
use futures::StreamExt;
use serde_json::{Map, Number, Value};
use tower::{Layer, ServiceExt};

use super::timeout::BodyTimedOut;
use super::validate::{Field, Kind};
use crate::file::File;

/// Why a body could not be read; the glue answers each with its envelope.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// 415: not a content type the operation takes.
    Unsupported,
    /// 413: over the limit.
    TooLarge,
    /// 422 on the field `body`: not decodable (malformed JSON, broken multipart).
    Invalid(String),
    /// 408: the client stopped sending the body (`Config::body_read_timeout`).
    TimedOut,
}

/// Whether `error`, or an error it wraps, is the body read timeout's.
fn timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    std::iter::successors(Some(error), |e| e.source()).any(|e| e.is::<BodyTimedOut>())
}

/// The media type of the request, lowercase, without parameters.
pub(crate) fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    (!essence.is_empty()).then_some(essence)
}

pub(crate) fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || (media_type.starts_with("application/") && media_type.ends_with("+json"))
}

pub(crate) fn is_multipart(media_type: &str) -> bool {
    media_type == "multipart/form-data"
}

/// Reads the whole body, refusing more than `limit` bytes.
pub(crate) async fn read_limited(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, BodyError> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut stream = body.into_data_stream();
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| match timed_out(&e) {
            true => BodyError::TimedOut,
            false => BodyError::Invalid(format!("The request body could not be read: {e}.")),
        })?;
        if out.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(out))
}

/// A JSON object from the body bytes; an empty body is `{}`.
pub(crate) fn json_object(bytes: &[u8]) -> Result<Map<String, Value>, BodyError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(BodyError::Invalid("The request body must be a JSON object.".to_owned())),
        Err(e) => Err(BodyError::Invalid(format!("The request body is not valid JSON: {e}."))),
    }
}

/// Text parts as a JSON object (names like `a[b][0]` and `a[]` nested) and file parts, for
/// the fields in `fields`: a part of a file field (or one with a file name) is a file.
pub(crate) async fn multipart(request: axum::extract::Request, fields: &[Field], limit: usize) -> Result<(Map<String, Value>, Vec<(String, File)>), BodyError> {
    // axum's multipart reader takes its size limit from a request extension that the
    // `DefaultBodyLimit` layer sets; set here, only the requests read as multipart pay for it.
    let extract = tower::service_fn(|request: axum::extract::Request| async { Ok::<_, std::convert::Infallible>(Multipart::from_request(request, &()).await) });
    let Ok(extracted) = DefaultBodyLimit::max(limit).layer(extract).oneshot(request).await;
    let mut multipart = extracted.map_err(|e| BodyError::Invalid(format!("The request body is not valid multipart: {}.", e.body_text())))?;
    let mut object = Map::new();
    let mut files = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(&e)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().unwrap_or("application/octet-stream").to_owned();
        let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
        let base = name.strip_suffix("[]").unwrap_or(&name);
        let file_field = fields.iter().any(|f| f.wire == base && matches!(f.kind, Kind::File | Kind::Array(Kind::File)));
        if file_name.is_some() || file_field {
            // `Vec::from` takes the buffer over when nothing else holds it, instead of copying.
            files.push((base.to_owned(), File::new(file_name.unwrap_or_default(), content_type, Vec::from(bytes))));
        } else {
            let text = String::from_utf8(Vec::from(bytes)).map_err(|_| BodyError::Invalid(format!("The {name} part is not UTF-8 text.")))?;
            insert_part(&mut object, &name, Value::String(text));
        }
    }
    Ok((object, files))
}

fn multipart_error(error: &MultipartError) -> BodyError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        BodyError::TooLarge
    } else if timed_out(error) {
        BodyError::TimedOut
    } else {
        BodyError::Invalid(format!("The request body is not valid multipart: {}.", error.body_text()))
    }
}

/// Sets `name` (`a`, `a[]`, `a[b][0]`) in `object`; a later part of the same plain name wins.
pub(crate) fn insert_part(object: &mut Map<String, Value>, name: &str, value: Value) {
    let (head, mut rest) = name.split_once('[').map_or((name, ""), |(h, r)| (h, r));
    let mut segments = Vec::new();
    while let Some((segment, tail)) = rest.split_once(']') {
        segments.push(segment);
        rest = tail.strip_prefix('[').unwrap_or(tail);
    }
    let mut slot = object.entry(head.to_owned()).or_insert(Value::Null);
    for segment in segments {
        if segment.is_empty() {
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            let Value::Array(items) = slot else { unreachable!() };
            items.push(Value::Null);
            slot = items.last_mut().expect("just pushed");
        } else {
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let Value::Object(map) = slot else { unreachable!() };
            slot = map.entry(segment.to_owned()).or_insert(Value::Null);
        }
    }
    *slot = value;
}

/// Copies a nested value to a declared dotted wire name (`contact.firstname` from
/// `{"contact": {"firstname": ..}}` or `contact[firstname]`), as Laravel reads such rules.
pub(crate) fn flatten_dotted(fields: &[Field], object: &mut Map<String, Value>) {
    for f in fields.iter().filter(|f| f.wire.contains('.')) {
        if object.contains_key(f.wire) {
            continue;
        }
        let mut segments = f.wire.split('.');
        let mut found = segments.next().and_then(|head| object.get(head));
        for segment in segments {
            found = found.and_then(|v| v.get(segment));
        }
        if let Some(value) = found.cloned() {
            object.insert(f.wire.to_owned(), value);
        }
    }
}

/// Turns the strings of a multipart body or query into the kinds of `fields`: numbers,
/// booleans, arrays from `a[0]`/`a[]`, nested objects; an empty string is null, except for a
/// text field, where it is the empty text its rules (format, pattern, required) judge. A string
/// that does not convert is left for the validator to report.
pub(crate) fn coerce(fields: &[Field], object: &mut Map<String, Value>) {
    for f in fields {
        if let Some(value) = object.get_mut(f.wire) {
            coerce_value(&f.kind, value);
        }
    }
}

fn coerce_value(kind: &Kind, value: &mut Value) {
    if value.as_str() == Some("") && !matches!(kind, Kind::String | Kind::Date | Kind::DateTime | Kind::Enum(_)) {
        *value = Value::Null;
        return;
    }
    match (kind, &mut *value) {
        (Kind::Integer, Value::String(s)) => {
            if let Ok(n) = s.trim().parse::<i64>() {
                *value = Value::from(n);
            }
        }
        (Kind::Number, Value::String(s)) => {
            if let Some(n) = s.trim().parse::<f64>().ok().and_then(Number::from_f64) {
                *value = Value::Number(n);
            }
        }
        (Kind::Boolean, Value::String(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "on" | "yes" => *value = Value::Bool(true),
            "false" | "0" | "off" | "no" => *value = Value::Bool(false),
            _ => {}
        },
        (Kind::Object(fields), Value::Object(map)) => coerce(fields, map),
        (Kind::Array(item), Value::Object(map)) if map.keys().all(|k| k.parse::<usize>().is_ok()) => {
            let mut entries: Vec<(usize, Value)> = std::mem::take(map).into_iter().map(|(k, v)| (k.parse().unwrap_or_default(), v)).collect();
            entries.sort_by_key(|(i, _)| *i);
            let mut items: Vec<Value> = entries.into_iter().map(|(_, v)| v).collect();
            items.iter_mut().for_each(|v| coerce_value(item, v));
            *value = Value::Array(items);
        }
        (Kind::Array(item), Value::Array(items)) => items.iter_mut().for_each(|v| coerce_value(item, v)),
        (Kind::Map(item), Value::Object(map)) => map.values_mut().for_each(|v| coerce_value(item, v)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::validate::field;
    use serde_json::json;

    const BUTTON: &[Field] = &[field("id", Kind::String), field("n", Kind::Integer)];
    const FIELDS: &[Field] = &[
        field("count", Kind::Integer),
        field("ratio", Kind::Number),
        field("ok", Kind::Boolean),
        field("ids", Kind::Array(&Kind::Integer)),
        field("buttons", Kind::Array(&Kind::Object(BUTTON))),
        field("name", Kind::String),
        field("contact.firstname", Kind::String),
        field("file", Kind::File),
    ];

    #[test]
    fn media_types() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "Application/JSON; charset=utf-8".parse().unwrap());
        let media = media_type(&headers).unwrap();
        assert!(is_json(&media));
        assert!(is_json("application/vnd.api+json"));
        assert!(!is_json("text/plain"));
        assert!(is_multipart("multipart/form-data"));
        assert_eq!(media_type(&HeaderMap::new()), None);
    }

    #[test]
    fn json_objects() {
        assert_eq!(json_object(b" ").unwrap(), Map::new());
        assert_eq!(json_object(br#"{"a":1}"#).unwrap()["a"], 1);
        assert_eq!(json_object(b"[1]"), Err(BodyError::Invalid("The request body must be a JSON object.".to_owned())));
        let Err(BodyError::Invalid(message)) = json_object(b"{\"a\":") else { panic!() };
        assert!(message.starts_with("The request body is not valid JSON: EOF while parsing"), "{message}");
    }

    #[tokio::test]
    async fn bodies_over_the_limit_are_refused() {
        let headers = HeaderMap::new();
        assert_eq!(read_limited(&headers, Body::from("12345"), 5).await.unwrap().len(), 5);
        assert_eq!(read_limited(&headers, Body::from("123456"), 5).await, Err(BodyError::TooLarge));
        let mut declared = HeaderMap::new();
        declared.insert(header::CONTENT_LENGTH, "6".parse().unwrap());
        assert_eq!(read_limited(&declared, Body::empty(), 5).await, Err(BodyError::TooLarge));
    }

    #[tokio::test]
    async fn a_body_that_stops_coming_times_out() {
        let (mut tx, rx) = futures::channel::mpsc::channel::<Result<Bytes, std::io::Error>>(1);
        tx.try_send(Ok(Bytes::from_static(b"{"))).unwrap();
        let body = Body::new(super::super::timeout::TimedBody::new(Body::from_stream(rx), std::time::Duration::from_millis(50)));
        assert_eq!(read_limited(&HeaderMap::new(), body, 100).await, Err(BodyError::TimedOut));
        drop(tx);
    }

    #[test]
    fn parts_nest_and_coerce() {
        let mut object = Map::new();
        for (name, value) in [("count", "3"), ("ratio", "0.5"), ("ok", "on"), ("ids[]", "2"), ("ids[]", "1"), ("buttons[1][id]", "b"), ("buttons[0][id]", "a"), ("buttons[0][n]", "7"), ("name", ""), ("contact[firstname]", "Jo")] {
            insert_part(&mut object, name, Value::String(value.to_owned()));
        }
        flatten_dotted(FIELDS, &mut object);
        coerce(FIELDS, &mut object);
        assert_eq!(Value::Object(object.clone()), json!({
            "count": 3, "ratio": 0.5, "ok": true, "ids": [2, 1],
            "buttons": [{"id": "a", "n": 7}, {"id": "b"}], "name": "",
            "contact": {"firstname": "Jo"}, "contact.firstname": "Jo"
        }));
        let mut bad = json!({"count": "x", "ok": "maybe"}).as_object().unwrap().clone();
        coerce(FIELDS, &mut bad);
        assert_eq!(Value::Object(bad), json!({"count": "x", "ok": "maybe"}));
        let mut empty = json!({"count": "", "name": ""}).as_object().unwrap().clone();
        coerce(FIELDS, &mut empty);
        assert_eq!(Value::Object(empty), json!({"count": null, "name": ""}), "empty text stays text; elsewhere it is null");
    }

    #[tokio::test]
    async fn multipart_bodies_split_into_text_and_files() {
        let body = "--X\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAnn\r\n\
                    --X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n\
                    --X--\r\n";
        let request = axum::http::Request::builder().header(header::CONTENT_TYPE, "multipart/form-data; boundary=X").body(Body::from(body)).unwrap();
        let (object, files) = multipart(request, FIELDS, 1 << 20).await.unwrap();
        assert_eq!(object["name"], "Ann");
        assert_eq!(files.len(), 1);
        assert_eq!((files[0].0.as_str(), files[0].1.name.as_str(), files[0].1.bytes.as_slice()), ("file", "a.png", &b"PNG"[..]));
        let broken = axum::http::Request::builder().header(header::CONTENT_TYPE, "multipart/form-data").body(Body::from("x")).unwrap();
        assert!(matches!(multipart(broken, FIELDS, 1 << 20).await, Err(BodyError::Invalid(_))));
    }
}
