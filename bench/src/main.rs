//! `wacr-bench` (run by `cargo xtask bench`): flag parsing and dispatch; the sections live in
//! the library. Prints the table on stdout, progress on stderr.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use wacr_bench::{Section, Settings, sandbox, table};

const USAGE: &str = "\
usage: wacr-bench [--quick] [--only SECTION[,SECTION...]] [--readme FILE]
       wacr-bench calls glue|client SIDE N   (N in-process calls, for callgrind)
  sections: codegen, compile, glue, client, sandbox (default: all, in that order)
  --quick    short rounds and 10,000 contacts: checks the harness, the numbers mean little
  --readme   also write the table between the bench markers of FILE";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [command, db] = args.as_slice()
        && command == "serve-sandbox"
    {
        return match sandbox::serve_child(Path::new(db)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("serve-sandbox: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if let [command, row, side, n] = args.as_slice()
        && command == "calls"
    {
        let n: u64 = match n.parse() {
            Ok(n) => n,
            Err(_) => return usage(&format!("`{n}` is not a count")),
        };
        let result = match row.as_str() {
            "glue" => wacr_bench::glue::calls(side, n),
            "client" => wacr_bench::client::calls(side, n),
            other => Err(format!("unknown row `{other}` (glue, client)")),
        };
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("calls: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("bench/ has a parent").to_path_buf();
    let mut settings = Settings::new(root);
    let mut readme = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.clone().next()) {
            ("--quick", _) => settings.quick = true,
            ("--only", Some(list)) => {
                args.next();
                match list.split(',').map(Section::parse).collect::<Option<Vec<_>>>() {
                    Some(sections) => settings.sections = sections,
                    None => return usage(&format!("unknown section in `{list}`")),
                }
            }
            ("--readme", Some(file)) => {
                args.next();
                readme = Some(PathBuf::from(file));
            }
            ("help" | "--help" | "-h", _) => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            (other, _) => return usage(&format!("unexpected argument `{other}`")),
        }
    }
    let markdown = wacr_bench::run(&settings);
    println!("{markdown}");
    if let Some(readme) = readme {
        if let Err(e) = table::splice_readme(&readme, &markdown) {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
        eprintln!("wrote the table into {}", readme.display());
    }
    ExitCode::SUCCESS
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("error: {problem}\n{USAGE}");
    ExitCode::from(2)
}
