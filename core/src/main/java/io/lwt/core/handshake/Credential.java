package io.lwt.core.handshake;

/**
 * How a hub knows a client: its name and pre-shared key, or no key when only the transport authenticates it (the
 * connection's peer identity, a client certificate, must then be the name).
 */
public record Credential(String name, byte[] key) {

    public Credential {
        key = Proofs.checkedKey(key, name);
    }

    @Override
    public byte[] key() {
        return key == null ? null : key.clone();
    }
}
