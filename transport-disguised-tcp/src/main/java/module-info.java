/**
 * Transport {@code tcp} and the disguise codecs: {@code length-prefix} (byte-compatible with the original Go program),
 * {@code websocket} (RFC 6455, through HTTP reverse proxies) and {@code padded} (packet sizes in buckets).
 */
module io.lwt.transport.tcp {
    requires io.lwt.api;

    provides io.lwt.api.transport.TransportProvider with io.lwt.transport.tcp.TcpTransportProvider;
    provides io.lwt.api.codec.CodecProvider with io.lwt.codec.lengthprefix.LengthPrefixCodecProvider,
            io.lwt.codec.websocket.WebSocketCodecProvider, io.lwt.codec.padded.PaddedCodecProvider;
}
