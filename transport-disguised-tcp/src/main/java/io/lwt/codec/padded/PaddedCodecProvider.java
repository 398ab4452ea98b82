package io.lwt.codec.padded;

import io.lwt.api.Config;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.CodecProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Codec {@code padded}. Key: {@code buckets}, the frame sizes (default {@code [128, 512, 1024, 1500]}). */
public final class PaddedCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "padded";
    }

    @Override
    public Codec create(Config config) {
        config.requireOnly(Set.of("buckets"));
        if (!config.has("buckets")) {
            return new PaddedCodec(PaddedCodec.DEFAULT_BUCKETS);
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
            return new PaddedCodec(buckets);
        } catch (IllegalArgumentException e) {
            throw config.error("buckets", e.getMessage());
        }
    }
}
