//! Profiles: base URL and token saved by `wacr configure` in `config.yaml` of the platform's
//! config directory (`$WACR_CONFIG` overrides the path), written with mode 0600; and the
//! settings of a run, where a flag or the environment wins over the profile.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;

use clap::ArgMatches;
use serde::{Deserialize, Serialize};

use super::command::global;
use super::error::CliError;

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// The config file.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ConfigFile {
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One profile.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// Where the config file is: `$WACR_CONFIG`, else `wacr/config.yaml` in the config directory.
pub fn path() -> Result<PathBuf, CliError> {
    if let Some(path) = std::env::var_os("WACR_CONFIG") {
        return Ok(PathBuf::from(path));
    }
    let dir = dirs::config_dir().ok_or_else(|| CliError::Config { path: "(none)".into(), message: "no config directory on this platform; set WACR_CONFIG".into() })?;
    Ok(dir.join("wacr").join("config.yaml"))
}

/// The config file, or an empty one when it does not exist.
pub fn load() -> Result<ConfigFile, CliError> {
    let path = path()?;
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_saphyr::from_str(&text).map_err(|e| CliError::Config { path: path.display().to_string(), message: e.to_string() }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigFile::default()),
        Err(source) => Err(CliError::Io { what: path.display().to_string(), source }),
    }
}

/// Writes the config file, readable by its owner only.
fn save(file: &ConfigFile) -> Result<PathBuf, CliError> {
    let path = path()?;
    let io = |source| CliError::Io { what: path.display().to_string(), source };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let text = serde_saphyr::to_string(file).map_err(|e| CliError::Config { path: path.display().to_string(), message: e.to_string() })?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        options.mode(0o600);
        // an existing file keeps its mode on open: narrow it first
        if path.exists() {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
        }
    }
    options.open(&path).and_then(|mut f| f.write_all(text.as_bytes())).map_err(io)?;
    Ok(path)
}

/// `wacr configure`: merges the given base URL and token into the profile and saves the file.
pub fn configure(m: &ArgMatches) -> Result<String, CliError> {
    let name = m.get_one::<String>(global::PROFILE).map_or(DEFAULT_PROFILE, String::as_str).to_owned();
    let mut file = load()?;
    let profile = file.profiles.entry(name.clone()).or_default();
    if let Some(url) = m.get_one::<String>(global::BASE_URL) {
        profile.base_url = Some(url.clone());
    }
    if let Some(token) = m.get_one::<String>(global::TOKEN) {
        profile.token = Some(if token == "-" { read_token()? } else { token.clone() });
    }
    if profile.base_url.is_none() && profile.token.is_none() {
        return Err(CliError::Usage("wacr configure needs --base-url, --token or both".into()));
    }
    let path = save(&file)?;
    Ok(format!("saved profile `{name}` in {}", path.display()))
}

fn read_token() -> Result<String, CliError> {
    let mut token = String::new();
    std::io::stdin().read_line(&mut token).map_err(|source| CliError::Io { what: "stdin".into(), source })?;
    Ok(token.trim().to_owned())
}

/// What a run connects with: flags and environment first (clap reads both), then the profile.
#[derive(Debug)]
pub struct Settings {
    pub base_url: String,
    pub token: Option<String>,
}

impl Settings {
    pub fn resolve(m: &ArgMatches, default_base_url: &str) -> Result<Settings, CliError> {
        let named = m.get_one::<String>(global::PROFILE);
        let file = load()?;
        let profile = match named {
            Some(name) => file.profiles.get(name).cloned().ok_or_else(|| CliError::Usage(format!("no profile `{name}` in {}; create it with wacr configure", path().map(|p| p.display().to_string()).unwrap_or_default())))?,
            None => file.profiles.get(DEFAULT_PROFILE).cloned().unwrap_or_default(),
        };
        let base_url = m.get_one::<String>(global::BASE_URL).cloned().or(profile.base_url).unwrap_or_else(|| default_base_url.to_owned());
        let token = m.get_one::<String>(global::TOKEN).cloned().or(profile.token);
        Ok(Settings { base_url, token })
    }
}
