//! leakgate: parse the command line, run, and turn the outcome into an exit code
//! (0 nothing found, 1 findings, 2 usage or runtime error).

mod cli;
mod cmd;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, ColorChoice};
use cmd::Outcome;
use leakgate::report::Style;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let style = Style {
        color: use_color(cli.color),
    };
    let result = cmd::run(cli, &style);
    leakgate::git::remove_scratch();
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(err) => {
            let _ = writeln!(cmd::stderr(), "leakgate: error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn use_color(choice: ColorChoice) -> bool {
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return false;
    }
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => io::stdout().is_terminal(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;
    use cli::Command;
    use leakgate::report::Format;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn format_names() {
        let cli = Cli::try_parse_from(["leakgate", "scan", "--format", "sarif", "x"]).unwrap();
        match cli.command {
            Command::Scan(a) => assert_eq!(a.output.format, Format::Sarif),
            _ => panic!("scan expected"),
        }
    }
}
