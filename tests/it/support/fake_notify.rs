//! Local fakes of the notification providers: WeChat's access token and
//! `subscribeMessage.send`, and a small SMTP server.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::{HttpResponse, web};
use parking_lot::Mutex;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::fakes::{WECHAT_APP_ID, WECHAT_SECRET, serve};

/// WeChat's message API: hands out tokens `tok-1`, `tok-2`… (each valid until the next
/// is fetched, as WeChat does), answers 42001 to an old one, 43101 for openids in
/// `no_grant`, and records every accepted message.
pub struct FakeWechatMessages {
    /// Base URL for `wechat.api_base`.
    pub url: String,
    /// Token fetches.
    pub token_calls: Arc<AtomicUsize>,
    /// Openids WeChat says gave no grant.
    pub no_grant: Arc<Mutex<HashSet<String>>>,
    /// Accepted messages (request bodies).
    pub sent: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl FakeWechatMessages {
    /// Starts the fake.
    pub fn start() -> Self {
        let token_calls = Arc::new(AtomicUsize::new(0));
        let no_grant = Arc::new(Mutex::new(HashSet::new()));
        let sent = Arc::new(Mutex::new(Vec::new()));
        let (t, n, s) = (token_calls.clone(), no_grant.clone(), sent.clone());
        let url = serve(move |cfg| {
            let (t2, n, s) = (t.clone(), n.clone(), s.clone());
            let t = t.clone();
            cfg.route(
                "/cgi-bin/token",
                web::get().to(move |q: web::Query<std::collections::HashMap<String, String>>| {
                    let t = t.clone();
                    async move {
                        let get = |k: &str| q.get(k).cloned().unwrap_or_default();
                        if get("appid") != WECHAT_APP_ID || get("secret") != WECHAT_SECRET {
                            return HttpResponse::Ok().json(
                                serde_json::json!({"errcode": 40013, "errmsg": "invalid appid"}),
                            );
                        }
                        let n = t.fetch_add(1, Ordering::SeqCst) + 1;
                        HttpResponse::Ok().json(serde_json::json!({
                            "access_token": format!("tok-{n}"),
                            "expires_in": 7200,
                        }))
                    }
                }),
            );
            cfg.route(
                "/cgi-bin/message/subscribe/send",
                web::post().to(
                    move |q: web::Query<std::collections::HashMap<String, String>>,
                          body: web::Json<serde_json::Value>| {
                        let (t, n, s) = (t2.clone(), n.clone(), s.clone());
                        async move {
                            let current = format!("tok-{}", t.load(Ordering::SeqCst));
                            let answer = |code: i64| {
                                HttpResponse::Ok()
                                    .json(serde_json::json!({"errcode": code, "errmsg": "fake"}))
                            };
                            if q.get("access_token") != Some(&current) {
                                return answer(42001);
                            }
                            let openid = body["touser"].as_str().unwrap_or_default().to_owned();
                            if n.lock().contains(&openid) {
                                return answer(43101);
                            }
                            s.lock().push(body.into_inner());
                            answer(0)
                        }
                    },
                ),
            );
        });
        Self { url, token_calls, no_grant, sent }
    }
}

/// (RCPT TO addresses, DATA) of each accepted mail.
pub type Mails = Arc<Mutex<Vec<(Vec<String>, String)>>>;

/// A small SMTP server (no TLS, no auth) recording each mail's recipients and data.
pub struct FakeSmtp {
    /// Its port.
    pub port: u16,
    /// (RCPT TO addresses, DATA) per accepted mail.
    pub mails: Mails,
}

impl FakeSmtp {
    /// Starts the server.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let store = mails.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(session(socket, store.clone()));
            }
        });
        Self { port, mails }
    }

    /// Decoded text of the mails to `address`.
    pub fn to(&self, address: &str) -> Vec<String> {
        self.mails
            .lock()
            .iter()
            .filter(|(rcpt, _)| rcpt.iter().any(|r| r == address))
            .map(|(_, data)| data.clone())
            .collect()
    }
}

async fn session(socket: tokio::net::TcpStream, store: Mails) {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read).lines();
    let _ = write.write_all(b"220 fake ESMTP\r\n").await;
    let mut rcpt = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250-fake\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("MAIL FROM") {
            rcpt.clear();
            b"250 ok\r\n"
        } else if upper.starts_with("RCPT TO") {
            let address = line[8..].trim().trim_start_matches('<').trim_end_matches('>');
            rcpt.push(address.split('>').next().unwrap_or_default().to_owned());
            b"250 ok\r\n"
        } else if upper == "DATA" {
            let _ = write.write_all(b"354 go on\r\n").await;
            let mut data = String::new();
            while let Ok(Some(l)) = lines.next_line().await {
                if l == "." {
                    break;
                }
                data.push_str(&l);
                data.push('\n');
            }
            store.lock().push((std::mem::take(&mut rcpt), data));
            b"250 queued\r\n"
        } else if upper == "QUIT" {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            b"250 ok\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}
