package io.lwt.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class ConnectionRateTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void oneSourceGetsItsBurstThenItsRateWhileOthersAreUnaffected() throws Exception {
        ConnectionRate rate = new ConnectionRate(3);
        InetAddress flooder = InetAddress.getByName("192.0.2.1");
        InetAddress other = InetAddress.getByName("192.0.2.2");
        long t = 5 * SECOND;
        for (int i = 0; i < 3; i++) {
            assertTrue(rate.admit(flooder, t), "burst of one second's worth: " + i);
        }
        assertFalse(rate.admit(flooder, t), "over the rate");
        assertTrue(rate.admit(other, t), "another source is not affected");
        assertFalse(rate.admit(flooder, t + SECOND / 10), "a tenth of a second later: not yet a whole token");
        assertTrue(rate.admit(flooder, t + SECOND / 2), "half a second at 3/s refills a token");
        assertTrue(rate.admit(flooder, t + 60 * SECOND), "an idle source is full again (and forgotten meanwhile)");
    }
}
