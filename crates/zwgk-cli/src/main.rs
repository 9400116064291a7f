//! `zwgk`: check a government portal against its 政务公开 task plan.

mod cli;
mod commands;
mod exit;
mod logging;
mod memory;

use clap::Parser;

fn main() {
    memory::cap_malloc_arenas();
    let args = cli::Cli::parse_from_env_or_exit();
    let code = match args.command {
        cli::Command::Scan(a) => commands::scan::run(a),
        cli::Command::History(a) => commands::history::list(a),
        cli::Command::Diff(a) => commands::history::diff(a),
        cli::Command::Probe(a) => commands::probe::run(a),
        cli::Command::Rules { command } => match command {
            cli::RulesCommand::Lint(a) => commands::rules::lint(a),
            cli::RulesCommand::Import(a) => commands::rules::import(a),
            cli::RulesCommand::Test(a) => commands::rules::test(a),
            cli::RulesCommand::Docs(a) => commands::rules::docs(a),
        },
    };
    std::process::exit(code as i32);
}

impl cli::Cli {
    /// Parse arguments; usage errors exit with code 2, help and version with 0.
    fn parse_from_env_or_exit() -> Self {
        match cli::Cli::try_parse() {
            Ok(c) => c,
            Err(e) => {
                let code = if e.use_stderr() {
                    exit::Code::BadInput
                } else {
                    exit::Code::Ok
                };
                let _ = e.print();
                std::process::exit(code as i32);
            }
        }
    }
}
