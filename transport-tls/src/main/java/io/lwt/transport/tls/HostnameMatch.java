package io.lwt.transport.tls;

import java.net.InetAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Whether a certificate is for a host name or IP address (RFC 6125): DNS names against the DNS subjectAltNames,
 * with a wildcard only as the whole leftmost label; IP addresses against the IP subjectAltNames only. The subject's
 * CN is not consulted, as in current browsers and Go.
 */
final class HostnameMatch {

    private static final int DNS = 2;
    private static final int IP = 7;

    private HostnameMatch() {}

    static boolean matches(X509Certificate certificate, String expected) {
        InetAddress address = ipLiteral(expected);
        for (List<?> entry : entries(certificate)) {
            int type = (Integer) entry.get(0);
            String value = (String) entry.get(1);
            if (address != null ? type == IP && address.equals(ipLiteral(value))
                    : type == DNS && dnsMatches(value, expected)) {
                return true;
            }
        }
        return false;
    }

    /** The DNS and IP names of the certificate, for messages. */
    static List<String> names(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        for (List<?> entry : entries(certificate)) {
            int type = (Integer) entry.get(0);
            if (type == DNS || type == IP) {
                names.add((String) entry.get(1));
            }
        }
        return names;
    }

    static InetAddress ipLiteral(String text) {
        String unbracketed = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        try {
            return InetAddress.ofLiteral(unbracketed);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean dnsMatches(String pattern, String host) {
        String p = normalize(pattern);
        String h = normalize(host);
        if (p.startsWith("*.")) {
            int dot = h.indexOf('.');
            // "*.example.com" matches "a.example.com", not "example.com" nor "a.b.example.com"
            return dot > 0 && h.substring(dot).equals(p.substring(1)) && p.indexOf('.', 2) > 0;
        }
        return p.equals(h);
    }

    private static String normalize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static Collection<List<?>> entries(X509Certificate certificate) {
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            return entries == null ? List.of() : entries;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
