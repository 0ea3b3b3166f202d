//! Connecting to PostgreSQL from a `postgresql://` (or `postgres://`) URL.

use std::str::FromStr;
use std::time::Duration;

use crate::error::{Error, Result};

/// Whether `s` names a PostgreSQL server rather than a file.
pub fn is_url(s: &str) -> bool {
    s.starts_with("postgresql://") || s.starts_with("postgres://")
}

/// A client for `url`, and the URL as it may be shown (without its password).
pub fn connect(url: &str) -> Result<(postgres::Client, String)> {
    let shown = without_password(url);
    // The parser's messages name the option, never its value.
    let mut config = postgres::Config::from_str(url)
        .map_err(|e| Error::usage(format!("{shown}: {e}: {}", cause(&e))))?;
    config.connect_timeout(Duration::from_secs(10));
    let client = config
        .connect(postgres::NoTls)
        .map_err(|e| Error::Io(format!("{shown}: {e}: {}", cause(&e))))?;
    Ok((client, shown))
}

fn cause(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => std::error::Error::source(e).map_or(String::new(), |s| s.to_string()),
    }
}

/// `url` without the password of its user part or of a `password=` parameter.
fn without_password(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => format!("{}@{host}", user.split(':').next().unwrap_or("")),
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let kept: Vec<&str> = query
                .split('&')
                .filter(|p| !p.starts_with("password="))
                .collect();
            match kept.is_empty() {
                true => path.to_string(),
                false => format!("{path}?{}", kept.join("&")),
            }
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_not_shown() {
        let shown = super::without_password;
        assert_eq!(
            shown("postgresql://u:s3cret@h:5432/db"),
            "postgresql://u@h:5432/db"
        );
        assert_eq!(
            shown("postgres://u:p@ss@h/db?password=x&sslmode=disable"),
            "postgres://u@h/db?sslmode=disable"
        );
        assert_eq!(shown("postgresql://h/db"), "postgresql://h/db");
        assert_eq!(shown("postgresql://h?password=x"), "postgresql://h");
    }
}
