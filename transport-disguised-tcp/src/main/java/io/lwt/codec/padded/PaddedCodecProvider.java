package io.lwt.codec.padded;

import io.lwt.api.Config;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.CodecProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Codec {@code padded}. Keys: {@code buckets}, the frame sizes (default {@code [128, 512, 1024, 1500]}), and
 * {@code chaff-rate}, frames of cover traffic per second on each connection (default 0: none).
 */
public final class PaddedCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "padded";
    }

    @Override
    public Codec create(Config config) {
        config.requireOnly(Set.of("buckets", "chaff-rate"));
        int chaffRate = config.integer("chaff-rate", 0, 0, PaddedCodec.MAX_CHAFF_RATE);
        if (!config.has("buckets")) {
            return new PaddedCodec(PaddedCodec.DEFAULT_BUCKETS, chaffRate);
        }
        List<Integer> buckets = new ArrayList<>();
        for (String text : config.strings("buckets")) {
            try {
                buckets.add(Integer.parseInt(text.trim()));
            } catch (NumberFormatException e) {
                throw config.error("buckets", "expected sizes in bytes, got '" + text + "'");
            }
        }
        try {
            return new PaddedCodec(buckets, chaffRate);
        } catch (IllegalArgumentException e) {
            throw config.error("buckets", e.getMessage());
        }
    }
}
