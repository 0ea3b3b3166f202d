//! Connecting to PostgreSQL as libpq users expect: a `postgresql://` URL, with what it leaves
//! out taken from `DATABASE_URL` (for a URL with no host, user, port or database at all), then
//! libpq's `PG*` variables and `~/.pgpass`. The password never leaves this module: every message
//! and model header shows the URL as `display` builds it, without one.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use postgres::config::{Host, SslMode};
use postgres::{Client, Config, NoTls};

use crate::error::{Error, Result};

/// How long a server may take to answer before the connection fails, unless the URL's
/// `connect_timeout` or `PGCONNECT_TIMEOUT` says otherwise: an unreachable host fails fast.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Query parameters of ours, not libpq's: taken out before the URL reaches the driver.
const OUR_PARAMS: &[&str] = &["table"];

/// Whether `s` names a PostgreSQL database rather than a file.
pub fn is_url(s: &str) -> bool {
    s.starts_with("postgresql://") || s.starts_with("postgres://")
}

/// A client connected to the database `url` names, and the URL as shown to users: without
/// the password (e.g. `postgresql://postgres@127.0.0.1:5432/db`).
pub fn connect(url: &str) -> Result<(Client, String)> {
    let (config, verify) = config(url, &process_env)?;
    let shown = display(&config);
    // The driver's timeout bounds the TCP connect only: a server that accepts and never
    // answers would hang the login, so the whole of it is bounded here (a late thread is left).
    let timeout = config
        .get_connect_timeout()
        .copied()
        .unwrap_or(CONNECT_TIMEOUT)
        * u32::try_from(config.get_hosts().len().max(1)).unwrap_or(1);
    let (send, answer) = std::sync::mpsc::sync_channel(1);
    let tls = match config.get_ssl_mode() {
        SslMode::Disable => None,
        _ => Some(tls(&verify).map_err(|why| Error::Io(format!("{shown}: TLS: {why}")))?),
    };
    crate::memory::spawn(move || {
        let connected = match tls {
            Some(tls) => config.connect(tls),
            None => config.connect(NoTls),
        };
        // After a timeout nobody listens: the result is dropped.
        let _ = send.send(connected);
    });
    match answer.recv_timeout(timeout) {
        Ok(connected) => connected
            .map(|client| (client, shown.clone()))
            .map_err(|e| Error::Io(format!("{shown}: cannot connect: {}", describe(&e)))),
        Err(_) => Err(Error::Io(format!(
            "{shown}: cannot connect: no answer from the server within {} s",
            timeout.as_secs()
        ))),
    }
}

/// The connection `url` names, with what the PG* variables, ~/.pgpass and DATABASE_URL add, as a
/// libpq `key=value` string, password included: for processes that connect themselves (Dask
/// workers, `train --workers-read`). Never shown.
pub fn conninfo(url: &str) -> Result<String> {
    let (config, verify) = config(url, &process_env)?;
    let quoted = |v: &str| format!("'{}'", v.replace('\\', "\\\\").replace('\'', "\\'"));
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|host| match host {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    let mut info = vec![format!("host={}", quoted(&hosts.join(",")))];
    if !ports.is_empty() {
        info.push(format!("port={}", quoted(&ports.join(","))));
    }
    if let Some(user) = config.get_user() {
        info.push(format!("user={}", quoted(user)));
    }
    if let Some(password) = config.get_password() {
        info.push(format!(
            "password={}",
            quoted(&String::from_utf8_lossy(password))
        ));
    }
    if let Some(db) = config.get_dbname() {
        info.push(format!("dbname={}", quoted(db)));
    }
    let (mode, root) = match (config.get_ssl_mode(), &verify) {
        (SslMode::Disable, _) => ("disable", None),
        (_, Verify::Chain(root)) => ("verify-ca", root.as_ref()),
        (_, Verify::ChainAndName(root)) => ("verify-full", root.as_ref()),
        (SslMode::Require, _) => ("require", None),
        _ => ("prefer", None),
    };
    info.push(format!("sslmode={mode}"));
    if let Some(root) = root {
        info.push(format!(
            "sslrootcert={}",
            quoted(&root.display().to_string())
        ));
    }
    Ok(info.join(" "))
}

/// `url` as messages show it (`display`), without connecting; a URL that does not parse is
/// shown as typed, password cut.
pub fn shown(url: &str) -> String {
    match config(url, &|name: &str| {
        // The password is not needed to show the URL (and .pgpass is not read twice).
        (name != "PGPASSWORD" && name != "PGPASSFILE" && name != "HOME")
            .then(|| process_env(name))
            .flatten()
    }) {
        Ok((config, _)) => display(&config),
        Err(_) => redacted(url),
    }
}

/// TLS as libpq has it: under prefer and require the connection is encrypted and the server's
/// certificate not checked (only its handshake signature); verify-ca checks the chain against
/// the root certificates file, verify-full also the host name.
fn tls(verify: &Verify) -> std::result::Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let config = match verify {
        Verify::Nothing => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly(provider))),
        Verify::Chain(root) | Verify::ChainAndName(root) => {
            let root = root.as_ref().ok_or(
                "no root certificate file: give sslrootcert=FILE or PGSSLROOTCERT (or put it in ~/.postgresql/root.crt)",
            )?;
            use rustls::pki_types::pem::PemObject;
            let mut roots = rustls::RootCertStore::empty();
            let certs = rustls::pki_types::CertificateDer::pem_file_iter(root)
                .map_err(|e| format!("root certificate file {}: {e}", root.display()))?;
            for cert in certs {
                let cert = cert.map_err(|e| format!("root certificate file {}: {e}", root.display()))?;
                roots
                    .add(cert)
                    .map_err(|e| format!("root certificate file {}: {e}", root.display()))?;
            }
            let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .map_err(|e| format!("root certificate file {}: {e}", root.display()))?;
            let verifier: Arc<dyn rustls::client::danger::ServerCertVerifier> =
                match verify {
                    Verify::Chain(_) => Arc::new(ChainOnly(webpki)),
                    _ => webpki,
                };
            builder.dangerous().with_custom_certificate_verifier(verifier)
        }
    }
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// verify-ca: the chain checked as verify-full checks it, a name that does not match accepted.
#[derive(Debug)]
struct ChainOnly(Arc<rustls::client::WebPkiServerVerifier>);

impl rustls::client::danger::ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        use rustls::CertificateError::{NotValidForName, NotValidForNameContext};
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            // The name is checked after the chain: this error means the chain was good.
            Err(rustls::Error::InvalidCertificate(
                NotValidForName | NotValidForNameContext { .. },
            )) => Ok(rustls::client::danger::ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// Accepts any server certificate (see `tls`), checking the handshake's signatures.
#[derive(Debug)]
struct EncryptOnly(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> std::result::Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> std::result::Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The value of our `?table=` parameter, percent-decoded.
pub fn table_param(url: &str) -> Option<String> {
    let (_, query) = url.split_once('?')?;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "table")
        .map(|(_, value)| percent_decode(value))
}

/// A variable of the process environment; an empty one counts as unset, as in libpq.
fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// How `config` reads the environment (tests give their own).
type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The driver's configuration for `url`, completed as libpq would.
fn config(url: &str, env: Env) -> Result<(Config, Verify)> {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let key = |p: &str| {
        p.split_once('=')
            .map_or(p.to_string(), |(k, _)| k.to_string())
    };
    // `postgresql://` or `postgresql:///` alone: everything from DATABASE_URL when set. Not when
    // its parameters name the server (`?host=/run/sock`): that server would come after
    // DATABASE_URL's, which would also lend it its password.
    let bare = base
        .split_once("://")
        .is_some_and(|(_, rest)| rest.trim_end_matches('/').is_empty())
        && !query.split('&').any(|p| {
            ["host", "hostaddr", "port", "user", "dbname", "password"].contains(&key(p).as_str())
        });
    let database_url = env("DATABASE_URL").filter(|u| bare && is_url(u));
    let (base, base_query) = match &database_url {
        Some(u) => u.split_once('?').unwrap_or((u, "")),
        None => (base, ""),
    };
    let value = |name: &str, params: &[&str]| -> Option<String> {
        params
            .iter()
            .rev()
            .find(|p| key(p) == name)
            .map(|p| percent_decode(p.split_once('=').map_or("", |(_, v)| v)))
    };
    let all: Vec<&str> = base_query
        .split('&')
        .chain(query.split('&'))
        .filter(|p| !p.is_empty())
        .filter(|p| !OUR_PARAMS.contains(&key(p).as_str()))
        .collect();
    // sslmode and sslrootcert are read here: the driver knows neither verify mode nor root files.
    let sslmode = value("sslmode", &all).or_else(|| env("PGSSLMODE"));
    let root = value("sslrootcert", &all).or_else(|| env("PGSSLROOTCERT"));
    let params: Vec<&str> = all
        .into_iter()
        .filter(|p| !["sslmode", "sslrootcert"].contains(&key(p).as_str()))
        .collect();
    let joined = match params.is_empty() {
        true => base.to_string(),
        false => format!("{base}?{}", params.join("&")),
    };
    // The driver's parse errors name the option, never its value.
    let mut config: Config = joined.parse().map_err(|e: postgres::Error| {
        Error::usage(format!(
            "{}: not a PostgreSQL URL: {}",
            redacted(url),
            describe(&e)
        ))
    })?;
    if config.get_hosts().is_empty() {
        for host in env("PGHOST")
            .unwrap_or_else(|| "localhost".into())
            .split(',')
        {
            config.host(host);
        }
    }
    if config.get_ports().is_empty() {
        if let Some(port) = env("PGPORT") {
            let port = port.parse::<u16>().map_err(|_| {
                Error::usage(format!(
                    "PGPORT {} is not a port number",
                    crate::data::quote(&port)
                ))
            })?;
            config.port(port);
        }
    }
    if config.get_user().is_none() {
        let user = env("PGUSER")
            .or_else(|| env("USER"))
            .unwrap_or_else(|| "postgres".into());
        config.user(&user);
    }
    if config.get_dbname().is_none() {
        if let Some(db) = env("PGDATABASE") {
            config.dbname(&db);
        }
    }
    let root = || match root.clone() {
        Some(path) => Some(PathBuf::from(path)),
        None => env("HOME").map(|home| PathBuf::from(home).join(".postgresql/root.crt")),
    };
    let (mode, verify) = match sslmode.as_deref() {
        None | Some("prefer" | "allow") => (SslMode::Prefer, Verify::Nothing),
        Some("disable") => (SslMode::Disable, Verify::Nothing),
        Some("require") => (SslMode::Require, Verify::Nothing),
        Some("verify-ca") => (SslMode::Require, Verify::Chain(root())),
        Some("verify-full") => (SslMode::Require, Verify::ChainAndName(root())),
        Some(other) => {
            return Err(Error::usage(format!(
                "sslmode {} is not one pgml-cli supports (disable, allow, prefer, require, verify-ca, verify-full)",
                crate::data::quote(other)
            )))
        }
    };
    config.ssl_mode(mode);
    if config.get_connect_timeout().is_none() {
        let seconds = env("PGCONNECT_TIMEOUT").and_then(|s| s.parse::<u64>().ok());
        config.connect_timeout(seconds.filter(|&s| s > 0).map_or(CONNECT_TIMEOUT, |s| {
            // libpq takes less than 2 seconds as 2.
            Duration::from_secs(s.max(2))
        }));
    }
    if config.get_password().is_none() {
        if let Some(password) = env("PGPASSWORD") {
            config.password(password);
        } else if let Some(password) = pgpass_password(&config, env)? {
            config.password(password);
        }
    }
    Ok((config, verify))
}

/// What TLS checks of the server's certificate, as libpq's sslmode says: nothing (prefer,
/// require), its chain up to a root of the file (verify-ca), and also its name (verify-full).
#[derive(Debug, Clone, PartialEq)]
enum Verify {
    Nothing,
    Chain(Option<PathBuf>),
    ChainAndName(Option<PathBuf>),
}

/// The URL users see: user, hosts, ports and database, never the password.
fn display(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let name = match host {
                // An IPv6 address in brackets, as in a URL: `[::1]:5432`.
                Host::Tcp(name) if name.contains(':') => format!("[{name}]"),
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            };
            let port = config.get_ports().get(i).or(config.get_ports().first());
            match port {
                Some(port) => format!("{name}:{port}"),
                None => format!("{name}:5432"),
            }
        })
        .collect();
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or(user);
    format!("postgresql://{user}@{}/{db}", hosts.join(","))
}

/// A URL as typed, for a message about the URL itself: any `user:password@` cut to `user@`
/// (up to the last `@`: a password typed with `/`, `?` or `@` unencoded is still cut), and the
/// value of a `password` parameter however its name is percent-encoded.
pub fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let rest = match rest.rsplit_once('@') {
        Some((userinfo, after)) => {
            let user = userinfo.split([':', '/', '?']).next().unwrap_or_default();
            format!("{user}@{after}")
        }
        None => rest.to_string(),
    };
    format!("{scheme}://{}", without_password_parameter(&rest))
}

/// `url` with the value of a `password` query parameter cut, however its name is encoded.
fn without_password_parameter(url: &str) -> String {
    let Some((path, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let query: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((key, _)) if percent_decode(key).trim().eq_ignore_ascii_case("password") => {
                format!("{key}=...")
            }
            _ => p.to_string(),
        })
        .collect();
    format!("{path}?{}", query.join("&"))
}

/// `text` with the password cut from every PostgreSQL URL in it (each up to the next blank or
/// quote): the last line of defence for messages that echo a URL typed where a file was
/// expected (`--model postgresql://u:pw@...`). URLs as `display` shows them are left whole.
pub fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("postgres") {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let end = from
            .find(|c: char| c.is_whitespace() || c == '\'' || c == '"')
            .unwrap_or(from.len());
        let (url, after) = from.split_at(end);
        // A password is typed after a colon before the first `@`; a shown URL has none there
        // (and may have an `@` in its table name, which `redacted` would cut at).
        let password = url
            .split_once("://")
            .and_then(|(_, r)| r.split_once('@'))
            .is_some_and(|(userinfo, _)| userinfo.contains(':'));
        match (is_url(url), password) {
            (true, true) => out.push_str(&redacted(url)),
            (true, false) => out.push_str(&without_password_parameter(url)),
            (false, _) => out.push_str(url),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Socket directories libpq is built with (Debian's, upstream's): a socket there is matched in
/// .pgpass as `localhost`, any other by its path.
const DEFAULT_SOCKET_DIRS: &[&str] = &["/var/run/postgresql", "/run/postgresql", "/tmp"];

/// The password ~/.pgpass (or PGPASSFILE) has for this connection, as libpq finds it: the
/// first line whose host, port, database and user match (`*` matches any). A file others can
/// read is ignored, with a warning, as libpq does. The driver sends one password to whichever
/// host answers, so several hosts must have the same one (libpq looks one up per host).
fn pgpass_password(config: &Config, env: Env) -> Result<Option<String>> {
    let Some((path, text)) = pgpass_file(env) else {
        return Ok(None);
    };
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or(user);
    let ports = config.get_ports();
    let found: Vec<(String, Option<String>)> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(i, host)| {
            let host = match host {
                Host::Tcp(name) => name.clone(),
                Host::Unix(dir)
                    if DEFAULT_SOCKET_DIRS
                        .iter()
                        .any(|d| dir.as_path() == Path::new(d)) =>
                {
                    "localhost".into()
                }
                Host::Unix(dir) => dir.display().to_string(),
            };
            let port = ports
                .get(i)
                .or(ports.first())
                .copied()
                .unwrap_or(5432)
                .to_string();
            let wanted = [host.as_str(), port.as_str(), db, user];
            let password = text
                .lines()
                .filter(|line| !line.starts_with('#'))
                .filter_map(pgpass_fields)
                .find(|fields| {
                    fields[..4]
                        .iter()
                        .zip(wanted)
                        .all(|(field, value)| field == "*" || field == value)
                })
                .map(|mut fields| fields.swap_remove(4));
            (host, password)
        })
        .collect();
    match found.split_first() {
        Some(((_, first), rest)) if rest.iter().all(|(_, p)| p == first) => Ok(first.clone()),
        None => Ok(None),
        Some(_) => Err(Error::usage(format!(
            "{} has no single password for the hosts {} (pgml-cli sends the same one to each): give it in the URL or PGPASSWORD",
            path.display(),
            found.iter().map(|(host, _)| host.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// The password file and its text, unless missing, too large, or readable by others.
fn pgpass_file(env: Env) -> Option<(PathBuf, String)> {
    let path = match env("PGPASSFILE") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env("HOME")?).join(".pgpass"),
    };
    let metadata = std::fs::metadata(&path).ok()?;
    if !metadata.is_file() || metadata.len() > 1 << 20 {
        return None;
    }
    {
        use std::os::unix::fs::PermissionsExt;
        if metadata.permissions().mode() & 0o077 != 0 {
            crate::error::warn(format!(
                "password file {} has group or world access; permissions should be u=rw (0600) or less (ignored)",
                path.display()
            ));
            return None;
        }
    }
    let text = std::fs::read_to_string(&path).ok()?;
    Some((path, text))
}

/// A .pgpass line's five fields, `\:` and `\\` unescaped; `None` for a line with fewer.
fn pgpass_fields(line: &str) -> Option<Vec<String>> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut()?.push(chars.next().unwrap_or('\\')),
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut()?.push(c),
        }
    }
    (fields.len() == 5).then_some(fields)
}

/// `%XX` escapes decoded (invalid ones kept as they are).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A driver error about `source`: what the server refused in the SQL or the data is a data
/// error (exit 3); a connection that failed, was lost or shut down is an I/O error (exit 1).
pub fn error(source: &str, e: &postgres::Error) -> Error {
    let connection = |code: &str| code.starts_with("08") || code.starts_with("57P");
    match e.as_db_error() {
        Some(db) if !connection(db.code().code()) => Error::data(source, describe(e)),
        _ => Error::Io(format!("{source}: {}", describe(e))),
    }
}

/// A driver error as one readable line: the server's own message (and hint) for a database
/// error, else the error and its causes (`error connecting to server: Connection refused`).
pub fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return match db.hint() {
            Some(hint) => format!("{} ({hint})", db.message()),
            None => db.message().to_string(),
        };
    }
    let mut text = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        text.push_str(&format!(": {c}"));
        cause = c.source();
    }
    text
}

/// `schema.name` or `name` from `?table=` as a quoted SQL name: each part folded to lower case
/// as SQL folds unquoted names, unless written in double quotes (`"My Table"`), then quoted, so
/// no table name can be more than a name.
pub fn quote_table(name: &str) -> std::result::Result<String, String> {
    let mut parts = vec![String::new()];
    let mut chars = name.chars().peekable();
    let mut quoted_part = false;
    while let Some(c) = chars.next() {
        match c {
            '"' if parts.last().is_some_and(String::is_empty) && !quoted_part => {
                quoted_part = true;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            parts.last_mut().unwrap().push('"');
                        }
                        Some('"') => break,
                        Some(c) => parts.last_mut().unwrap().push(c),
                        None => return Err("has an unclosed double quote".into()),
                    }
                }
            }
            '.' => {
                parts.push(String::new());
                quoted_part = false;
            }
            _ if quoted_part => return Err("has text after a closing double quote".into()),
            c => parts.last_mut().unwrap().extend(c.to_lowercase()),
        }
    }
    if parts.len() > 2 {
        return Err("has more than two parts (write schema.name)".into());
    }
    if parts.iter().any(|p| p.is_empty() || p.contains('\0')) {
        return Err("is not a table name (write schema.name or name)".into());
    }
    // PostgreSQL cuts longer names (with a notice nobody sees): a table written under another
    // name than the one asked for, or another table read.
    if parts.iter().any(|p| p.len() > MAX_NAME_BYTES) {
        return Err(format!(
            "has a name longer than PostgreSQL's {MAX_NAME_BYTES} bytes"
        ));
    }
    Ok(parts
        .iter()
        .map(|p| quote_identifier(p))
        .collect::<Vec<_>>()
        .join("."))
}

/// What names the table `quoted` (`quote_table`) on the server `client` is connected to, so
/// that two URLs spelling it differently (a host alias, `t` and `public.t`) are seen to be one:
/// the server's start time, the database's and the table's OIDs. `None` where there is no such
/// table.
pub fn table_identity(
    client: &mut impl postgres::GenericClient,
    quoted: &str,
) -> std::result::Result<Option<String>, postgres::Error> {
    client
        .query_one(
            "SELECT pg_postmaster_start_time()::text || '/' || d.oid || '/' || to_regclass($1)::oid
             FROM pg_database d WHERE d.datname = current_database()",
            &[&quoted],
        )?
        .try_get(0)
}

/// The longest name PostgreSQL keeps (NAMEDATALEN - 1, as built by default).
const MAX_NAME_BYTES: usize = 63;

/// A name as an SQL identifier, in double quotes.
pub fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Result<Config> {
        move |url: &str| {
            config(url, &|name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            })
            .map(|(config, _)| config)
        }
    }

    #[test]
    fn the_url_wins_and_pg_variables_fill_the_rest() {
        let c = env(&[
            ("PGHOST", "db.example"),
            ("PGPORT", "6543"),
            ("PGUSER", "ann"),
            ("PGDATABASE", "sales"),
            ("PGPASSWORD", "s3cret"),
        ]);
        let config = c("postgresql://bob@h:1/x?table=t").unwrap();
        assert_eq!(display(&config), "postgresql://bob@h:1/x");
        assert_eq!(config.get_password(), Some(&b"s3cret"[..]));
        let config = c("postgresql://?table=t").unwrap();
        assert_eq!(display(&config), "postgresql://ann@db.example:6543/sales");
        assert_eq!(config.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
        let c = env(&[
            (
                "DATABASE_URL",
                "postgres://carl:pw@dbhost:7/prod?sslmode=disable",
            ),
            ("PGHOST", "other"),
        ]);
        let config = c("postgresql://?table=t").unwrap();
        assert_eq!(display(&config), "postgresql://carl@dbhost:7/prod");
        assert_eq!(config.get_ssl_mode(), SslMode::Disable);
        assert_eq!(
            display(&c("postgresql://h/db").unwrap()),
            "postgresql://postgres@h:5432/db"
        );
        assert_eq!(
            display(&c("postgresql://[::1]:6/db").unwrap()),
            "postgresql://postgres@[::1]:6/db"
        );
        // Found by review: a URL naming its server in parameters took DATABASE_URL's server
        // first, and its password with it.
        let config = c("postgresql:///?host=/run/sock&table=t").unwrap();
        assert_eq!(
            display(&config),
            "postgresql://postgres@/run/sock:5432/postgres"
        );
        assert_eq!(config.get_password(), None);
        let config = c("postgresql://?dbname=x&user=u").unwrap();
        assert_eq!(display(&config), "postgresql://u@other:5432/x");
    }

    #[test]
    fn a_bad_url_is_shown_without_its_password() {
        let c = env(&[]);
        let err = c("postgresql://u:hunter2@h/db?bogus=1")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("postgresql://u@h/db?bogus=1") && !err.contains("hunter2"),
            "{err}"
        );
        let err = c("postgresql://h/db?password=hunter2&port=x")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
        // Found by review: unencoded `/` or `?` in the password, a percent-encoded key.
        for url in [
            "postgresql://u:hun/ter2@h/db",
            "postgresql://u:hun?ter2@h/db?port=x",
            "postgresql://u:hun@ter2@h/db",
            "postgresql://h/db?%70assword=hunter2&port=x",
            "postgresql://h/db?PASSWORD=hunter2",
        ] {
            let shown = redacted(url);
            assert!(
                !shown.contains("hun") && !shown.contains("ter2"),
                "{url} -> {shown}"
            );
        }
        assert_eq!(
            redacted("postgresql://u:p/w@h:5/db?table=t"),
            "postgresql://u@h:5/db?table=t"
        );
        // Found by review: a URL typed where a file was expected was echoed whole.
        assert_eq!(
            redact_urls(
                "postgresql://u:hunter2@h/db?table=t: No such file; 'postgres://:hunter2@h' \
                 postgresql://u@h:5/db?table=a@b postgres postgresql://h/db?password=hunter2"
            ),
            "postgresql://u@h/db?table=t: No such file; 'postgres://@h' \
             postgresql://u@h:5/db?table=a@b postgres postgresql://h/db?password=..."
        );
    }

    #[test]
    fn pgpass_lines_with_escapes_and_wildcards() {
        assert_eq!(
            pgpass_fields(r"h:*:db:u\:x:pa\:ss\\:w"),
            Some(vec![
                "h".into(),
                "*".into(),
                "db".into(),
                "u:x".into(),
                r"pa:ss\:w".into()
            ])
        );
        assert_eq!(pgpass_fields("h:1:db:u"), None);
    }

    /// Found by review: the first host's .pgpass password was sent to every host of the URL,
    /// and a socket directory was always matched as `localhost`.
    #[test]
    fn pgpass_per_host() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(
            &file,
            "h1:*:*:*:pw-1\nh2:*:*:*:pw-2\nh3:*:*:*:pw-1\n/run/sock:*:*:*:sock\nlocalhost:*:*:*:local\n",
        )
        .unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let file = file.to_str().unwrap().to_string();
        let password = |url: &str| {
            config(url, &|name: &str| {
                (name == "PGPASSFILE").then(|| file.clone())
            })
            .map(|(c, _)| {
                c.get_password()
                    .map(|p| String::from_utf8(p.to_vec()).unwrap())
            })
        };
        assert_eq!(
            password("postgresql://h1/db").unwrap().as_deref(),
            Some("pw-1")
        );
        assert_eq!(
            password("postgresql://h1,h3/db").unwrap().as_deref(),
            Some("pw-1")
        );
        let err = password("postgresql://h1,h2/db").unwrap_err().to_string();
        assert!(
            err.contains("no single password for the hosts h1, h2"),
            "{err}"
        );
        assert!(!err.contains("pw-"), "{err}");
        assert!(password("postgresql://h1,nowhere/db").is_err());
        assert_eq!(
            password("postgresql:///db?host=/run/sock")
                .unwrap()
                .as_deref(),
            Some("sock")
        );
        assert_eq!(
            password("postgresql:///db?host=/var/run/postgresql")
                .unwrap()
                .as_deref(),
            Some("local")
        );
    }

    #[test]
    fn table_names_are_quoted() {
        assert_eq!(
            quote_table("Sales.Orders"),
            Ok(r#""sales"."orders""#.into())
        );
        assert_eq!(quote_table(r#""My ""T"".x""#), Ok(r#""My ""T"".x""#.into()));
        assert_eq!(
            quote_table("t; drop table x"),
            Ok(r#""t; drop table x""#.into())
        );
        assert!(quote_table("a.b.c").is_err());
        // Found by review: the server cut a 70-byte output table's name to 63 bytes.
        assert!(quote_table(&"b".repeat(64)).is_err());
        assert!(quote_table(&format!("s.{}", "b".repeat(63))).is_ok());
        assert!(quote_table("a.").is_err());
        assert!(quote_table(r#""a"b"#).is_err());
        assert_eq!(
            table_param("postgresql://h/db?x=1&table=s.t%20x"),
            Some("s.t x".into())
        );
    }
}
