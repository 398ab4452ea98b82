package io.lwt.cert;

/**
 * The result of {@link Certificates#loadOrCreate}.
 *
 * @param credentials the certificate and key, read or just made
 * @param created whether they were made (and written) by this call
 */
public record AutoCertificate(Credentials credentials, boolean created) {}
