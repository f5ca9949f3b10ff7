//! `kiosk`: the self-service terminal, and the tools technicians and center staff run beside it.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};

use cli::{load_catalog, load_config, Failed};
use kiosk::app::words::ForTechnicians;
use kiosk::app::Settings;
use kiosk::ui::Kiosk;

#[derive(Parser)]
#[command(name = "kiosk", version, about = "一件事一次办 self-service kiosk")]
struct Cli {
    /// The kiosk's configuration file.
    #[arg(long, global = true, default_value = "config/kiosk.toml")]
    config: PathBuf,
    /// Fill the screen (the terminal); otherwise a window of the configured size.
    #[arg(long)]
    fullscreen: bool,
    /// Window size as WIDTHxHEIGHT, e.g. 1920x1080, instead of the configured one.
    #[arg(long, value_parser = parse_size)]
    size: Option<(u32, u32)>,
    /// Quit as soon as the first frame is on screen, printing the time it took (for the startup benchmark).
    #[arg(long, hide = true)]
    exit_after_first_frame: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Check, export or search the one-thing catalog.
    Catalog {
        #[command(subcommand)]
        action: cli::catalog::CatalogAction,
    },
    /// Find, test and diagnose the devices (for technicians).
    Device {
        #[command(subcommand)]
        action: cli::device::DeviceAction,
    },
    /// The packages waiting for the back office.
    Outbox {
        #[command(subcommand)]
        action: cli::outbox::OutboxAction,
    },
    /// Render, sample and measure the receipts the kiosk prints.
    Receipt {
        #[command(subcommand)]
        action: cli::receipt::ReceiptAction,
    },
    /// Technician mode's PIN.
    Technician {
        #[command(subcommand)]
        action: cli::technician::TechnicianAction,
    },
    /// Send a synthetic test application to the back office and report whether it was delivered.
    Selftest(Box<cli::selftest::SelftestArgs>),
    /// Measure every screen's full repaint with the software renderer, and the peak memory of a whole path.
    UiBench {
        /// Frames rendered per screen.
        #[arg(long, default_value_t = 30)]
        iterations: usize,
        /// Screen size as WIDTHxHEIGHT.
        #[arg(long, value_parser = parse_size, default_value = "1080x1920")]
        size: (u32, u32),
        /// The pixels rendered into: the terminal's, or packed RGB as this bench did before.
        #[arg(long, value_enum, default_value_t = cli::Pixels::Xrgb8888)]
        pixels: cli::Pixels,
    },
    /// Time every screen's spoken prompt: from `say` to the first sound, and the whole synthesis.
    SpeechBench {
        /// The player instead of the configured one (without a sound card the audio is discarded).
        #[arg(long)]
        player: Option<String>,
    },
    /// Run a device simulator on a pseudo-terminal or a socket.
    Sim {
        #[command(subcommand)]
        action: cli::sim::SimAction,
    },
}

fn parse_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once(['x', 'X', '×'])
        .ok_or("use WIDTHxHEIGHT, e.g. 1080x1920")?;
    let parse = |s: &str| {
        s.trim()
            .parse::<u32>()
            .map_err(|_| format!("`{s}` is not a number of pixels"))
    };
    Ok((parse(w)?, parse(h)?))
}

fn main() -> ExitCode {
    kiosk::memory::tune_malloc();
    // Every command, not only the kiosk: a panic's message is redacted before it is printed.
    kiosk::logging::install_panic_hook();
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::Catalog { action }) => cli::catalog::run(&cli.config, action),
        Some(Command::Device { action }) => cli::device::run(action),
        Some(Command::Sim { action }) => cli::sim::run(&cli.config, action),
        Some(Command::Outbox { action }) => cli::outbox::run(&cli.config, action),
        Some(Command::Receipt { action }) => cli::receipt::run(&cli.config, action),
        Some(Command::Technician { action }) => cli::technician::run(&cli.config, action),
        Some(Command::Selftest(args)) => cli::selftest::run(&cli.config, args),
        Some(Command::UiBench {
            iterations,
            size,
            pixels,
        }) => cli::ui_bench(&cli.config, *iterations, size.0, size.1, *pixels),
        Some(Command::SpeechBench { player }) => cli::speech_bench(&cli.config, player.as_deref()),
        None => run_kiosk(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failed(code)) => code,
    }
}

/// On a terminal (a build with the `terminal` feature, started outside any desktop session) the window is the
/// panel itself: the kiosk's DRM/KMS platform, with the picture turned by display.rotation.
#[cfg(feature = "terminal")]
fn install_terminal_platform(rotation: u32) -> Result<(), Failed> {
    let desktop =
        std::env::var_os("WAYLAND_DISPLAY").is_some() || std::env::var_os("DISPLAY").is_some();
    if desktop && cfg!(feature = "desktop") {
        return Ok(());
    }
    kiosk::terminal::install(rotation)
        .map_err(|e| Failed::with_message(format!("cannot open the terminal's screen: {e}")))
}

/// Builds without the terminal open a desktop window; display.rotation is the terminal's.
#[cfg(not(feature = "terminal"))]
fn install_terminal_platform(_rotation: u32) -> Result<(), Failed> {
    Ok(())
}

fn run_kiosk(cli: &Cli) -> Result<(), Failed> {
    let started = std::time::Instant::now();
    kiosk::logging::init();
    let config = load_config(&cli.config)?;
    install_terminal_platform(config.rotation)?;
    tracing::info!(
        version = kiosk::version(),
        kiosk_id = %config.kiosk_id,
        config = %cli.config.display(),
        "kiosk starting"
    );
    // A catalog synced from the back office (and checked before it was installed) wins over the shipped one.
    let catalog =
        match kiosk::services::uplink::catalog_sync::effective(&config.catalog, &config.data_dir) {
            Ok((catalog, _)) => Arc::new(catalog),
            Err(_) => Arc::new(load_catalog(&config.catalog)?),
        };
    let kiosk = Kiosk::new(catalog, Settings::from_config(&config))
        .map_err(|e| Failed::with_message(format!("cannot open the kiosk window: {e}")))?;
    let uris = kiosk::services::devices::DeviceUris::from_config(&config.devices)
        .map_err(Failed::with_message)?;
    kiosk
        .attach_devices(&uris)
        .map_err(|e| Failed::with_message(format!("cannot start the device service: {e}")))?;
    let retention = config
        .backoffice
        .as_ref()
        .map(|b| b.retention())
        .unwrap_or_default();
    let outbox = kiosk::outbox::Outbox::open_with(&config.data_dir, retention).map_err(|e| {
        Failed::with_message(format!("cannot open the outbox: {}", e.for_technicians()))
    })?;
    let cache = kiosk::services::uplink::CatalogCache::new(&config.data_dir);
    kiosk
        .attach_intake(
            Arc::new(std::sync::Mutex::new(outbox)),
            config
                .backoffice
                .as_ref()
                .map(|b| (b, config.kiosk_id.as_str(), cache)),
        )
        .map_err(|e| {
            let why = e.for_technicians();
            Failed::with_message(format!("cannot start the back-office link: {why}"))
        })?;
    let (width, height) = cli.size.unwrap_or((config.width, config.height));
    kiosk.set_size(width, height);
    if cli.fullscreen || config.fullscreen {
        kiosk.set_fullscreen();
    }
    if cli.exit_after_first_frame {
        // How long the way to a first frame took since the process began, and the peak memory so far.
        kiosk.quit_after_first_frame(move |rendered| {
            let ms = started.elapsed().as_secs_f64() * 1000.0;
            println!(
                "first_frame_ms={ms:.1} rendered={rendered} peak_rss_kb={}",
                kiosk::memory::peak_rss_kb().unwrap_or(0)
            );
        });
    }
    let _watchdog = kiosk.start_watchdog(started);
    kiosk
        .run()
        .map_err(|e| Failed::with_message(format!("the kiosk window failed: {e}")))
}
