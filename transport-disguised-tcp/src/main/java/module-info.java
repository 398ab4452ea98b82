/** Transport {@code tcp} and the codec {@code length-prefix}, byte-compatible with the original Go program. */
module io.lwt.transport.tcp {
    requires io.lwt.api;

    provides io.lwt.api.transport.TransportProvider with io.lwt.transport.tcp.TcpTransportProvider;
    provides io.lwt.api.codec.CodecProvider with io.lwt.codec.lengthprefix.LengthPrefixCodecProvider;
}
