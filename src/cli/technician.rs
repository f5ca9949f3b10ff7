//! `kiosk technician set-pin`: sets the PIN that opens technician mode. The PIN is read from standard input (so it
//! is in no shell history or process list) and stored only as an Argon2id hash in the configuration.

use std::io::BufRead;
use std::path::Path;

use clap::Subcommand;
use kiosk::technician::config_file::ConfigFile;
use kiosk::technician::pin;

use super::{report, Failed};

#[derive(Subcommand)]
pub enum TechnicianAction {
    /// Read a PIN of 6 to 12 digits from standard input and store its hash in the configuration.
    SetPin,
}

pub fn run(config: &Path, action: &TechnicianAction) -> Result<(), Failed> {
    match action {
        TechnicianAction::SetPin => {
            eprintln!("维护密码（6 到 12 位数字），输入后按回车：");
            let mut line = zeroize::Zeroizing::new(String::new());
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(Failed::with_message)?;
            let entered = line.trim();
            if !pin::valid_pin(entered) {
                return Err(Failed::with_message("the PIN must be 6 to 12 digits"));
            }
            let hash = pin::hash(entered).map_err(Failed::with_message)?;
            let mut file = ConfigFile::open(config).map_err(Failed::with_message)?;
            file.set_str("technician", "pin_hash", &hash);
            file.save().map_err(|problems| {
                report(&problems);
                Failed(std::process::ExitCode::FAILURE)
            })?;
            eprintln!("PIN set in {}", config.display());
            Ok(())
        }
    }
}
