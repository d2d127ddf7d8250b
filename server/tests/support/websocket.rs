//! A graphql-transport-ws client for subscription tests. Shared with the end-to-end
//! tests.

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/graphql/ws` with the graphql-transport-ws protocol, authenticating in
/// `connection_init` as a browserless client would.
pub async fn subscribe(base_url: &str, token: &str, query: &str) -> Socket {
    let url = format!("{}/graphql/ws", base_url.replace("http://", "ws://"));
    let mut request = url.into_client_request().unwrap();
    request.headers_mut().insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "graphql-transport-ws"
    );
    send(&mut socket, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } })).await;
    let ack = receive(&mut socket).await;
    assert_eq!(ack["type"], "connection_ack", "{ack}");
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }),
    )
    .await;
    socket
}

/// The next `next` payload's data, or `None` on `complete`.
pub async fn next_payload(socket: &mut Socket) -> Option<Value> {
    let message = receive(socket).await;
    match message["type"].as_str() {
        Some("next") => {
            assert!(message["payload"].get("errors").is_none(), "{message}");
            Some(message["payload"]["data"].clone())
        }
        Some("complete") => None,
        _ => panic!("unexpected message {message}"),
    }
}

/// The next protocol message, whatever its type.
pub async fn next_message(socket: &mut Socket) -> Value {
    receive(socket).await
}

async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

async fn receive(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(std::time::Duration::from_secs(30), socket.next())
            .await
            .expect("a message within 30 s")
            .expect("socket open")
            .expect("message");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).unwrap();
        }
    }
}
