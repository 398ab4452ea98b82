package io.lwt.core.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Curve25519Test {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rfc7748FunctionVectorsClampTheScalarAndMaskTheTopBitOfU() throws NoiseException {
        // RFC 7748 section 5.2: neither scalar is clamped, and the second u has its most significant bit set
        assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", HEX.formatHex(Curve25519.dh(
                HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"))));
        assertEquals("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957", HEX.formatHex(Curve25519.dh(
                HEX.parseHex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                HEX.parseHex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"))));
    }

    @Test
    void rfc7748DiffieHellmanVector() throws NoiseException {
        // RFC 7748 section 6.1: Alice's and Bob's public keys from their private keys, and their shared secret
        Curve25519.KeyPair alice = Curve25519.fromPrivate(
                HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        Curve25519.KeyPair bob = Curve25519.fromPrivate(
                HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
                HEX.formatHex(alice.publicKey()));
        assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
                HEX.formatHex(bob.publicKey()));
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertEquals(shared, HEX.formatHex(Curve25519.dh(alice.privateKey(), bob.publicKey())));
        assertEquals(shared, HEX.formatHex(Curve25519.dh(bob.privateKey(), alice.publicKey())));
    }

    @Test
    void aGeneratedPairsPublicKeyIsThatOfItsPrivateKeyAndItsTextHidesThePrivateKey() {
        Curve25519.KeyPair pair = Curve25519.generate();
        assertArrayEquals(Curve25519.fromPrivate(pair.privateKey()).publicKey(), pair.publicKey());
        assertFalse(pair.toString().contains(HEX.formatHex(pair.privateKey())), pair.toString());
    }

    /** The points of order 1, 2, 4 and 8, and non-canonical encodings of them: p, p + 1 and a set top bit. */
    @ParameterizedTest
    @ValueSource(strings = {
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "0000000000000000000000000000000000000000000000000000000000000080"})
    void aLowOrderPublicKeyIsRefused(String point) {
        byte[] privateKey = Curve25519.generate().privateKey();
        NoiseException e = assertThrows(NoiseException.class, () -> Curve25519.dh(privateKey, HEX.parseHex(point)));
        assertTrue(e.getMessage().contains("small order"), e.getMessage());
    }

    @Test
    void aPublicKeyOfTheWrongLengthIsRefused() {
        NoiseException e = assertThrows(NoiseException.class, () -> Curve25519.dh(new byte[32], new byte[31]));
        assertEquals("a Curve25519 public key is 32 bytes, not 31", e.getMessage());
    }
}
