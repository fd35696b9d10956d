//! A plain HTTP/1.1 client over one keep-alive TcpStream: it reports the body as
//! it came over the wire (still compressed), which is what a first load costs.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{SocketAddr, TcpStream},
    time::Duration,
};

use anyhow::{bail, Context};

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// The body as sent: compressed when the server compressed it.
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub struct Client {
    addr: SocketAddr,
    conn: Option<BufReader<TcpStream>>,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Self {
        Client { addr, conn: None }
    }

    /// GETs `path`; `accept_encoding` None asks for the identity encoding.
    pub fn get(&mut self, path: &str, accept_encoding: Option<&str>) -> anyhow::Result<Response> {
        // A kept-alive connection the server has since closed fails on first use: retry once on a new one.
        let reused = self.conn.is_some();
        match self.try_get(path, accept_encoding) {
            Ok(r) => Ok(r),
            Err(_) if reused => {
                self.conn = None;
                self.try_get(path, accept_encoding)
            }
            Err(e) => Err(e),
        }
    }

    fn try_get(&mut self, path: &str, accept_encoding: Option<&str>) -> anyhow::Result<Response> {
        if self.conn.is_none() {
            let stream = TcpStream::connect_timeout(&self.addr, Duration::from_secs(5))
                .with_context(|| format!("connecting to {}", self.addr))?;
            stream.set_read_timeout(Some(Duration::from_secs(120)))?;
            stream.set_nodelay(true)?;
            self.conn = Some(BufReader::with_capacity(64 * 1024, stream));
        }
        let result = self.exchange(path, accept_encoding);
        if result.as_ref().map_or(true, |r| r.header("connection").is_some_and(|c| c.eq_ignore_ascii_case("close"))) {
            self.conn = None;
        }
        result
    }

    fn exchange(&mut self, path: &str, accept_encoding: Option<&str>) -> anyhow::Result<Response> {
        let conn = self.conn.as_mut().context("no connection")?;
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: meshlens-bench\r\nAccept: */*\r\nAccept-Encoding: {}\r\n\r\n",
            self.addr,
            accept_encoding.unwrap_or("identity")
        );
        conn.get_mut().write_all(request.as_bytes())?;

        let mut line = String::new();
        if conn.read_line(&mut line)? == 0 {
            bail!("the server closed the connection");
        }
        let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).context("bad status line")?;
        let mut headers = Vec::new();
        loop {
            line.clear();
            conn.read_line(&mut line)?;
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                break;
            }
            if let Some((k, v)) = trimmed.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let find = |name: &str| headers.iter().find(|(k, _): &&(String, String)| k.eq_ignore_ascii_case(name));
        let mut body = Vec::new();
        if status == 304 || status == 204 {
        } else if find("transfer-encoding").is_some_and(|(_, v)| v.to_ascii_lowercase().contains("chunked")) {
            loop {
                line.clear();
                conn.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16)
                    .context("bad chunk size")?;
                if size == 0 {
                    // Trailers, then the blank line.
                    loop {
                        line.clear();
                        conn.read_line(&mut line)?;
                        if line.trim_end().is_empty() {
                            break;
                        }
                    }
                    break;
                }
                let start = body.len();
                body.resize(start + size, 0);
                conn.read_exact(&mut body[start..])?;
                line.clear();
                conn.read_line(&mut line)?;
            }
        } else if let Some((_, len)) = find("content-length") {
            let len: usize = len.parse().context("bad content-length")?;
            body.resize(len, 0);
            conn.read_exact(&mut body)?;
        } else {
            conn.read_to_end(&mut body)?;
            headers.push(("connection".to_string(), "close".to_string()));
        }
        Ok(Response { status, headers, body })
    }
}
