/**
 * The certificate API: makes, reads, writes and describes X.509 certificates and their keys, with BouncyCastle's
 * certificate builders and PEM codecs and the JDK's own cryptography. Used by {@code lwt cert} and {@code lwt init}
 * and by the {@code tls} transport; it knows no other module of this project, so the launcher needs no plugin for it.
 */
module io.lwt.cert {
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;

    exports io.lwt.cert;
}
