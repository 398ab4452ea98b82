package io.lwt.core.noise;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CipherStateTest {

    private static final byte[] KEY = new byte[CipherFunction.KEYLEN];
    private static final byte[] NO_AD = new byte[0];
    private static final byte[] AD = "header".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE =
            "a packet of some length, more than one block".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADROOM = 64;
    private static final byte MARK = 0x5a;

    static {
        Arrays.fill(KEY, (byte) 0x42);
    }

    @ParameterizedTest
    @EnumSource(CipherFunction.class)
    void aTamperedMessageFailsItsTagAndLeavesTheNonceWhereItWas(CipherFunction function) throws Exception {
        byte[] sealed = keyed(function, 0).encryptWithAd(AD, MESSAGE);
        for (int i : new int[] {0, MESSAGE.length / 2, MESSAGE.length, sealed.length - 1}) { // message and tag
            CipherState receiver = keyed(function, 0);
            NoiseException e = assertThrows(NoiseException.class, () -> receiver.decryptWithAd(AD, flip(sealed, i)));
            assertEquals("a sealed message failed its authentication", e.getMessage());
            assertInstanceOf(AEADBadTagException.class, e.getCause());
            assertEquals(0, receiver.nonce(), "byte " + i);
            assertArrayEquals(MESSAGE, receiver.decryptWithAd(AD, sealed), "byte " + i);
        }
        assertThrows(NoiseException.class, () -> keyed(function, 0).decryptWithAd(NO_AD, sealed), "the AD counts");
    }

    @ParameterizedTest
    @EnumSource(CipherFunction.class)
    void aTamperedMessageOpenedInPlaceFailsItsTagAndLeavesTheNonceWhereItWas(CipherFunction function)
            throws Exception {
        byte[] sealed = keyed(function, 0).encryptWithAd(NO_AD, MESSAGE);
        CipherState receiver = keyed(function, 0);
        NoiseException e = assertThrows(NoiseException.class,
                () -> receiver.open(withHeadroom(ByteBuffer.allocate(256), flip(sealed, 3))));
        assertInstanceOf(AEADBadTagException.class, e.getCause());
        assertEquals(0, receiver.nonce());
        ByteBuffer buffer = withHeadroom(ByteBuffer.allocate(256), sealed);
        receiver.open(buffer);
        assertArrayEquals(MESSAGE, remaining(buffer));
    }

    @ParameterizedTest
    @EnumSource(CipherFunction.class)
    void nonce2To64Minus2IsTheLastUsedAnd2To64Minus1IsRefused(CipherFunction function) throws Exception {
        CipherState sender = keyed(function, -2L); // 2^64-2 as an unsigned long
        CipherState receiver = keyed(function, -2L);
        assertArrayEquals(MESSAGE, receiver.decryptWithAd(AD, sender.encryptWithAd(AD, MESSAGE)));
        assertThrows(NoiseException.class, () -> sender.encryptWithAd(AD, MESSAGE));
        assertThrows(NoiseException.class, () -> receiver.decryptWithAd(AD, new byte[32]));

        CipherState reserved = keyed(function, -1L); // set, not counted up to
        assertThrows(NoiseException.class, () -> reserved.encryptWithAd(AD, MESSAGE));
        assertThrows(NoiseException.class, () -> reserved.decryptWithAd(AD, new byte[32]));
        assertThrows(NoiseException.class, () -> reserved.seal(withHeadroom(ByteBuffer.allocate(256), MESSAGE)));
        assertThrows(NoiseException.class, () -> reserved.open(withHeadroom(ByteBuffer.allocate(256), new byte[32])));
    }

    @ParameterizedTest
    @EnumSource(CipherFunction.class)
    void theNonceIsFourZeroBytesThenTheCounterInTheCiphersByteOrder(CipherFunction function) throws Exception {
        long counter = 0x0102030405060708L; // every byte distinct, so a wrong order or width shows
        byte[] expected = rawEncrypt(function, KEY, counter, MESSAGE);
        assertArrayEquals(expected, keyed(function, counter).encryptWithAd(NO_AD, MESSAGE));
        ByteBuffer buffer = withHeadroom(ByteBuffer.allocate(256), MESSAGE);
        keyed(function, counter).seal(buffer);
        assertArrayEquals(expected, remaining(buffer));
    }

    @ParameterizedTest
    @EnumSource(CipherFunction.class)
    void rekeyTakesTheFirst32BytesOfZerosEncryptedUnderTheReservedNonceAndKeepsTheCounter(CipherFunction function)
            throws Exception {
        CipherState state = keyed(function, 5);
        state.rekey();
        assertEquals(5, state.nonce());
        byte[] nextKey = Arrays.copyOf(rawEncrypt(function, KEY, -1L, new byte[CipherFunction.KEYLEN]),
                CipherFunction.KEYLEN);
        assertArrayEquals(rawEncrypt(function, nextKey, 5, MESSAGE), state.encryptWithAd(NO_AD, MESSAGE));
    }

    @ParameterizedTest
    @EnumSource(CipherFunction.class)
    void sealAndOpenInPlaceKeepTheHeadroomOnHeapDirectAndOffsetBuffers(CipherFunction function) throws Exception {
        byte[] expected = keyed(function, 0).encryptWithAd(NO_AD, MESSAGE);
        for (ByteBuffer buffer : new ByteBuffer[] {ByteBuffer.allocate(256), ByteBuffer.allocateDirect(256),
                ByteBuffer.allocate(300).position(44).slice()}) { // a slice has an array offset
            String kind = buffer.isDirect() ? "direct" : "heap, array offset " + buffer.arrayOffset();
            withHeadroom(buffer, MESSAGE);
            CipherState sender = keyed(function, 0);
            sender.seal(buffer);
            assertEquals(HEADROOM, buffer.position(), kind);
            assertArrayEquals(expected, remaining(buffer), kind);
            assertEquals(1, sender.nonce(), kind);

            CipherState receiver = keyed(function, 0);
            receiver.open(buffer);
            assertEquals(HEADROOM, buffer.position(), kind);
            assertArrayEquals(MESSAGE, remaining(buffer), kind);
            assertEquals(1, receiver.nonce(), kind);
            for (int i = 0; i < HEADROOM; i++) {
                assertEquals(MARK, buffer.get(i), kind + ": headroom byte " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CipherFunction.class)
    void sealRefusesABufferWithoutRoomForTheTagAndChangesNothing(CipherFunction function) {
        ByteBuffer full = ByteBuffer.allocate(HEADROOM + MESSAGE.length + CipherFunction.TAGLEN - 1);
        withHeadroom(full, MESSAGE);
        CipherState sender = keyed(function, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sender.seal(full));
        assertEquals("no room for the 16-byte tag after the message: limit 108, capacity 123", e.getMessage());
        assertEquals(HEADROOM, full.position());
        assertArrayEquals(MESSAGE, remaining(full));
        assertEquals(0, sender.nonce());
    }

    private static CipherState keyed(CipherFunction function, long nonce) {
        CipherState state = new CipherState(function);
        state.initializeKey(KEY.clone());
        state.setNonce(nonce);
        return state;
    }

    /** ENCRYPT(k, n, empty ad, plaintext) straight from javax.crypto, the nonce laid out as spec section 12 says. */
    private static byte[] rawEncrypt(CipherFunction function, byte[] key, long counter, byte[] plaintext)
            throws GeneralSecurityException {
        boolean gcm = function == CipherFunction.AESGCM;
        byte[] iv = ByteBuffer.allocate(12).order(gcm ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN)
                .putInt(0).putLong(counter).array();
        Cipher cipher = Cipher.getInstance(gcm ? "AES/GCM/NoPadding" : "ChaCha20-Poly1305");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, gcm ? "AES" : "ChaCha20"),
                gcm ? new GCMParameterSpec(128, iv) : new IvParameterSpec(iv));
        return cipher.doFinal(plaintext);
    }

    /** Fills the buffer with marks and puts the bytes after {@link #HEADROOM} of them, as position..limit. */
    private static ByteBuffer withHeadroom(ByteBuffer buffer, byte[] bytes) {
        buffer.clear();
        while (buffer.hasRemaining()) {
            buffer.put(MARK);
        }
        return buffer.position(HEADROOM).put(bytes).flip().position(HEADROOM);
    }

    private static byte[] remaining(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static byte[] flip(byte[] bytes, int index) {
        byte[] flipped = bytes.clone();
        flipped[index] ^= 1;
        return flipped;
    }
}
