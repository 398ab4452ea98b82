package io.lwt.core;

import io.lwt.testsupport.LogCapture;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reasons a hub gives for ending sessions, by the client's local port, read from the hub's log line
 * {@code session NAME closed: REASON}, the line an operator sees. While open, the hub's lines go only here.
 */
final class SessionEnds implements AutoCloseable {

    /** A session's name ends with its remote address: {@code /127.0.0.1:PORT}, or that in parentheses. */
    private static final Pattern PORT = Pattern.compile(":(\\d+)\\)?$");

    private final Map<Integer, String> reasons = new ConcurrentHashMap<>();
    private final LogCapture capture = LogCapture.of(HubNode.class.getName(), this::line);

    private void line(LogCapture.Line line) {
        // every end is a line, at debug level when too many came from one source: a flood's are rate-limited
        if (line.pattern().startsWith("session {0} closed: {1}") && line.parameters().size() >= 2) {
            Matcher port = PORT.matcher(line.parameters().get(0));
            if (port.find()) {
                reasons.put(Integer.parseInt(port.group(1)), line.parameters().get(1));
            }
        }
    }

    /** The reason the hub gave for ending the session from local port {@code port}, waiting up to {@code timeout}. */
    String await(int port, Duration timeout) throws InterruptedException {
        TestHub.await("the hub to end the session from port " + port, timeout, () -> reasons.containsKey(port));
        return reasons.remove(port);
    }

    @Override
    public void close() {
        capture.close();
    }
}
