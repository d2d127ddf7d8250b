//! The HTTP listener: one OS thread per core, each with a single-threaded tokio runtime
//! and its own accept loop on the shared listening socket, as nginx runs one event loop
//! per worker process.
//!
//! Why not `axum::serve` on the multi-threaded runtime: under load its work-stealing
//! scheduler wakes the idle worker for nearly every request (reschedule IPIs, context
//! switches, tasks moving between cores), which cost more than the request itself on the
//! p2 benchmark (docs/PERFORMANCE.md). Here a connection is accepted, parsed, answered and
//! closed on one thread. Everything else (the job worker, the replica listener, the
//! database pool's PostgreSQL connections, see `db::Db::connect`) stays on the runtime
//! that called [`serve`].

use std::io;
use std::net::SocketAddr;
use std::num::NonZero;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};
use tower_http::add_extension::AddExtension;

/// An accepted connection on its way to the thread that serves it.
type Handoff = (std::net::TcpStream, SocketAddr);

/// Deals accepted connections out to the threads in turn. Whichever thread the kernel
/// wakes for a new connection accepts it, and that is often the same thread for a burst
/// of connections (a client opening its pool): left where it was accepted, a load of 32
/// connections could land 30 to 2 and leave a core idle. A hand-off costs one cross-thread
/// wake per connection, not per request.
struct Dealer {
    turn: AtomicUsize,
    inboxes: Vec<mpsc::UnboundedSender<Handoff>>,
}

/// Serves `app` on `listener` until `shutdown` resolves; then stops accepting and waits
/// for the requests in flight (idle keep-alive connections are closed). Dropping the
/// future instead (a test's runtime ending) stops the threads at once.
pub async fn serve(
    app: Router,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let listener = listener.into_std()?;
    let threads = std::thread::available_parallelism().map_or(1, NonZero::get);
    let (inboxes, receivers): (Vec<_>, Vec<_>) =
        (0..threads).map(|_| mpsc::unbounded_channel()).unzip();
    let dealer = Arc::new(Dealer {
        turn: AtomicUsize::new(0),
        inboxes,
    });
    // `true` asks for a graceful stop; a dropped sender (this future dropped) for an
    // immediate one.
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut finished = Vec::with_capacity(threads);
    for (index, inbox) in receivers.into_iter().enumerate() {
        let thread = HttpThread {
            index,
            listener: listener.try_clone()?,
            inbox,
            dealer: dealer.clone(),
            app: app.clone(),
            stop: stop_rx.clone(),
        };
        let (done_tx, done_rx) = oneshot::channel();
        std::thread::Builder::new()
            .name(format!("packyard-http-{index}"))
            .spawn(move || {
                let _ = done_tx.send(thread.run());
            })?;
        finished.push(done_rx);
    }
    drop(listener);
    tokio::select! {
        () = shutdown => {}
        (ended, ..) = futures_util::future::select_all(finished.iter_mut()) => {
            // A thread ends by itself only when it fails: stop the others too.
            let _ = stop_tx.send(true);
            thread_result(ended)?;
            anyhow::bail!("an HTTP thread stopped");
        }
    }
    let _ = stop_tx.send(true);
    for done in finished {
        thread_result(done.await)?;
    }
    Ok(())
}

fn thread_result(ended: Result<io::Result<()>, oneshot::error::RecvError>) -> anyhow::Result<()> {
    // A dropped sender means the thread panicked.
    ended.map_err(|_| anyhow::anyhow!("an HTTP thread panicked"))??;
    Ok(())
}

struct HttpThread {
    index: usize,
    listener: std::net::TcpListener,
    inbox: mpsc::UnboundedReceiver<Handoff>,
    dealer: Arc<Dealer>,
    app: Router,
    stop: watch::Receiver<bool>,
}

impl HttpThread {
    fn run(self) -> io::Result<()> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let result = runtime.block_on(self.serve());
        // What is still running (upgraded WebSockets, background writes) ends with the
        // runtime, as it would with the process.
        runtime.shutdown_timeout(Duration::from_secs(1));
        result
    }

    async fn serve(self) -> io::Result<()> {
        let HttpThread {
            index,
            listener,
            mut inbox,
            dealer,
            app,
            mut stop,
        } = self;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let builder = http1::Builder::new();
        // Every connection task holds a receiver: `closed()` resolves when they have all
        // ended.
        let (closed_tx, closed_rx) = watch::channel(());
        let connection_stop = stop.clone();
        let serve_connection = |tcp: TcpStream, remote: SocketAddr| {
            let service =
                TowerToHyperService::new(AddExtension::new(app.clone(), ConnectInfo(remote)));
            let connection = builder
                .serve_connection(TokioIo::new(tcp), service)
                .with_upgrades();
            let mut stop = connection_stop.clone();
            let closed = closed_rx.clone();
            tokio::spawn(async move {
                let mut connection = std::pin::pin!(connection);
                let mut stopping = false;
                loop {
                    tokio::select! {
                        result = connection.as_mut() => {
                            if let Err(error) = result {
                                tracing::trace!(%error, %remote, "connection ended with an error");
                            }
                            break;
                        }
                        // Answers the request in flight, if any, then closes.
                        Ok(_) = stop.wait_for(|stopped| *stopped), if !stopping => {
                            stopping = true;
                            connection.as_mut().graceful_shutdown();
                        }
                    }
                }
                drop(closed);
            });
        };
        let graceful_stop = loop {
            tokio::select! {
                stopped = stop.wait_for(|stopped| *stopped) => break stopped.is_ok(),
                accepted = listener.accept() => match accepted {
                    Ok((tcp, remote)) => {
                        // Responses go out whole in one write: Nagle's algorithm would
                        // only hold back the next one on a keep-alive connection until
                        // the client's delayed ACK.
                        if let Err(error) = tcp.set_nodelay(true) {
                            tracing::debug!(%error, "could not set TCP_NODELAY");
                        }
                        let turn = dealer.turn.fetch_add(1, Ordering::Relaxed) % dealer.inboxes.len();
                        if turn == index {
                            serve_connection(tcp, remote);
                        } else {
                            match tcp.into_std() {
                                // Fails only when that thread has stopped: the connection closes.
                                Ok(tcp) => drop(dealer.inboxes[turn].send((tcp, remote))),
                                Err(error) => tracing::debug!(%error, "could not hand off a connection"),
                            }
                        }
                    }
                    Err(error) => accept_error(error).await,
                },
                Some((tcp, remote)) = inbox.recv() => match TcpStream::from_std(tcp) {
                    Ok(tcp) => serve_connection(tcp, remote),
                    Err(error) => tracing::debug!(%error, "could not take over a connection"),
                },
            }
        };
        drop(listener);
        drop(closed_rx);
        if graceful_stop {
            closed_tx.closed().await;
        }
        Ok(())
    }
}

/// As hyper 0.14 and axum do: a reset connection is the client's business; anything else
/// (EMFILE) is logged, and accepting resumes after a pause instead of spinning.
async fn accept_error(error: io::Error) {
    if matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(%error, "accept error");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
