//! Printing results: pretty JSON, YAML, or a table (the default on a terminal); NDJSON lines
//! for `--all` in JSON mode.

use std::io::{IsTerminal as _, Write};

use comfy_table::{Table, presets};
use serde_json::Value;

use super::error::CliError;

/// The output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
    Table,
}

impl Format {
    /// `--output`, else a table on a terminal and JSON otherwise.
    pub fn pick(flag: Option<&str>) -> Format {
        match flag {
            Some("json") => Format::Json,
            Some("yaml") => Format::Yaml,
            Some(_) => Format::Table,
            None if std::io::stdout().is_terminal() => Format::Table,
            None => Format::Json,
        }
    }
}

/// Writes a value in the format.
pub fn print(out: &mut impl Write, format: Format, value: &Value) -> Result<(), CliError> {
    let text = match format {
        Format::Json => serde_json::to_string_pretty(value).unwrap_or_default() + "\n",
        Format::Yaml => serde_saphyr::to_string(value).map_err(|e| CliError::Usage(e.to_string()))?,
        Format::Table => table(value),
    };
    write(out, &text)
}

/// One NDJSON line.
pub fn line(out: &mut impl Write, value: &Value) -> Result<(), CliError> {
    write(out, &(value.to_string() + "\n"))
}

fn write(out: &mut impl Write, text: &str) -> Result<(), CliError> {
    out.write_all(text.as_bytes()).map_err(|source| CliError::Io { what: "stdout".into(), source })
}

/// A table: one row per item of an array (columns from the items' keys), or one row per key of
/// an object; nested values are compact JSON.
fn table(value: &Value) -> String {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    match value {
        Value::Array(items) => {
            let mut columns: Vec<&str> = Vec::new();
            for item in items.iter().filter_map(Value::as_object) {
                for key in item.keys() {
                    if !columns.contains(&key.as_str()) {
                        columns.push(key);
                    }
                }
            }
            if columns.is_empty() {
                return items.iter().map(|v| cell(v) + "\n").collect();
            }
            table.set_header(columns.iter().copied());
            for item in items {
                table.add_row(columns.iter().map(|c| item.get(c).map_or_else(String::new, cell)));
            }
        }
        Value::Object(fields) => {
            for (key, value) in fields {
                table.add_row([key.clone(), cell(value)]);
            }
        }
        other => return cell(other) + "\n",
    }
    table.to_string() + "\n"
}

fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn tables_have_a_column_per_key_and_a_row_per_item() {
        let text = table(&json!([{"id": 1, "name": "a"}, {"id": 2, "tags": [1]}]));
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].contains("id") && lines[1].contains("name") && lines[1].contains("tags"), "{text}");
        assert!(text.contains("[1]"), "{text}");
        let text = table(&json!({"id": 7, "email": null}));
        assert!(text.contains("id") && text.contains('7') && text.contains("email"), "{text}");
    }
}
