//! Generation speed: the whole pipeline in process (load + validate + lower, then emit +
//! format every output; nothing written), median over runs, and `cargo xtask codegen --check`
//! wall time on a warm build, as a developer runs it.

use anyhow::anyhow;
use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::table::Row;
use crate::{Settings, stats};

pub fn rows(settings: &Settings) -> anyhow::Result<Vec<Row>> {
    let dir = settings.root.join("api-spec");
    let runs = if settings.quick { 5 } else { 30 };
    for _ in 0..3 {
        black_box(pipeline(&dir)?);
    }
    let (mut check, mut render, mut total) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let (c, r) = pipeline(&dir)?;
        check.push(c);
        render.push(r);
        total.push(c + r);
    }
    let total_median = stats::median(&total);
    let mut rows = vec![
        Row::new(format!("generate in process: load + validate + emit + format, whole spec (median of {runs})"), stats::duration(total_median))
            .compared(format!(
                "load + validate + lower {}, emit + format {}",
                stats::duration(stats::median(&check)),
                stats::duration(stats::median(&render))
            ))
            .target("< 50 ms", total_median < Duration::from_millis(50)),
    ];
    rows.push(xtask_row(settings)?);
    Ok(rows)
}

/// One run: (check time, render time).
fn pipeline(dir: &Path) -> anyhow::Result<(Duration, Duration)> {
    let started = Instant::now();
    let api = wacr_codegen::check(dir).map_err(|f| anyhow!("the spec does not validate:\n{}", f.short()))?;
    let checked = started.elapsed();
    let outputs = wacr_codegen::render(&api);
    let rendered = started.elapsed() - checked;
    black_box(outputs);
    Ok((checked, rendered))
}

/// `cargo xtask codegen --check` (the pipeline without the write, so a run never touches
/// generated/ while others work in the tree), in the bench's own target directory so other
/// builds neither block it nor make it rebuild; the first run builds and is not counted.
fn xtask_row(settings: &Settings) -> anyhow::Result<Row> {
    let runs = if settings.quick { 2 } else { 5 };
    let target = settings.scratch().join("target");
    let mut times = Vec::new();
    let mut stale = false;
    for i in 0..=runs {
        let started = Instant::now();
        let output = Command::new(cargo())
            .args(["xtask", "codegen", "--check"])
            .current_dir(&settings.root)
            .env("CARGO_TARGET_DIR", &target)
            .output()
            .map_err(|e| anyhow!("cannot run cargo: {e}"))?;
        let elapsed = started.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() && !stderr.contains("is stale") {
            return Err(anyhow!("`cargo xtask codegen --check` failed: {stderr}"));
        }
        stale |= !output.status.success();
        if i > 0 {
            times.push(elapsed);
        }
    }
    let median = stats::median(&times);
    let note = if stale { " (generated/ is stale against the working tree's spec)" } else { "" };
    Ok(Row::new(format!("`cargo xtask codegen --check`, warm build, wall (median of {runs}){note}"), stats::duration(median))
        .target("< 1 s", median < Duration::from_secs(1)))
}

/// The cargo that runs this bench (`cargo run` sets CARGO), else the one on PATH.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}
