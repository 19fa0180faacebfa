//! The clap command tree built from the [`Cli`] table: global options, `configure`,
//! `completions`, `man`, and one subcommand per group and operation with its typed flags.

use clap::builder::{PossibleValuesParser, ValueParser};
use clap::{Arg as ClapArg, ArgAction, Command, value_parser};

use super::error;
use super::table::{Arg, Cli, Group, Kind, List, Operation};

/// Arg ids of the global options.
pub(super) mod global {
    pub const BASE_URL: &str = "base-url";
    pub const TOKEN: &str = "token";
    pub const PROFILE: &str = "profile";
    pub const OUTPUT: &str = "output";
    pub const ALL: &str = "all";
    pub const DRY_RUN: &str = "dry-run";
    pub const VERBOSE: &str = "verbose";
    pub const TIMEOUT: &str = "timeout";
    pub const MAX_ATTEMPTS: &str = "max-attempts";
    pub const DATA: &str = "data";
}

/// Arg ids of an operation's flags: the kind of input, then the wire name, so that a body field
/// and a query parameter of the same name stay apart.
pub(super) fn arg_id(prefix: &str, wire: &str) -> String {
    format!("{prefix}:{wire}")
}

/// The whole command tree.
pub fn build(cli: &'static Cli) -> Command {
    let mut root = Command::new(cli.name)
        .version(cli.version)
        .about(cli.about)
        .after_help(error::EXIT_HELP)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .args(global_args(cli))
        .subcommand(configure())
        .subcommand(completions())
        .subcommand(man());
    for group in cli.groups {
        root = root.subcommand(group_command(cli, group));
    }
    root
}

fn global_args(cli: &Cli) -> Vec<ClapArg> {
    let arg = |id: &'static str| ClapArg::new(id).long(id).global(true).help_heading("Global options").hide_env_values(true);
    vec![
        arg(global::BASE_URL)
            .env("WACR_BASE_URL")
            .value_name("URL")
            .help(format!("API base URL [default: the profile's, else {}]", cli.default_base_url)),
        arg(global::TOKEN).env("WACR_TOKEN").value_name("TOKEN").help("API token [default: the profile's]"),
        arg(global::PROFILE).env("WACR_PROFILE").value_name("NAME").help("Profile of the config file to use (`wacr configure`) [default: default]"),
        arg(global::OUTPUT)
            .short('o')
            .value_name("FORMAT")
            .value_parser(["json", "yaml", "table"])
            .help("Output format [default: table on a terminal, json otherwise]"),
        arg(global::ALL).action(ArgAction::SetTrue).help("List operations: follow every page (NDJSON with --output json)"),
        arg(global::DRY_RUN).action(ArgAction::SetTrue).help("Print the request as a curl command (token redacted) instead of sending it"),
        arg(global::VERBOSE).short('v').action(ArgAction::Count).help("Log requests to stderr (-v: each attempt, -vv: more); tokens never appear"),
        arg(global::TIMEOUT).value_name("SECONDS").value_parser(value_parser!(f64)).help("Timeout of each attempt [default: 30]"),
        arg(global::MAX_ATTEMPTS)
            .value_name("N")
            .value_parser(value_parser!(u32).range(1..))
            .help("Attempts in all, the first included; 1 disables retries [default: 3]"),
    ]
}

fn configure() -> Command {
    Command::new("configure")
        .about("Save a base URL and token as a profile of the config file (created 0600)")
        .long_about(
            "Save a base URL and token as a profile of the config file (created 0600).\n\n\
             The file is config.yaml in the platform's config directory (wacr/), or $WACR_CONFIG. \
             Select the profile with --profile NAME or WACR_PROFILE; flags and WACR_BASE_URL / \
             WACR_TOKEN win over it. Give the token as `-` to read it from stdin.",
        )
        .after_help("Example:\n  wacr configure --profile local --base-url http://127.0.0.1:8080 --token \"$WACR_TOKEN\"")
}

fn completions() -> Command {
    Command::new("completions")
        .about("Print a shell completion script to stdout")
        .arg(ClapArg::new("shell").required(true).value_parser(value_parser!(clap_complete::Shell)))
        .after_help("Example:\n  wacr completions bash > ~/.local/share/bash-completion/completions/wacr")
}

fn man() -> Command {
    Command::new("man")
        .about("Print the man page (roff) to stdout, or write one page per command to a directory")
        .arg(
            ClapArg::new("dir")
                .long("dir")
                .value_name("DIR")
                .value_parser(value_parser!(std::path::PathBuf))
                .help("Write wacr.1 and a page per subcommand (wacr-contacts-list.1, ...) into DIR"),
        )
        .after_help("Example:\n  wacr man --dir ~/.local/share/man/man1")
}

fn group_command(cli: &Cli, group: &'static Group) -> Command {
    let mut command = Command::new(group.name).about(group.about).subcommand_required(true).arg_required_else_help(true);
    for op in group.operations {
        command = command.subcommand(operation_command(cli, op));
    }
    command
}

fn operation_command(cli: &Cli, op: &'static Operation) -> Command {
    let mut command = Command::new(op.name).about(op.about).long_about(op.help);
    if let Some(example) = op.example {
        command = command.after_help(format!("Example:\n  {example}"));
    }
    for p in op.params {
        command = command.arg(typed(ClapArg::new(arg_id("path", p.wire)).value_name(p.flag.to_uppercase()).required(true).help(p.help), p));
    }
    for q in op.query {
        command = command.arg(flag("query", q));
    }
    if let Some(list) = &op.list {
        command = command.args(list_args(cli, list));
    }
    if !op.include.is_empty() {
        let include = ClapArg::new(cli.query_keys.include).long("include").value_name("RELATIONS").value_delimiter(',').action(ArgAction::Append);
        command = command.arg(include.value_parser(PossibleValuesParser::new(op.include)).help("Relations to load, comma-separated"));
    }
    if op.fields {
        let fields = ClapArg::new(cli.query_keys.fields).long("fields").value_name("FIELDS").value_delimiter(',').action(ArgAction::Append);
        command = command.arg(fields.help("Only these fields of each item, comma-separated"));
    }
    if let Some(body) = &op.body {
        command = command.arg(
            ClapArg::new(global::DATA)
                .long("data")
                .short('d')
                .value_name("JSON|@FILE|-")
                .help("The request body: inline JSON, @file.json, or - for stdin; flags override its fields"),
        );
        let files: Vec<_> = body.fields.iter().filter(|f| f.kind == Kind::File).collect();
        for f in body.fields {
            let mut arg = flag("body", f).required(false);
            // the one file of a multipart operation is also `--file`
            if files.len() == 1 && f.kind == Kind::File && f.flag != "file" {
                arg = arg.visible_alias("file");
            }
            command = command.arg(arg);
        }
    }
    command
}

/// The flags of a list operation's query.
fn list_args(cli: &Cli, list: &List) -> Vec<ClapArg> {
    let keys = &cli.query_keys;
    let (min, max, default) = list.per_page;
    let mut args = vec![
        ClapArg::new(keys.page).long("page").value_name("N").value_parser(value_parser!(u32).range(1..)).help("The page to return [default: 1]"),
        ClapArg::new(keys.per_page)
            .long("per-page")
            .value_name("N")
            .value_parser(value_parser!(i64).range(min..=max))
            .help(format!("Items per page, {min} to {max} [default: {default}]")),
    ];
    if !list.sort.is_empty() {
        let default = list.default_sort.map_or(String::new(), |d| format!(" [default: {d}]"));
        args.push(
            ClapArg::new(keys.sort)
                .long("sort")
                .value_name("KEYS")
                .allow_hyphen_values(true)
                .help(format!("Sort keys, comma-separated, {}KEY descending: {}{default}", keys.descending, list.sort.join(", "))),
        );
    }
    if !list.search.is_empty() {
        args.push(ClapArg::new(keys.search).long("search").value_name("TEXT").help(format!("Partial match over {}", list.search.join(", "))));
    }
    if !list.filters.is_empty() {
        let lines: Vec<String> = list.filters.iter().map(filter_line).collect();
        args.push(
            ClapArg::new(keys.filter)
                .long("filter")
                .value_name("FIELD[:OP]=VALUE")
                .action(ArgAction::Append)
                .help("A filter condition, repeatable (status_id:in=1,2); OP defaults to the field's first")
                .long_help(format!(
                    "A filter condition, repeatable: FIELD[:OP]=VALUE, e.g. status_id:in=1,2 or type=lead. \
                     OP defaults to the field's first operator. Fields and operators:\n{}",
                    lines.join("\n")
                )),
        );
    }
    args
}

/// A filter's line of `--filter`'s help: the field, its operators, its description and, for an
/// enum, the values it takes.
fn filter_line(f: &super::table::Filter) -> String {
    let values = if f.values.is_empty() { String::new() } else { format!(" [possible values: {}]", f.values.join(", ")) };
    format!("  {} ({}): {}{values}", f.field, f.ops.join(", "), f.help)
}

/// A query parameter or body field as a `--flag`.
fn flag(prefix: &str, a: &'static Arg) -> ClapArg {
    let arg = ClapArg::new(arg_id(prefix, a.wire)).long(a.flag).help(a.help).required(a.required);
    let arg = match a.kind {
        Kind::Boolean => arg.value_name("BOOL"),
        Kind::File => arg.value_name("PATH"),
        Kind::Json => arg.value_name("JSON"),
        Kind::Integer | Kind::Number => arg.value_name("NUMBER"),
        Kind::String => arg.value_name("TEXT"),
        Kind::Enum(_) => arg.value_name("VALUE"),
    };
    let arg = if a.many { arg.value_delimiter(',').action(ArgAction::Append).help(format!("{} Comma-separated or repeated.", a.help)) } else { arg };
    typed(arg, a)
}

/// The value parser of an arg's kind.
fn typed(arg: ClapArg, a: &Arg) -> ClapArg {
    let parser: ValueParser = match a.kind {
        Kind::String => value_parser!(String),
        Kind::Integer => value_parser!(i64).into(),
        Kind::Number => value_parser!(f64).into(),
        Kind::Boolean => value_parser!(bool),
        Kind::Enum(values) => PossibleValuesParser::new(values).into(),
        Kind::Json => ValueParser::new(parse_json),
        Kind::File => value_parser!(std::path::PathBuf),
    };
    let arg = arg.value_parser(parser);
    if matches!(a.kind, Kind::Integer | Kind::Number) { arg.allow_negative_numbers(true) } else { arg }
}

/// A flag's JSON value; text that is not JSON is taken as a string.
fn parse_json(text: &str) -> Result<serde_json::Value, std::convert::Infallible> {
    Ok(serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned())))
}
