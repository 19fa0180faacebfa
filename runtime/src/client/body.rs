//! Request bodies: JSON, or multipart with text fields and files, built from a generated `…Body`
//! and turned into reqwest's form when sent.

use serde_json::Value;

use crate::file::{File, MultipartBody};

/// One multipart field.
#[derive(Clone, Debug)]
pub enum Part {
    Text { name: String, value: String },
    File {
        name: String,
        file: File,
        /// Where the file was read from, when the caller knows it (`wacr --file PATH`):
        /// `--dry-run` prints it as curl's `-F 'name=@PATH'`. Not sent.
        path: Option<std::path::PathBuf>,
    },
}

/// A request body.
#[derive(Clone, Debug, Default)]
pub enum Body {
    #[default]
    Empty,
    Json(Value),
    Multipart(Vec<Part>),
}

/// A JSON request body from a generated `…Body`.
pub fn json_body<B: serde::Serialize>(body: &B) -> Body {
    Body::Json(serde_json::to_value(body).expect("generated bodies always serialise to JSON"))
}

/// A multipart request body: every non-file field as a text part (strings as they are, booleans
/// as `1`/`0`, other values as JSON), then the files.
pub fn multipart_body<B: serde::Serialize + MultipartBody>(body: &B) -> Body {
    let mut parts = Vec::new();
    if let Ok(Value::Object(fields)) = serde_json::to_value(body) {
        parts.extend(text_parts(fields));
    }
    for (name, file) in body.files() {
        parts.push(Part::File {
            name: name.to_owned(),
            file: file.clone(),
            path: None,
        });
    }
    Body::Multipart(parts)
}

/// Every non-null field as a text part: strings as they are, booleans as `1`/`0`, other values
/// as JSON.
pub(crate) fn text_parts(fields: serde_json::Map<String, Value>) -> impl Iterator<Item = Part> {
    fields.into_iter().filter_map(|(name, value)| {
        let value = match value {
            Value::Null => return None,
            Value::String(s) => s,
            Value::Bool(b) => if b { "1" } else { "0" }.to_owned(),
            other => other.to_string(),
        };
        Some(Part::Text { name, value })
    })
}

/// JSON unless a file is attached, then multipart (for bodies that accept both).
pub fn json_or_multipart_body<B: serde::Serialize + MultipartBody>(body: &B) -> Body {
    if body.files().is_empty() {
        json_body(body)
    } else {
        multipart_body(body)
    }
}

/// The multipart form reqwest sends for `parts`.
pub(super) fn multipart(parts: Vec<Part>) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for p in parts {
        form = match p {
            Part::Text { name, value } => form.text(name, value),
            Part::File { name, file, .. } => {
                let part = reqwest::multipart::Part::bytes(file.bytes.clone())
                    .file_name(file.name.clone());
                // An unparsable content type is sent without one rather than failing the call.
                let part = part.mime_str(&file.content_type).unwrap_or_else(|_| {
                    reqwest::multipart::Part::bytes(file.bytes).file_name(file.name)
                });
                form.part(name, part)
            }
        };
    }
    form
}
