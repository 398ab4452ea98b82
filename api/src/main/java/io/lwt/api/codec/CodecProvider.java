package io.lwt.api.codec;

import io.lwt.api.NamedProvider;

/** Named factory of disguise codecs, e.g. {@code length-prefix}; selected in YAML under {@code codec:}. */
public interface CodecProvider extends NamedProvider<Codec> {}
