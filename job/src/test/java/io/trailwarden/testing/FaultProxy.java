package io.trailwarden.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * An HTTP proxy on loopback in front of moto that injects the faults AWS shows under load: throttling,
 * 5xx, latency, hung requests and dropped connections. Faults match on the request body (AWS query
 * protocol: {@code Action=PutUserPolicy&UserName=...}), so a test can fail one IAM action for one user.
 * Point the code under test at {@link #endpoint()}; set up and inspect moto directly.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect",
            "upgrade", "transfer-encoding", "keep-alive");

    public enum Kind { THROTTLE, SERVER_ERROR, LIMIT_EXCEEDED, HANG, DROP, LATENCY }

    private final URI target;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "fault-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch recovered = new CountDownLatch(0);
    private final AtomicInteger injected = new AtomicInteger();

    public FaultProxy(URI target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Injects {@code kind} into the next {@code times} requests whose body contains every one of {@code parts}. */
    public FaultProxy inject(Kind kind, int times, String... parts) {
        faults.add(new Fault(kind, times, body -> {
            for (String part : parts) {
                if (!body.contains(part)) {
                    return false;
                }
            }
            return true;
        }, Duration.ZERO));
        if (kind == Kind.HANG) {
            synchronized (this) {
                if (recovered.getCount() == 0) {
                    recovered = new CountDownLatch(1);
                }
            }
        }
        return this;
    }

    /** Delays every matching request by {@code delay}, then forwards it. */
    public FaultProxy latency(Duration delay, String... parts) {
        faults.add(new Fault(Kind.LATENCY, Integer.MAX_VALUE, body -> List.of(parts).stream().allMatch(body::contains), delay));
        return this;
    }

    /** Runs {@code action} once, before forwarding the first request that contains every one of {@code parts}. */
    public FaultProxy before(Runnable action, String... parts) {
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        faults.add(new Fault(Kind.LATENCY, Integer.MAX_VALUE, body -> {
            if (List.of(parts).stream().allMatch(body::contains) && once.compareAndSet(false, true)) {
                action.run();
            }
            return false;
        }, Duration.ZERO));
        return this;
    }

    /** Removes every fault; hung requests are then forwarded. */
    public void clear() {
        faults.clear();
        recovered.countDown();
    }

    /** How many requests got a fault so far. */
    public int injected() {
        return injected.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String text = new String(body, StandardCharsets.UTF_8);
        Fault fault = take(text);
        try {
            if (fault != null) {
                injected.incrementAndGet();
                switch (fault.kind) {
                    case THROTTLE:
                        error(exchange, 400, "Throttling", "Rate exceeded");
                        return;
                    case SERVER_ERROR:
                        error(exchange, 503, "ServiceUnavailable", "Service is unavailable");
                        return;
                    case LIMIT_EXCEEDED:
                        error(exchange, 409, "LimitExceeded", "Cannot exceed quota");
                        return;
                    case DROP:
                        // No status line: the client sees the connection end mid-request.
                        exchange.getResponseBody().close();
                        return;
                    case HANG:
                        // Its client gave up long ago: answering it (rather than forwarding a backlog of
                        // stale writes to moto at once) is what a recovering service looks like.
                        recovered.await(10, TimeUnit.MINUTES);
                        error(exchange, 503, "ServiceUnavailable", "Service is unavailable");
                        return;
                    case LATENCY:
                        Thread.sleep(fault.delay.toMillis());
                        break;
                    default:
                        break;
                }
            }
            forward(exchange, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private Fault take(String body) {
        for (Fault fault : faults) {
            if (fault.matches.test(body) && fault.remaining.getAndDecrement() > 0) {
                return fault;
            }
        }
        return null;
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().toString()))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        response.headers().map().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase()) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        byte[] bytes = response.body();
        exchange.sendResponseHeaders(response.statusCode(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        byte[] xml = ("<ErrorResponse><Error><Type>" + (status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + code
                + "</Code><Message>" + message + "</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/xml");
        exchange.sendResponseHeaders(status, xml.length);
        exchange.getResponseBody().write(xml);
    }

    @Override
    public void close() {
        clear();
        server.stop(0);
        threads.shutdownNow();
    }

    private static final class Fault {
        final Kind kind;
        final AtomicInteger remaining;
        final Predicate<String> matches;
        final Duration delay;

        Fault(Kind kind, int times, Predicate<String> matches, Duration delay) {
            this.kind = kind;
            this.remaining = new AtomicInteger(times);
            this.matches = matches;
            this.delay = delay;
        }
    }
}
