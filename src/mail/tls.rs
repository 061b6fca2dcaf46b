//! TLS for the SMTP client, and the only module that knows rustls: a client connection over a
//! `TcpStream`, verified against the Mozilla root store (`webpki-roots`), so the binary needs
//! no system certificate files.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, OnceLock};

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};

pub struct TlsStream(StreamOwned<ClientConnection, TcpStream>);

fn config() -> Result<Arc<ClientConfig>, String> {
    static CONFIG: OnceLock<Arc<ClientConfig>> = OnceLock::new();
    if let Some(c) = CONFIG.get() {
        return Ok(c.clone());
    }
    let roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let config = ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(CONFIG.get_or_init(|| Arc::new(config)).clone())
}

/// Starts TLS on a connected socket, checking the certificate against `host`. The handshake
/// runs on the first read or write, under the socket's timeouts.
pub fn wrap(host: &str, tcp: TcpStream) -> Result<TlsStream, String> {
    let name = ServerName::try_from(host.to_string()).map_err(|_| format!("not a valid TLS server name: {host:?}"))?;
    let conn = ClientConnection::new(config()?, name).map_err(|e| format!("TLS setup: {e}"))?;
    Ok(TlsStream(StreamOwned::new(conn, tcp)))
}

impl Read for TlsStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl Write for TlsStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}
