//! The bearer token that writes need: 32 random bytes as hex, kept in the
//! store folder in a file only its owner can read.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The token file of a store.
pub fn path(store: &Path) -> PathBuf {
    store.join("server-token")
}

/// A new random token.
///
/// Fails when the operating system has no random numbers to give.
pub fn generate() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The token in `file`, made and stored when there is none yet; the flag
/// says whether it was made now.
///
/// Fails when the file cannot be read or written, or holds no token.
pub fn load_or_create(file: &Path) -> std::io::Result<(String, bool)> {
    match std::fs::read_to_string(file) {
        Ok(text) => {
            let token = text.trim().to_string();
            if token.len() < 32 {
                return Err(std::io::Error::other(format!(
                    "{} holds no token; delete it or rotate it with `detente serve --rotate-token`",
                    file.display()
                )));
            }
            Ok((token, false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((rotate(file)?, true)),
        Err(e) => Err(e),
    }
}

/// Writes a new token to `file` (owner read and write only) and returns it.
/// The old token stops working when a running server is restarted.
///
/// Fails when the file cannot be written.
pub fn rotate(file: &Path) -> std::io::Result<String> {
    let token = generate()?;
    let tmp = file.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp)?;
    writeln!(f, "{token}")?;
    f.sync_all()?;
    std::fs::rename(&tmp, file)?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_made_once_kept_and_rotated() {
        let dir = tempfile::tempdir().unwrap();
        let file = path(dir.path());
        let (first, made) = load_or_create(&file).unwrap();
        assert!(made);
        assert_eq!(first.len(), 64);
        let (again, made) = load_or_create(&file).unwrap();
        assert!(!made);
        assert_eq!(first, again);
        let rotated = rotate(&file).unwrap();
        assert_ne!(rotated, first);
        assert_eq!(load_or_create(&file).unwrap().0, rotated);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn an_empty_token_file_is_an_error_not_an_open_door() {
        let dir = tempfile::tempdir().unwrap();
        let file = path(dir.path());
        std::fs::write(&file, "\n").unwrap();
        assert!(load_or_create(&file).is_err());
    }
}
