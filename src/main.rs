//! The `guildhall` command line: parses arguments and calls `guildhall::commands`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use guildhall::commands::{self, PasswordSource};

/// Guildhall: business association server (workbench, mini-program API, QR check-in).
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// A TOML configuration file (see config/guildhall.example.toml).
    #[arg(long, global = true, env = "GUILDHALL_CONFIG_FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Migrate the database and serve (the default).
    Serve,
    /// Apply pending database migrations.
    Migrate,
    /// Create a staff account; the password is prompted for or read from stdin.
    CreateStaff {
        /// Sign-in name (3–32 of a-z 0-9 . _ -).
        #[arg(long)]
        username: String,
        /// admin, secretary, finance or editor.
        #[arg(long)]
        role: String,
        /// Name shown in the workbench.
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Validate the configuration and print it with secrets redacted.
    CheckConfig,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config.as_deref();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => commands::serve(config).await,
        Command::Migrate => commands::migrate(config),
        Command::CreateStaff { username, role, display_name, password_stdin } => {
            let source =
                if password_stdin { PasswordSource::Stdin } else { PasswordSource::Prompt };
            commands::create_staff(config, username, display_name, &role, source).await
        }
        Command::CheckConfig => commands::check_config(config),
    }
}
