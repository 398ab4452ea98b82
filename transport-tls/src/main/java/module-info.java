/**
 * Transport {@code tls}: TCP with TLS 1.3 (1.2 optional) by the BouncyCastle protocol engine, record encryption
 * by the JDK's own ciphers. Its certificates come from the certificate API, {@code io.lwt.cert}.
 */
module io.lwt.transport.tls {
    requires io.lwt.api;
    requires io.lwt.cert;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.tls;

    provides io.lwt.api.transport.TransportProvider with io.lwt.transport.tls.TlsTransportProvider;
}
