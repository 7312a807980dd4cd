//! The server on a real port on 127.0.0.1, stopped gracefully.

use std::io::{Read, Write};

use detente_server::{AppState, ServerConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_on_a_real_port_and_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(ServerConfig::new(dir.path()), "t".repeat(64)).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(detente_server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let answer = tokio::task::spawn_blocking(move || {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(
            s,
            "GET /api/v1/actors/RUS/relations?as_of=2025-06-01&kind=diplomatic&status=none HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        text
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
    assert!(
        answer.contains("content-type: application/json"),
        "{answer}"
    );
    assert!(answer.contains("Solomon Islands"), "{answer}");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(std::net::TcpStream::connect(addr).is_err());
}
