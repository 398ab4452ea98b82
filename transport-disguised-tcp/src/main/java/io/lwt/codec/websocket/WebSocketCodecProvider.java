package io.lwt.codec.websocket;

import io.lwt.api.Config;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.CodecProvider;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.Set;

/**
 * Codec {@code websocket}. Keys: {@code path} (default {@code /}), {@code host} (the client's Host header; default:
 * the dialed address), {@code headers} (extra request headers of the client, e.g. {@code User-Agent: ...}),
 * {@code status} (what the server answers to requests that are not a valid upgrade: 404, the default, or 400).
 */
public final class WebSocketCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "websocket";
    }

    @Override
    public Codec create(Config config) {
        config.requireOnly(Set.of("path", "host", "headers", "status"));
        String path = config.string("path", "/");
        validate(config, "path", () -> WebSocketCodec.checkPath(path));
        Optional<String> host = config.string("host");
        host.ifPresent(h -> validate(config, "host", () -> WebSocketCodec.checkHost(h)));
        SequencedMap<String, String> headers = new LinkedHashMap<>();
        Optional<Config> section = config.section("headers");
        if (section.isPresent()) {
            for (String name : section.get().keys()) {
                String value = section.get().requireString(name);
                validate(section.get(), name, () -> WebSocketCodec.checkHeader(name, value));
                headers.put(name, value);
            }
        }
        int status = config.integer("status", 404, 400, 404);
        if (status != 400 && status != 404) {
            throw config.error("status", "expected 400 or 404, got " + status);
        }
        return new WebSocketCodec(path, host, headers, status);
    }

    /** Turns a value's rejection into an error at the key. */
    private static void validate(Config config, String key, Runnable check) {
        try {
            check.run();
        } catch (IllegalArgumentException e) {
            throw config.error(key, e.getMessage());
        }
    }
}
