package io.lwt.api;

import java.io.Serial;

/** A configuration error, located in its source: {@code file:line:column: message}. */
public class ConfigException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Config.Location location;
    private final String reason;

    public ConfigException(Config.Location location, String reason) {
        super(location + ": " + reason);
        this.location = location;
        this.reason = reason;
    }

    public Config.Location location() {
        return location;
    }

    /** The message without the location. */
    public String reason() {
        return reason;
    }
}
