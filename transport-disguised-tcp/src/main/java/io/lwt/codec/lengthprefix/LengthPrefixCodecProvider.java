package io.lwt.codec.lengthprefix;

import io.lwt.api.Config;
import io.lwt.api.codec.Codec;
import io.lwt.api.codec.CodecProvider;
import java.util.Set;

/** Codec {@code length-prefix}: the original Go program's framing. No keys. */
public final class LengthPrefixCodecProvider implements CodecProvider {

    @Override
    public String name() {
        return "length-prefix";
    }

    @Override
    public Codec create(Config config) {
        config.requireOnly(Set.of());
        return new LengthPrefixCodec();
    }
}
