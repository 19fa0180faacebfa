//! `--faults FILE`: a list of fault rules in YAML, or JSON when the name ends in `.json`, each
//! as `POST /_sandbox/faults` takes it; read and checked whole before the sandbox starts.

use std::path::{Path, PathBuf};

use super::{InvalidRule, NewRule};

/// Why a faults file was refused; the text names the file and where in it.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    /// Not a YAML list of rules (the text has the line and column).
    #[error("{path}: {source}")]
    Yaml { path: PathBuf, source: Box<serde_saphyr::Error> },
    /// Not a JSON list of rules (the text has the line and column).
    #[error("{path}: {source}")]
    Json { path: PathBuf, source: serde_json::Error },
    /// Rule `index` (from 1, in file order) is well-formed but refused.
    #[error("{path}: rule {index}: {source}")]
    Rule { path: PathBuf, index: usize, source: InvalidRule },
}

/// The rules of the file at `path`, each checked.
pub fn load(path: &Path) -> Result<Vec<NewRule>, FileError> {
    let text = std::fs::read_to_string(path).map_err(|source| FileError::Read { path: path.to_owned(), source })?;
    let rules: Vec<NewRule> = if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        serde_json::from_str(&text).map_err(|source| FileError::Json { path: path.to_owned(), source })?
    } else {
        serde_saphyr::from_str(&text).map_err(|source| FileError::Yaml { path: path.to_owned(), source: Box::new(source) })?
    };
    for (at, rule) in rules.iter().enumerate() {
        rule.check().map_err(|source| FileError::Rule { path: path.to_owned(), index: at + 1, source })?;
    }
    Ok(rules)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(name: &str, text: &str) -> Result<Vec<NewRule>, FileError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        load(&path)
    }

    #[test]
    fn yaml_and_json_lists_are_read() {
        let yaml = "- match: {operation: list_contacts}\n  fire: {times: 2}\n  action: {status: 503, retry_after: 1}\n- match:\n    route: GET /contacts/{id}\n  action:\n    latency_ms: 50\n";
        let rules = load_text("faults.yaml", yaml).unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[0].fire, crate::faults::Fire::Times(2));
        assert_eq!(rules[1].action.latency_ms, Some(50));
        let json = r#"[{"match": {"operation": "get_contact"}, "fire": {"probability": 0.25}, "action": {"drop": true}}]"#;
        assert_eq!(load_text("faults.JSON", json).unwrap()[0].fire, crate::faults::Fire::Probability(0.25));
    }

    #[test]
    fn errors_name_the_file_and_the_place() {
        let unknown = load_text("f.yaml", "- match: {operation: list_contacts}\n  action: {status: 503}\n- match: {operation: nope}\n  action: {status: 500}\n").unwrap_err();
        assert!(unknown.to_string().ends_with("f.yaml: rule 2: match.operation: `nope` is not an operation id of the API (such as list_contacts)"), "{unknown}");
        let shape = load_text("f.yaml", "- match: {operation: list_contacts}\n  action: {status: 503}\n  when: later\n").unwrap_err();
        assert!(matches!(shape, FileError::Yaml { .. }) && shape.to_string().contains("when") && shape.to_string().contains("line 3"), "{shape}");
        let json = load_text("f.json", "[{\"match\": {}").unwrap_err();
        assert!(matches!(json, FileError::Json { .. }) && json.to_string().contains("line 1"), "{json}");
        let missing = load(Path::new("/nonexistent/faults.yaml")).unwrap_err();
        assert!(missing.to_string().starts_with("cannot read /nonexistent/faults.yaml: "), "{missing}");
    }
}
