package io.lwt.cluster.etcd;

import io.lwt.api.ValueSyntax;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * etcd's JSON gateway ({@code POST /v3/...}) over the JDK's HTTP client. A call tries the endpoints in turn, the one
 * that answered last first, and moves on when one cannot be reached, does not answer within the timeout, or answers
 * that it cannot serve now (HTTP 5xx: no leader, request timed out); it fails when all have failed, naming each
 * cause. Any other error answer from etcd fails the call at once. Thread-safe: the store's callers, lease renewers and
 * watches share one client; the HTTP client's own work runs on virtual threads named {@code lwt-etcd-http}.
 */
final class EtcdClient implements AutoCloseable {

    /** The largest answer or watch message read: far above what a network's hubs and clients take. */
    static final int MAX_ANSWER = 64 << 20;
    /**
     * gRPC metadata, which the gateway forwards: a member that has lost its leader (cut off from the others) then
     * refuses at once, and cancels its watches, instead of serving stale data or going silent.
     */
    private static final String REQUIRE_LEADER = "Grpc-Metadata-hasleader";
    /** An answer read whole; a stream has no such bound, as it goes on, but each of its messages has. */
    private static final BodyHandler<byte[]> WHOLE_ANSWER =
            BodyHandlers.limiting(BodyHandlers.ofByteArray(), MAX_ANSWER);

    private final Endpoints endpoints;
    private final Duration timeout;
    private final HttpClient http;
    private volatile boolean closed;

    EtcdClient(List<URI> endpoints, Duration timeout, SSLContext tls) {
        this.endpoints = new Endpoints(endpoints);
        this.timeout = timeout;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .executor(Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("lwt-etcd-http").factory()));
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder.build();
    }

    Duration timeout() {
        return timeout;
    }

    /** Sends {@code request} to {@code path} on the first endpoint that answers; returns its answer. */
    JsonObject call(String path, Map<String, ?> request) throws IOException {
        byte[] body = body(request);
        List<String> failures = new ArrayList<>();
        for (URI endpoint : endpoints.inOrder()) {
            try {
                JsonObject answer = answer(endpoint, exchange(endpoint, path, body, WHOLE_ANSWER));
                endpoints.answered(endpoint);
                return answer;
            } catch (Unreachable e) {
                failures.add(endpoint + ": " + e.getMessage());
            }
        }
        throw new IOException("etcd unreachable: " + String.join("; ", failures));
    }

    /** Sends {@code request} to {@code endpoint} alone, as a check that this member still serves. */
    JsonObject callAt(URI endpoint, String path, Map<String, ?> request) throws IOException {
        try {
            return answer(endpoint, exchange(endpoint, path, body(request), WHOLE_ANSWER));
        } catch (Unreachable e) {
            throw new IOException("etcd unreachable: " + endpoint + ": " + e.getMessage());
        }
    }

    /** Opens a stream (a watch) on the first endpoint that answers, once its answer has begun. */
    Stream open(String path, Map<String, ?> request) throws IOException {
        byte[] body = body(request);
        List<String> failures = new ArrayList<>();
        for (URI endpoint : endpoints.inOrder()) {
            try {
                HttpResponse<InputStream> response = exchange(endpoint, path, body, BodyHandlers.ofInputStream());
                if (response.statusCode() != 200) {
                    int status = response.statusCode();
                    try (InputStream error = response.body()) {
                        throw refusal(endpoint, status, parsed(endpoint, status, error.readNBytes(MAX_ANSWER)));
                    }
                }
                endpoints.answered(endpoint);
                return new Stream(endpoint, response.body());
            } catch (Unreachable e) {
                failures.add(endpoint + ": " + e.getMessage());
            }
        }
        throw new IOException("etcd unreachable: " + String.join("; ", failures));
    }

    /** A stream from {@code endpoint} broke: the next call or stream starts with another endpoint. */
    void failed(URI endpoint) {
        endpoints.failed(endpoint);
    }

    /** The message of a streamed answer ({@code {"result": ...}}), or the error it carries instead. */
    static JsonObject result(JsonObject message) throws IOException {
        if (message.has("error")) {
            throw new IOException("etcd: " + errorMessage(message));
        }
        return message.object("result");
    }

    /** Ends every exchange in flight, and refuses new ones. */
    @Override
    public void close() {
        closed = true;
        http.shutdownNow();
    }

    private <T> HttpResponse<T> exchange(URI endpoint, String path, byte[] body, BodyHandler<T> handler)
            throws IOException {
        if (closed) {
            throw new IOException("the etcd store is closed");
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve(path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json")
                .header(REQUIRE_LEADER, "true")
                .build();
        CompletableFuture<HttpResponse<T>> response = http.sendAsync(request, handler);
        try {
            return response.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            response.cancel(true);
            throw new Unreachable("no answer within " + ValueSyntax.text(timeout));
        } catch (ExecutionException e) {
            if (closed) {
                throw new IOException("the etcd store is closed");
            }
            throw new Unreachable(e.getCause() instanceof ConnectException refused && refused.getMessage() == null
                    ? connectFailure(endpoint) : describe(e.getCause()));
        } catch (InterruptedException e) {
            response.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while calling etcd");
        }
    }

    /** The JSON of a whole answer; an error answer is an exception. */
    private static JsonObject answer(URI endpoint, HttpResponse<byte[]> response) throws IOException {
        JsonObject json = parsed(endpoint, response.statusCode(), response.body());
        if (response.statusCode() != 200) {
            throw refusal(endpoint, response.statusCode(), json);
        }
        return json;
    }

    private static JsonObject parsed(URI endpoint, int status, byte[] body) throws IOException {
        try {
            return JsonObject.of(JsonReader.parse(body, MAX_ANSWER));
        } catch (IOException e) {
            String start = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8).strip();
            throw new Unreachable("not etcd's gateway? HTTP " + status + " with " + e.getMessage() + ": " + start);
        }
    }

    /** etcd's error answer as an exception, {@link Unreachable} for a 5xx (no leader, timed out): others may serve. */
    private static IOException refusal(URI endpoint, int status, JsonObject error) throws IOException {
        String message = errorMessage(error);
        return status >= 500 ? new Unreachable(message + " (HTTP " + status + ")")
                : new IOException("etcd: " + message + " (HTTP " + status + " from " + endpoint + ")");
    }

    /** The message of an error: {@code {"error": "...", "message": "..."}}, or in a stream {@code {"error": {...}}}. */
    private static String errorMessage(JsonObject json) throws IOException {
        if (json.fields().get("error") instanceof Map<?, ?>) {
            return json.object("error").string("message");
        }
        String message = json.string("message");
        return message.isEmpty() ? json.string("error") : message;
    }

    private static byte[] body(Map<String, ?> request) {
        return JsonWriter.write(request).getBytes(StandardCharsets.UTF_8);
    }

    /** The innermost message of a failure, e.g. "Connection refused", or its kind if none has one. */
    private static String describe(Throwable failure) {
        String message = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message != null ? message : failure.getClass().getSimpleName();
    }

    @Override
    public String toString() {
        return endpoints.toString();
    }

    /**
     * Why {@code endpoint} refused a connection: the HTTP client says only "ConnectException", so one plain connection
     * asks again, to name the reason the system gives, e.g. "Connection refused" or "No route to host".
     */
    private String connectFailure(URI endpoint) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(endpoint.getHost(), endpoint.getPort()), (int) timeout.toMillis());
            return "cannot connect"; // it accepts connections again
        } catch (IOException e) {
            return describe(e);
        }
    }

    /** An open stream's member and body, which its reader closes. */
    record Stream(URI endpoint, InputStream body) {}

    /** An endpoint failed in a way that another may not: the call goes on with the next. */
    private static final class Unreachable extends IOException {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message);
        }
    }
}
