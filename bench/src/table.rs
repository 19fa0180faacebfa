//! The one table `cargo xtask bench` prints: a row per measurement with what it was compared
//! with, the ratio and the target, under a line naming the machine and how loaded it was.

use anyhow::anyhow;
use std::fmt::Write as _;
use std::path::Path;

/// Whether a row meets its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Missed,
    /// A row without a target (a reference or a breakdown).
    Info,
}

/// One measurement.
#[derive(Clone, Debug)]
pub struct Row {
    pub what: String,
    pub value: String,
    pub compared: String,
    pub ratio: String,
    pub target: String,
    pub verdict: Verdict,
}

impl Row {
    pub fn new(what: impl Into<String>, value: impl Into<String>) -> Row {
        Row {
            what: what.into(),
            value: value.into(),
            compared: String::new(),
            ratio: String::new(),
            target: String::new(),
            verdict: Verdict::Info,
        }
    }

    #[must_use]
    pub fn compared(mut self, with: impl Into<String>) -> Row {
        self.compared = with.into();
        self
    }

    #[must_use]
    pub fn ratio(mut self, ratio: f64) -> Row {
        self.ratio = format!("{ratio:.2}");
        self
    }

    /// Sets the target text and whether it was met.
    #[must_use]
    pub fn target(mut self, text: impl Into<String>, met: bool) -> Row {
        self.target = text.into();
        self.verdict = if met { Verdict::Met } else { Verdict::Missed };
        self
    }
}

/// The machine a run measured on, read from `/proc` (best effort).
#[derive(Clone, Debug, Default)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub rustc: String,
    pub load_start: String,
    pub load_end: String,
    pub date: String,
}

impl Machine {
    /// Everything but the load at the end.
    pub fn now() -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|t| t.lines().find_map(|l| l.strip_prefix("model name").map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())))
            .unwrap_or_else(|| "unknown CPU".into());
        let rustc = std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default();
        Machine {
            cpu,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            rustc,
            load_start: load_average(),
            load_end: String::new(),
            date: today(),
        }
    }
}

/// `/proc/loadavg`'s 1, 5 and 15 minute averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// The table and the machine line, as Markdown.
pub fn markdown(machine: &Machine, rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Measured {} on {} ({} cores), {}; load average (1/5/15 min) {} at the start, {} at the end.\n",
        machine.date, machine.cpu, machine.cores, machine.rustc, machine.load_start, machine.load_end
    );
    out.push_str("| measurement | value | compared with | ratio | target | |\n|---|---|---|---|---|---|\n");
    for r in rows {
        let mark = match r.verdict {
            Verdict::Met => "met",
            Verdict::Missed => "**missed**",
            Verdict::Info => "",
        };
        let cells = [&r.what, &r.value, &r.compared, &r.ratio, &r.target].map(|c| cell(c));
        let _ = writeln!(out, "| {} | {} | {} | {} | {} | {mark} |", cells[0], cells[1], cells[2], cells[3], cells[4]);
    }
    out
}

/// A table cell: one line, no stray column separators.
fn cell(text: &str) -> String {
    text.trim().replace('|', "\\|").lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" / ")
}

const START: &str = "<!-- bench:start -->";
const END: &str = "<!-- bench:end -->";

/// Replaces the text between the bench markers of a README with `table`.
pub fn splice_readme(readme: &Path, table: &str) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(readme).map_err(|e| anyhow!("cannot read {}: {e}", readme.display()))?;
    let start = text.find(START).ok_or_else(|| anyhow!("{} has no `{START}` marker", readme.display()))?;
    let end = text.find(END).filter(|&e| e > start).ok_or_else(|| anyhow!("{} has no `{END}` after `{START}`", readme.display()))?;
    let spliced = format!("{}{START}\n{table}{}", &text[..start], &text[end..]);
    std::fs::write(readme, spliced).map_err(|e| anyhow!("cannot write {}: {e}", readme.display()))
}

/// Today's UTC date as `YYYY-MM-DD` (days-from-civil, inverted).
fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_render_with_their_verdicts() {
        let rows = [
            Row::new("a", "1 ms").target("< 2 ms", true),
            Row::new("b", "3/s").compared("4/s").ratio(0.75).target("≥ 0.90", false),
            Row::new("c", "x"),
            Row::new("d", "failed: one\n  two | three\n"),
        ];
        let text = markdown(&Machine::default(), &rows);
        assert!(text.contains("| a | 1 ms |  |  | < 2 ms | met |"), "{text}");
        assert!(text.contains("| b | 3/s | 4/s | 0.75 | ≥ 0.90 | **missed** |"), "{text}");
        assert!(text.contains("| c | x |  |  |  |  |"), "{text}");
        assert!(text.contains("| d | failed: one / two \\| three |"), "{text}");
    }

    #[test]
    fn the_readme_section_between_the_markers_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("README.md");
        std::fs::write(&path, format!("intro\n{START}\nold\n{END}\nrest\n")).unwrap();
        splice_readme(&path, "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), format!("intro\n{START}\nnew\n{END}\nrest\n"));
        std::fs::write(&path, "no markers").unwrap();
        assert!(splice_readme(&path, "x").is_err());
    }

    #[test]
    fn the_notebook_has_both_markers_for_the_table() {
        let notebook = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let start = notebook.find(START).expect("bench/README.md has the start marker");
        assert!(notebook[start..].contains(END), "bench/README.md has the end marker after the start marker");
    }

    #[test]
    fn today_is_a_date() {
        let d = today();
        assert_eq!(d.len(), 10, "{d}");
        assert!(d.starts_with("20"), "{d}");
    }
}
