//! What the CLI's commands do; `main.rs` only parses arguments and calls these.

use std::io::BufRead as _;
use std::path::Path;

use crate::accounts::{self, NewStaffInput, Role};
use crate::app::{Application, Dependencies};
use crate::config::Config;
use crate::db::Db;
use crate::kernel::audit::Actor;
use crate::kernel::clock::{SharedClock, SystemClock};

fn load(config_file: Option<&Path>) -> anyhow::Result<Config> {
    let config = Config::load(config_file)?;
    config.validate()?;
    Ok(config)
}

/// `guildhall serve`: migrate, then serve until stopped.
pub async fn serve(config_file: Option<&Path>) -> anyhow::Result<()> {
    let config = load(config_file)?;
    crate::telemetry::init(&config.log);
    let bind = config.bind.clone();
    let clock: SharedClock = std::sync::Arc::new(SystemClock);
    let providers = crate::notify::Providers::from_config(&config, clock.clone())
        .map_err(anyhow::Error::msg)?;
    let deps = Dependencies { clock, providers, ..Dependencies::default() };
    let app = Application::build(config, deps).await?;
    tracing::info!(%bind, "guildhall listening");
    app.run_until_stopped().await?;
    Ok(())
}

fn open_db(config: &mut Config) -> anyhow::Result<Db> {
    config.prepare_data_dir()?;
    let db = Db::connect(&config.db_url().map_err(anyhow::Error::msg)?, 2)?;
    db.migrate()?;
    Ok(db)
}

/// `guildhall migrate`: applies pending migrations and reports how many.
pub fn migrate(config_file: Option<&Path>) -> anyhow::Result<()> {
    let mut config = load(config_file)?;
    config.prepare_data_dir()?;
    let db = Db::connect(&config.db_url().map_err(anyhow::Error::msg)?, 1)?;
    let applied = db.migrate()?;
    println!("migrations applied: {applied} ({:?})", db.backend());
    Ok(())
}

/// Where `create-staff` reads the password from.
#[derive(Debug, Clone, Copy)]
pub enum PasswordSource {
    /// Prompt twice on the terminal, without echo.
    Prompt,
    /// The first line of standard input.
    Stdin,
}

/// `guildhall create-staff`: adds a staff account.
pub async fn create_staff(
    config_file: Option<&Path>,
    username: String,
    display_name: Option<String>,
    role: &str,
    source: PasswordSource,
) -> anyhow::Result<()> {
    let role = Role::parse(role).ok_or_else(|| {
        anyhow::anyhow!("--role: `{role}` is not one of admin, secretary, finance, editor")
    })?;
    let password = read_password(source)?;
    let mut config = load(config_file)?;
    let db = tokio::task::spawn_blocking(move || open_db(&mut config)).await??;
    let clock: SharedClock = std::sync::Arc::new(SystemClock);
    let input = NewStaffInput {
        username,
        display_name: display_name.unwrap_or_default(),
        role,
        password: Some(password),
    };
    match accounts::create_staff(&db, &clock, input, Actor::System).await {
        Ok(created) => {
            println!("created staff account `{}` ({})", created.row.username, role.as_str());
            Ok(())
        }
        Err(crate::error::AppError::Validation(fields)) => {
            let messages: Vec<String> =
                fields.into_iter().map(|f| format!("{}: {}", f.field, f.message)).collect();
            anyhow::bail!("{}", messages.join("; "))
        }
        Err(other) => Err(anyhow::anyhow!("{other}: {:?}", other)),
    }
}

fn read_password(source: PasswordSource) -> anyhow::Result<String> {
    match source {
        PasswordSource::Stdin => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let password = line.trim_end_matches(['\r', '\n']).to_owned();
            anyhow::ensure!(!password.is_empty(), "no password on standard input");
            Ok(password)
        }
        PasswordSource::Prompt => {
            let first = rpassword::prompt_password("Password: ")?;
            let second = rpassword::prompt_password("Repeat password: ")?;
            anyhow::ensure!(first == second, "the passwords differ");
            Ok(first)
        }
    }
}

/// `guildhall check-config`: validates and prints the configuration, secrets redacted.
pub fn check_config(config_file: Option<&Path>) -> anyhow::Result<()> {
    let config = load(config_file)?;
    let db = config.db_url().map_err(anyhow::Error::msg)?;
    println!("configuration is valid");
    println!("  environment:     {:?}", config.environment);
    println!("  bind:            {}", config.bind);
    println!("  data_dir:        {}", config.data_dir.display());
    println!("  database:        {:?} {}", db.backend, redact_url(&db.target));
    println!("  public_base_url: {}", config.public_base_url);
    println!("  secrets:         {:?}", config.secrets);
    Ok(())
}

/// Hides a password in a database URL.
fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}
