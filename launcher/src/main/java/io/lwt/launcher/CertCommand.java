package io.lwt.launcher;

import io.lwt.cert.Certificates;
import io.lwt.cert.Credentials;
import io.lwt.cert.KeyType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Certificates for the {@code tls} transport: create a CA, a hub's or a client's certificate, or show the subject
 * and SHA-256 fingerprint (what clients pin) of existing ones.
 */
@Command(name = "cert", mixinStandardHelpOptions = true,
        description = "Create or show certificates for the tls transport.",
        subcommands = {CertCommand.Create.class, CertCommand.Show.class})
final class CertCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Write DIR/NAME.crt and DIR/NAME.key (mode 0600): self-signed, or signed by --ca.")
    static final class Create implements Callable<Integer> {

        @Parameters(paramLabel = "NAME", description = "the subject's common name, and the files' name; a client's "
                + "name is its identity with mutual TLS")
        String name;

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".", description = "where to write (default: .)")
        Path dir;

        @Option(names = "--san", paramLabel = "NAME|IP", description = "a subject alternative name, repeatable "
                + "(default: NAME); a hub's names are what clients check")
        List<String> subjectAltNames = new ArrayList<>();

        @Option(names = "--ca", paramLabel = "CA", description = "sign with DIR/CA.crt and DIR/CA.key instead of self-signing")
        String ca;

        @Option(names = "--authority", description = "make a certificate authority, for --ca and client-ca")
        boolean authority;

        @Option(names = "--days", paramLabel = "N", defaultValue = "825", description = "validity (default: 825)")
        int days;

        @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ed25519",
                description = "ed25519 (default), ec (P-256) or rsa (3072 bits)")
        String keyType;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Path certificate = dir.resolve(name + ".crt");
            Path key = dir.resolve(name + ".key");
            try {
                if (Files.exists(certificate) || Files.exists(key)) {
                    throw new IOException(certificate + " or " + key + " exists; not overwriting it");
                }
                if (days < 1) {
                    throw new IllegalArgumentException("--days must be at least 1");
                }
                KeyType type = switch (keyType.toLowerCase(Locale.ROOT)) {
                    case "ed25519" -> KeyType.ED25519;
                    case "ec" -> KeyType.EC;
                    case "rsa" -> KeyType.RSA;
                    default -> throw new IllegalArgumentException("--key-type: expected ed25519, ec or rsa, got '" + keyType + "'");
                };
                Credentials issuer = ca == null ? null : Certificates.read(dir.resolve(ca + ".crt"), dir.resolve(ca + ".key"));
                Instant now = Instant.now();
                Credentials created = Certificates.create(name, subjectAltNames.isEmpty() ? List.of(name) : subjectAltNames,
                        Certificates.generateKeyPair(type), issuer, now.minus(Duration.ofMinutes(5)),
                        now.plus(Duration.ofDays(days)), authority);
                Certificates.write(created, certificate, key);
                spec.commandLine().getOut().println("wrote " + certificate + " and " + key + "; pin: "
                        + Certificates.fingerprint(created.leaf()));
                return 0;
            } catch (IOException | IllegalArgumentException e) {
                return Cli.fail(spec.commandLine().getErr(), e);
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print subject, names, issuer, validity and SHA-256 fingerprint of each certificate in FILE.")
    static final class Show implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", description = "PEM files", arity = "1..*")
        List<Path> files;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                for (Path file : files) {
                    for (X509Certificate certificate : Certificates.readCertificates(file)) {
                        spec.commandLine().getOut().println(file + ":");
                        spec.commandLine().getOut().println(Certificates.describe(certificate).indent(2).stripTrailing());
                    }
                }
                return 0;
            } catch (IOException e) {
                return Cli.fail(spec.commandLine().getErr(), e);
            }
        }
    }
}
