package io.lwt.core.noise;

import java.security.GeneralSecurityException;

/** A Noise message that cannot be processed: too short, a low-order public key, a used-up nonce, a failed tag. */
public final class NoiseException extends GeneralSecurityException {

    public NoiseException(String message) {
        super(message);
    }

    public NoiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
