/**
 * Transport {@code tls}: TCP with TLS 1.3 (1.2 optional) by the BouncyCastle protocol engine, record encryption
 * by the JDK's own ciphers. Exports the certificate API that {@code lwt cert} and the tests use.
 */
module io.lwt.transport.tls {
    requires io.lwt.api;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.util;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.tls;

    exports io.lwt.transport.tls.cert;

    provides io.lwt.api.transport.TransportProvider with io.lwt.transport.tls.TlsTransportProvider;
}
