//! The `packyard` command line.

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use packyard::app::{self, AppState};
use packyard::auth::{Actor, password};
use packyard::config::Config;
use packyard::domain::users;
use packyard::jobs::worker;
use packyard::{db, graphql, telemetry};

/// A hyper server makes many small, short-lived allocations per request; mimalloc
/// serves them faster than glibc's malloc (see docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "packyard",
    version,
    about = "Self-hosted private Composer package registry"
)]
struct Cli {
    /// TOML configuration file; environment variables (PACKYARD_*, DATABASE_URL) win
    /// over it.
    #[arg(long, global = true, env = "PACKYARD_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API, the Composer repositories and the dashboard (the default).
    Serve,
    /// Run only the job worker (for deployments that separate API and workers).
    Worker,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user; prints a generated password unless --password-stdin is given.
    Create {
        username: String,
        /// Make the user an administrator of this Packyard instance.
        #[arg(long)]
        admin: bool,
        #[arg(long)]
        email: Option<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (generated unless --password-stdin) and end the user's
    /// sessions.
    ResetPassword {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

fn main() -> anyhow::Result<()> {
    // Before any thread exists: see the function's safety note.
    packyard::vcs::set_network_timeouts();
    tokio::runtime::Runtime::new()?.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::Schema) = cli.command {
        print!("{}", graphql::sdl());
        return Ok(());
    }
    let config = Config::load(cli.config.as_deref())?;
    telemetry::init(&config)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Worker => {
            let state = AppState::new(config).await?;
            worker::run(state, shutdown_signal()).await;
            Ok(())
        }
        Command::Migrate => {
            let applied = db::migrate::run(&config.database()?).await?;
            println!("{} migration(s) applied", applied.len());
            Ok(())
        }
        Command::Schema => unreachable!("handled before loading the configuration"),
        Command::User(command) => user_command(config, command).await,
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let public_url = config.public_url();
    let state = AppState::new(config).await?;
    let first_admin = users::bootstrap_admin(&state.db).await?;
    println!("Packyard is running at {public_url}");
    match first_admin {
        Some((username, password)) => {
            println!("First start: sign in as `{username}` with the password `{password}`");
            println!(
                "(shown only this once; `packyard user reset-password {username}` sets a new one)"
            );
        }
        None => println!(
            "Sign in with your account; `packyard user reset-password <username>` sets a new password."
        ),
    }
    app::serve(state, listener, shutdown_signal()).await
}

async fn user_command(config: Config, command: UserCommand) -> anyhow::Result<()> {
    let state = AppState::new(config).await?;
    let actor = Actor::System;
    match command {
        UserCommand::Create {
            username,
            admin,
            email,
            password_stdin,
        } => {
            let (password, generated) = read_or_generate_password(password_stdin)?;
            let input = users::NewUserInput {
                username: &username,
                email: email.as_deref(),
                password: &password,
                is_admin: admin,
            };
            let user = users::create(&state.db, &actor, input)
                .await
                .map_err(describe)?;
            println!(
                "created user `{}`{}",
                user.username,
                if admin { " (administrator)" } else { "" }
            );
            if generated {
                println!("password: {password}");
            }
        }
        UserCommand::ResetPassword {
            username,
            password_stdin,
        } => {
            let (password, generated) = read_or_generate_password(password_stdin)?;
            users::reset_password(&state.db, &actor, &username, &password)
                .await
                .map_err(describe)?;
            println!("password of `{username}` changed; their sessions were ended");
            if generated {
                println!("password: {password}");
            }
        }
    }
    Ok(())
}

fn read_or_generate_password(from_stdin: bool) -> anyhow::Result<(String, bool)> {
    if !from_stdin {
        return Ok((password::generate(), true));
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let password = input.trim_end_matches(['\r', '\n']).to_owned();
    Ok((password, false))
}

/// Domain errors as one line for the terminal, with the field at fault.
fn describe(error: packyard::error::Error) -> anyhow::Error {
    match error.field() {
        Some(field) => anyhow::anyhow!("{field}: {error}"),
        None => anyhow::anyhow!("{error}"),
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
