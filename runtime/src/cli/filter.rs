//! `--filter FIELD[:OP]=VALUE` as the query pair `filter[FIELD][OP]=VALUE`: the one place the
//! command line knows the filter syntax of the query string.

use super::error::CliError;
use super::table::Filter;

/// The query pair of one `--filter` condition, checked against the operation's filters.
pub(super) fn pair(key: &str, filters: &[Filter], condition: &str) -> Result<(String, String), CliError> {
    let Some((target, value)) = condition.split_once('=') else {
        return Err(CliError::Usage(format!("--filter {condition}: expected FIELD[:OP]=VALUE, e.g. status_id:in=1,2")));
    };
    let (field, op) = target.split_once(':').map_or((target, None), |(f, o)| (f, Some(o)));
    let Some(filter) = filters.iter().find(|f| f.field == field) else {
        let fields: Vec<_> = filters.iter().map(|f| f.field).collect();
        return Err(CliError::Usage(format!("--filter {condition}: no filter on `{field}`; the filters are {}", fields.join(", "))));
    };
    let op = match op {
        Some(op) if filter.ops.contains(&op) => op,
        Some(op) => return Err(CliError::Usage(format!("--filter {condition}: `{field}` takes {}, not `{op}`", filter.ops.join(", ")))),
        None => filter.ops.first().copied().unwrap_or("eq"),
    };
    Ok((format!("{key}[{field}][{op}]"), value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILTERS: &[Filter] = &[
        Filter { field: "status_id", ops: &["eq", "in"], help: "", values: &[] },
        Filter { field: "created_at", ops: &["gt", "between"], help: "", values: &[] },
    ];

    #[test]
    fn conditions_become_filter_pairs() {
        assert_eq!(pair("filter", FILTERS, "status_id:in=1,2").unwrap(), ("filter[status_id][in]".into(), "1,2".into()));
        assert_eq!(pair("filter", FILTERS, "status_id=3").unwrap(), ("filter[status_id][eq]".into(), "3".into()));
        assert_eq!(pair("filter", FILTERS, "created_at=2025-01-01").unwrap().0, "filter[created_at][gt]");
    }

    #[test]
    fn bad_conditions_name_what_is_allowed() {
        let e = pair("filter", FILTERS, "status_id:like=x").unwrap_err().to_string();
        assert!(e.contains("takes eq, in"), "{e}");
        let e = pair("filter", FILTERS, "colour=red").unwrap_err().to_string();
        assert!(e.contains("the filters are status_id, created_at"), "{e}");
        assert!(pair("filter", FILTERS, "status_id").is_err());
    }
}
