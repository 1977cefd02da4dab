//! `trefpunt`: one binary for the site, the REST API and the command line.

use clap::{Parser, Subcommand};
use server::config::{redact_url, Settings};
use server::Application;
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "trefpunt", version, about = "Trefpunt: residents map meeting places, barriers and wishes")]
#[command(after_help = "Configuration comes from the environment:
  TREFPUNT_DATABASE_URL       database (default sqlite://data/trefpunt.db)
  LEPTOS_SITE_ADDR            address to listen on (default 127.0.0.1:3000)
  LEPTOS_SITE_ROOT            the built site (default target/site)
  TREFPUNT_PUBLIC_URL         the https address links and QR codes use
  TREFPUNT_TILE_URL           basemap tiles, {z}/{x}/{y} template (default PDOK BRT-Achtergrondkaart;
                              \"none\" for no basemap)
  TREFPUNT_TILE_ATTRIBUTION   the basemap's attribution
  TREFPUNT_LOCATIESERVER_URL  PDOK Locatieserver v3.1 base URL (address search)
  RUST_LOG                    log filter (default info)")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site and the API (the default).
    Serve,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_target(false)
        .init();
    let cli = Cli::parse();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve().await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("trefpunt: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), Box<dyn std::error::Error>> {
    let settings = Settings::from_env()?;
    tracing::info!(database = %redact_url(&settings.database_url), "opening database");
    let app = Application::build(settings).await?;
    tracing::info!("listening on http://{}", app.addr);
    app.run_until_stopped().await?;
    Ok(())
}
